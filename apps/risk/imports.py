"""Risk areas from a CSV file, as bureaus receive them in notices.

Columns (a header row, English or Chinese, in any order): region (a GB/T 2260 code, or a name
with as much context as needed: "上海市浦东新区"), sub-area (optional), level (high/medium/low
or 高/中/低), from, to (optional), source. UTF-8 with or without a BOM, or GBK (what Excel
writes on a Chinese Windows). Every bad row is reported with its row number (the header is
row 1), column, value and reason; nothing is saved unless every row is good, or unless the
caller asks to apply the good rows only.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import csvfile
from apps.core.csvfile import RowError, parse_date
from apps.core.errors import FieldError
from apps.people.validation import check_text, required
from apps.risk import services

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000

# Each column's header as written in English or Chinese notices.
HEADERS = {
    "region": ("region", "region code", "region_code", "地区", "地区代码", "区域", "行政区划",
               "行政区划代码", "所在地区"),
    "sub_area": ("sub-area", "sub_area", "subarea", "具体区域", "具体地点", "街道小区", "范围"),
    "level": ("level", "risk level", "风险等级", "等级", "风险级别"),
    "start": ("from", "start", "起始日期", "开始日期", "起始", "开始", "自"),
    "end": ("to", "end", "截止日期", "结束日期", "截止", "结束", "至"),
    "source": ("source", "来源", "依据", "发布来源", "发布单位"),
}
NEEDED = ("region", "level", "start", "source")


@dataclass(frozen=True)
class PreviewRow:
    row: int
    values: services.AreaValues


@dataclass
class ImportReport:
    rows: int = 0  # data rows read
    valid: int = 0
    created: int = 0  # 0 on a dry run, and when a bad row stopped everything
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)
    area_ids: list[int] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors if e.row > 1})


def map_headers(header: list[str]) -> tuple[dict[str, int], list[RowError]]:
    """Column name -> index in the row, and an error for each needed column not found."""
    return csvfile.map_headers(header, HEADERS, NEEDED)


class _Reader:
    """Checks rows one by one, remembering the regions already resolved."""

    def __init__(self, actor, header: list[str], columns: dict[str, int]):
        self.actor, self.header, self.columns = actor, header, columns
        self.regions: dict[str, tuple] = {}

    def cell(self, row: list[str], name: str) -> str:
        index = self.columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    def region(self, text: str):
        if text not in self.regions:
            self.regions[text] = services.clean_region(self.actor, text)
        return self.regions[text]

    def check(self, number: int, row: list[str]) -> tuple[services.AreaValues, list[RowError]]:
        cells = {name: self.cell(row, name) for name in HEADERS}
        region, errors = self.region(cells["region"])
        level, found = services.clean_level(cells["level"])
        start, end, dated = self.dates(cells)
        sub_area = " ".join(cells["sub_area"].split())
        source = " ".join(cells["source"].split())
        errors = [*errors, *found, *dated,
                  *check_text("sub_area", sub_area, 200, needed=False),
                  *check_text("source", source, 300, needed=True)]
        values = services.AreaValues(region, sub_area, level, start, end, source)
        return values, [self.row_error(number, e, cells) for e in errors]

    @staticmethod
    def dates(cells: dict) -> tuple[date | None, date | None, list[FieldError]]:
        start, end = parse_date(cells["start"]), parse_date(cells["end"])
        errors = [FieldError(name, "bad_date", _("Write the date as 2022-03-16."))
                  for name, value in (("start", start), ("end", end))
                  if cells[name] and value is None]
        if not cells["start"]:
            errors.append(required("start"))
        if start:
            errors += services.check_period(start, end)
        return start, end, errors

    def row_error(self, number: int, error: FieldError, cells: dict) -> RowError:
        index = self.columns.get(error.field)
        column = self.header[index].strip() if index is not None else error.field
        return RowError(number, column, cells.get(error.field, ""), error.reason, error.message)


def _overlaps_in_file(checked: list[tuple[int, services.AreaValues]]) -> list[RowError]:
    """A row whose designation meets another good row's, or an existing one."""
    errors, seen = [], []
    for number, v in checked:
        clash = next((n for n, w in seen if w.region == v.region and w.sub_area == v.sub_area
                      and (w.end is None or v.start <= w.end)
                      and (v.end is None or w.start <= v.end)), None)
        if clash is not None:
            errors.append(RowError(number, "from", v.start.isoformat(), "overlaps",
                                   _("Row %(row)d designates the same area for the same days.")
                                   % {"row": clash}))
        else:
            for e in services.check_overlap(v):
                errors.append(RowError(number, "from", v.start.isoformat(), e.reason, e.message))
        seen.append((number, v))
    return errors


def read_rows(actor, data: bytes) -> ImportReport:
    """Every row checked; the report has the good rows in `preview` and every error."""
    report = ImportReport()
    header, body, report.errors = csvfile.read_table(data, max_bytes=MAX_BYTES,
                                                     max_rows=MAX_ROWS)
    if report.errors:
        return report
    columns, report.errors = map_headers(header)
    if report.errors:
        return report
    reader, checked = _Reader(actor, header, columns), []
    for number, row in enumerate(body, start=2):
        values, errors = reader.check(number, row)
        report.errors += errors
        if not errors:
            checked.append((number, values))
    overlaps = _overlaps_in_file(checked)
    report.errors += overlaps
    clashing = {e.row for e in overlaps}
    report.rows = len(body)
    report.preview = [PreviewRow(n, v) for n, v in checked if n not in clashing]
    report.valid = len(report.preview)
    return report


@transaction.atomic
def import_rows(*, actor, file, apply_valid_only: bool, dry_run: bool) -> ImportReport:
    data = file.read() if hasattr(file, "read") else bytes(file)
    report = read_rows(actor, data if isinstance(data, bytes) else data.encode())
    report.dry_run = dry_run
    if dry_run or not report.preview or (report.errors and not apply_valid_only):
        return report
    report.area_ids = services.save_imported(actor=actor, rows=[p.values for p in report.preview])
    report.created = len(report.area_ids)
    return report
