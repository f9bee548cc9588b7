"""Small CSV files that bureaus receive in notices (risk areas, case reports): decoding,
dates as people write them, headers in English or Chinese in any order, and errors that name
the row (the header is row 1), the column as written in the file, the value and the reason.
Large rosters have their own reader (apps.rosters.reading)."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


@dataclass(frozen=True)
class RowError:
    row: int  # the line in the file; the header is row 1; 0 for the whole file
    column: str  # the column's header as written in the file
    value: str
    reason: str
    message: str


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else GB18030, which reads every GBK file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def parse_date(text: str) -> date | None:
    """2022-03-16, 2022/3/16, 2022.3.16, 2022年3月16日 or 20220316; None if not a date."""
    text = str(text or "").strip()
    match = DATE.fullmatch(text) or COMPACT_DATE.fullmatch(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _normal_header(text: str) -> str:
    return " ".join(str(text or "").replace("\ufeff", "").split()).lower()


def map_headers(header: list[str], aliases: dict[str, tuple[str, ...]],
                needed: tuple[str, ...]) -> tuple[dict[str, int], list[RowError]]:
    """Column name -> index in the row, and an error for each needed column not found."""
    names = {alias: name for name, known in aliases.items() for alias in known}
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        name = names.get(_normal_header(text))
        if name and name not in columns:
            columns[name] = index
    errors = [RowError(1, column, "", "missing_column",
                       _("No column for %(column)s.") % {"column": column})
              for column in needed if column not in columns]
    return columns, errors


def read_table(data: bytes, *, max_bytes: int, max_rows: int
               ) -> tuple[list[str], list[list[str]], list[RowError]]:
    """The header and the non-blank rows of a CSV file, or why the file cannot be read."""
    if len(data) > max_bytes:
        return [], [], [RowError(0, "", "", "too_large", _(
            "The file is larger than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)})]
    try:
        text = decode(data)
    except UnicodeDecodeError:  # neither UTF-8 nor GB18030: a picture, a workbook, …
        return [], [], [RowError(0, "", "", "not_text", _(
            "The file is not text in UTF-8 or GBK: save it as CSV."))]
    lines = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not lines:
        return [], [], [RowError(0, "", "", "empty", _("The file has no rows."))]
    if len(lines) - 1 > max_rows:
        return [], [], [RowError(0, "", "", "too_many_rows",
                                 _("At most %(n)d rows per file.") % {"n": max_rows})]
    return lines[0], lines[1:], []
