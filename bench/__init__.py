"""Shaodian's benchmarks: `python -m bench [name ...] [--persons N]` (or `make bench`).

A benchmark is one function in one module of this package, registered with @benchmark:

    @benchmark("gate_verdicts")
    def gate_verdicts(ctx: Context) -> list[Result]:
        ...
        return [Result("gate_verdicts", 1234, "verdicts/s", "> 1000 verdicts/s")]

The harness imports every module here, prepares a migrated PostgreSQL database with the
regions loaded (see __main__.py), runs the benchmarks asked for (all by default) and prints
one line per result: `bench <name>: <figure> <unit> (target <target>)`.
"""

import operator
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

# A target that is a goal starts with a comparison and a number ("< 600 s", ">= 0.5",
# ">= 15000 rows/s, 1000000 rows"); anything else ("a phase of the above") only informs.
_GOAL = re.compile(r"^\s*(<=|>=|<|>)\s*([0-9][0-9,]*(?:\.[0-9]+)?)")
_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@dataclass(frozen=True)
class Result:
    name: str
    figure: float
    unit: str
    target: str

    def goal(self) -> tuple[str, float] | None:
        """The comparison and number the figure must meet, or None for a figure that only
        informs."""
        found = _GOAL.match(self.target)
        return (found.group(1), float(found.group(2).replace(",", ""))) if found else None

    @property
    def missed(self) -> bool:
        goal = self.goal()
        return goal is not None and not _COMPARE[goal[0]](self.figure, goal[1])

    def line(self) -> str:
        # Two decimals below 10: a ratio of 0.47 must not print as the 0.5 it misses.
        size = abs(self.figure)
        figure = (f"{self.figure:.2f}" if size < 10 else f"{self.figure:.1f}" if size < 1000
                  else f"{self.figure:.0f}")
        missed = " MISSED" if self.missed else ""
        return f"bench {self.name}: {figure} {self.unit} (target {self.target}){missed}"


@dataclass
class Context:
    """What a benchmark may use: options from the command line, and whether it may keep
    what it writes (a scratch database) or must roll it back (someone's DATABASE_URL)."""

    persons: int | None = None
    scratch: bool = True
    options: dict = field(default_factory=dict)


Benchmark = Callable[[Context], list[Result]]
REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str) -> Callable[[Benchmark], Benchmark]:
    def register(func: Benchmark) -> Benchmark:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name} registered twice")
        REGISTRY[name] = func
        return func

    return register


def measured(ctx: Context, run: Callable[[], object]):
    """`run()` in one transaction: committed on the harness's scratch database, rolled back
    on anyone else's, so that a benchmark leaves their database as it was."""
    return _in_transaction(run, keep=ctx.scratch)


def undone(run: Callable[[], object]):
    """`run()` in one transaction that is always rolled back."""
    return _in_transaction(run, keep=False)


def _in_transaction(run, *, keep: bool):
    from django.db import transaction

    with transaction.atomic():
        outcome = run()
        if not keep:
            transaction.set_rollback(True)
    return outcome


def say(label: str, text: str) -> None:
    """A line of progress on stderr, named by its benchmark (stdout has the results)."""
    print(f"{label}: {text}", file=sys.stderr, flush=True)
