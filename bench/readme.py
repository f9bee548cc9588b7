"""The README's benchmark block, written from a run (`python -m bench --readme`), never by
hand: each line is the harness's own output, with the day and the command that made it.
A run of some benchmarks replaces their lines and keeps the others'."""

import re
import shlex
from datetime import date
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN = "<!-- bench:begin: written by `python -m bench --readme` from a real run; do not edit -->"
END = "<!-- bench:end -->"
_LINE = re.compile(r"^bench (\S+): ")


def block_lines(text: str) -> list[str]:
    """The result lines of the README's block (without the fence), in order."""
    inner = text.split(BEGIN, 1)[1].split(END, 1)[0]
    return [line for line in inner.splitlines() if _LINE.match(line)]


def merged(old: list[str], new: list[str]) -> list[str]:
    """Old lines with those of the same results replaced by new ones; new results last."""
    fresh = {_LINE.match(line).group(1): line for line in new}
    kept = [fresh.pop(_LINE.match(line).group(1), line) for line in old]
    return kept + list(fresh.values())


def readme_write(lines: list[str], argv: list[str], *, readme: Path = README,
                 today: date | None = None) -> None:
    """Put this run's result lines in the README's block, each with the day and command."""
    command = shlex.join(["python", "-m", "bench", *argv])
    stamp = f"{(today or date.today()).isoformat()}, {command}"
    text = readme.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{readme} has no benchmark block ({BEGIN} … {END})")
    new = [f"{line}  # {stamp}" for line in lines]
    body = "\n".join(merged(block_lines(text), new))
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    readme.write_text(f"{head}{BEGIN}\n```\n{body}\n```\n{END}{tail}", encoding="utf-8")
