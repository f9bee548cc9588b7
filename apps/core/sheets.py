"""An .xlsx download from rows with titles: the one shape every printable list of a school
office takes as a workbook (the daily report, the check-in missing list, the CDC's trace-back
list). One sheet per `Sheet`, the titles bold on a frozen first row, each cell as given.

Built in memory: these lists are at most a whole school's (a few thousand rows), so no
worker and no temporary file; a province-wide list goes through rosters' streamed export.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_MAX = 31  # Excel's limit
_BAD_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]  # lazy translations too: written as str()
    rows: Iterable[Sequence] = ()
    widths: Sequence[int] = field(default_factory=tuple)  # per column; 16 when not given
    lead: Sequence[str] = ()  # lines above the titles (school, day, version …)


def meta_lines(meta: Iterable[tuple]) -> list[str]:
    """A print page's header pairs (label, value) as a sheet's lead lines."""
    return [f"{label}: {value}" for label, value in meta]


def _title(title: str, used: set[str]) -> str:
    name = (str(title).translate(_BAD_TITLE).strip() or "Sheet")[:SHEET_TITLE_MAX]
    base, n = name, 2
    while name.lower() in used:  # Excel refuses two sheets of one name
        suffix = f" ({n})"
        name, n = base[:SHEET_TITLE_MAX - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _write_cell(sheet, row: int, col: int, value, dated, stamped) -> None:
    if value is None or value == "":
        return
    if isinstance(value, datetime):
        sheet.write_datetime(row, col, timezone.localtime(value).replace(tzinfo=None), stamped)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, dated)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:  # text stays text: a phone keeps its leading 0, "=…" is no formula
        sheet.write_string(row, col, str(value))


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1})
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    stamped = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    used: set[str] = set()
    for spec in sheets or [Sheet("Sheet", [])]:
        sheet = book.add_worksheet(_title(spec.title, used))
        for line, text in enumerate(spec.lead):
            sheet.write_string(line, 0, str(text))
        top = len(spec.lead) + (1 if spec.lead else 0)
        for col, header in enumerate(spec.headers):
            width = spec.widths[col] if col < len(spec.widths) else 16
            sheet.set_column(col, col, width)
            sheet.write_string(top, col, str(header), bold)
        sheet.freeze_panes(top + 1, 0)
        for line, row in enumerate(spec.rows, start=top + 1):
            for col, value in enumerate(row):
                _write_cell(sheet, line, col, value, dated, stamped)
    book.close()
    return out.getvalue()


def xlsx_response(*, filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """The workbook as a download named `filename` (ASCII, ".xlsx" added)."""
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
