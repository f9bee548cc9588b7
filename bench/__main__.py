"""python -m bench [name ...] [--persons N] [--keep]: run the benchmarks, one line per result."""

import argparse
import importlib
import io
import os
import pkgutil
import sys

import bench
from bench.database import bench_database

HARNESS_MODULES = {"database", "province"}


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
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
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
    with bench_database(keep=args.keep) as (_url, scratch):
        _prepare_django()
        ctx = bench.Context(persons=args.persons, scratch=scratch)
        for name in args.names or sorted(bench.REGISTRY):
            for result in bench.REGISTRY[name](ctx):
                print(result.line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
