"""Grade ladders: which grade follows which, where each kind of school takes its intake and
from which grade it graduates. Pure data and functions (no database), used by the
school-year rollover (services/rollover.py) and tested as a table.

A rung lists the spellings of one grade; the spellings of neighbouring rungs line up by
position (高一年级 → 高二年级, 高一 → 高二), and a class name that starts with its grade's
spelling takes the next grade's (高一(3)班 → 高二(3)班, 七年级2班 → 八年级2班, 小一班 → 中一班);
a class named for its cohort (2023级1班) keeps its name.
"""

import re
from dataclasses import dataclass

# Ladders, lowest grade first. The nine-year ladder serves primary, junior, nine-year and
# special schools, and vocational schools' 一年级…三年级.
NINE_YEAR = (
    ("一年级",), ("二年级",), ("三年级",), ("四年级",), ("五年级",), ("六年级",),
    ("七年级", "初一", "初中一年级"), ("八年级", "初二", "初中二年级"),
    ("九年级", "初三", "初中三年级"),
)
SENIOR = (("高一年级", "高一", "高中一年级"), ("高二年级", "高二", "高中二年级"),
          ("高三年级", "高三", "高中三年级"))
KINDERGARTEN = (("小班", "小"), ("中班", "中"), ("大班", "大"))
LADDERS = {"nine_year": NINE_YEAR, "senior": SENIOR, "kindergarten": KINDERGARTEN}

# School kind -> (ladder, the rung its intake enters, the rung it graduates from), by
# position in the ladder. A school may hold more than one ladder (a 完全中学: junior and
# senior; each graduates from its own last rung).
KIND_LADDERS = {
    "primary": {"nine_year": (0, 5)},
    "junior": {"nine_year": (6, 8)},
    "special": {"nine_year": (0, 8)},
    "senior": {"senior": (0, 2), "nine_year": (6, 8)},
    "vocational": {"nine_year": (0, 2), "senior": (0, 2)},
    "kindergarten": {"kindergarten": (0, 2)},
    "university": {},
}
COHORT = re.compile(r"^(\d{4})级")


@dataclass(frozen=True)
class Rung:
    ladder: str
    position: int  # in the ladder, lowest first
    spelling: int  # which spelling of the rung the name uses


def rung_of(unit_name: str) -> Rung | None:
    """The rung a grade's name stands for (its whole name, one of the full spellings;
    the one-character kindergarten spellings name classes, not grades)."""
    name = unit_name.strip()
    for ladder, rungs in LADDERS.items():
        for position, spellings in enumerate(rungs):
            if name in spellings and (len(name) > 1 or ladder != "kindergarten"):
                return Rung(ladder, position, spellings.index(name))
    return None


def span(kind: str, ladder: str) -> tuple[int, int] | None:
    """(intake rung, graduating rung) of a school of this kind on this ladder."""
    return KIND_LADDERS.get(kind, {}).get(ladder)


def spelled(ladder: str, position: int, spelling: int) -> str:
    spellings = LADDERS[ladder][position]
    return spellings[spelling] if spelling < len(spellings) else spellings[0]


def next_grade_name(rung: Rung) -> str:
    return spelled(rung.ladder, rung.position + 1, rung.spelling)


def promoted_class_name(name: str, rung: Rung) -> str:
    """The class's name in the next grade: its grade's spelling at the start replaced by
    the next grade's; a cohort name (2023级…, its year kept) or any other name kept."""
    for spelling in sorted(LADDERS[rung.ladder][rung.position], key=len, reverse=True):
        if name.startswith(spelling):
            index = LADDERS[rung.ladder][rung.position].index(spelling)
            return spelled(rung.ladder, rung.position + 1, index) + name[len(spelling):]
    return name


def intake_class_name(old_name: str, grade_name: str, rung: Rung, to_year: int, n: int) -> str:
    """A new class of the intake grade, named as last year's intake class `old_name` was:
    the grade's spelling kept (七年级1班), a cohort year moved on (2027级1班), else the
    grade and a number."""
    for spelling in sorted(LADDERS[rung.ladder][rung.position], key=len, reverse=True):
        if old_name.startswith(spelling):
            return old_name
    if COHORT.match(old_name):
        return COHORT.sub(f"{to_year}级", old_name)
    return f"{grade_name}{n}班"


def graduated_name(name: str, to_year: int) -> str:
    """A graduated grade or class keeps its name under its cohort's year (2027届九年级1班),
    which frees the name for the grade below."""
    return f"{to_year}届{name}"


# Ladders in the order a school lists them: kindergarten, then the nine years, then senior.
LADDER_ORDER = ("kindergarten", "nine_year", "senior")
_DIGITS = re.compile(r"(\d+)")


def _natural(text: str) -> tuple:
    """Digits compared as numbers (七年级2班 before 七年级10班)."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text))


def grade_order(name: str | None) -> tuple:
    """A sort key for grade and class names by rung (七年级, 八年级, 九年级; 七年级2班 before
    八年级1班), whatever their characters' order; a name on no ladder comes after, by name.
    A class is placed by the longest grade spelling its name starts with."""
    name = (name or "").strip()
    for position_in_order, ladder in enumerate(LADDER_ORDER):
        for position, spellings in enumerate(LADDERS[ladder]):
            for spelling in sorted(spellings, key=len, reverse=True):
                if len(spelling) > 1 and name.startswith(spelling):
                    return (0, position_in_order, position, _natural(name[len(spelling):]))
    return (1, 0, 0, _natural(name))
