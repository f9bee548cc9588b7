"""python -m bench [name ...] [--persons N] [--keep]: run the benchmarks, one line per result."""

import argparse
import importlib
import io
import os
import pkgutil
import sys

import bench
from bench.database import bench_database

HARNESS_MODULES = {"database", "province", "readme"}
FIRST = "generate_province"


def _load_benchmarks() -> None:
    for module in pkgutil.iter_modules(bench.__path__):
        if module.name not in HARNESS_MODULES and not module.name.startswith("_"):
            importlib.import_module(f"bench.{module.name}")


def _prepare_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shaodian.settings")
    import django
    from django.core.management import call_command

    django.setup()
    quiet = io.StringIO()  # stdout carries only the `bench ...` lines
    call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
    call_command("load_regions", verbosity=0, stdout=quiet)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--persons", type=int, help="size of the generated province (quick runs)")
    parser.add_argument("--seconds", type=float,
                        help="how long a timed benchmark runs (the soak: default 600)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--readme", action="store_true",
                        help="write this run's lines into README.md's benchmark block")
    args = parser.parse_args(argv)
    _load_benchmarks()
    if args.list:
        print("\n".join(sorted(bench.REGISTRY)))
        return 0
    unknown = set(args.names) - set(bench.REGISTRY)
    if unknown:
        parser.error(
            f"unknown benchmark(s): {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(bench.REGISTRY))}"
        )
    results = _run(args, sys.argv[1:] if argv is None else argv)
    missed = [r for r in results if r.missed]
    if missed:
        print(f"bench: {len(missed)} target(s) missed: "
              + "; ".join(f"{r.name} ({r.line().split(': ', 1)[1]})" for r in missed),
              file=sys.stderr)
        return 1
    return 0


def _run(args, argv: list[str]) -> list[bench.Result]:
    """Every benchmark asked for; with --readme, each one's lines go into the README as soon
    as it ends, so a run stopped halfway keeps what it measured."""
    from bench.readme import readme_write

    results = []
    with bench_database(keep=args.keep) as (_url, scratch):
        _prepare_django()
        options = {"seconds": args.seconds} if args.seconds else {}
        ctx = bench.Context(persons=args.persons, scratch=scratch, options=options)
        # generate_province first: the province it makes is the one the others reuse
        for name in sorted(args.names or bench.REGISTRY, key=lambda n: (n != FIRST, n)):
            lines = []
            for result in bench.REGISTRY[name](ctx):
                print(result.line(), flush=True)
                results.append(result)
                lines.append(result.line())
            if args.readme:
                readme_write(lines, argv)
    return results


if __name__ == "__main__":
    sys.exit(main())
