"""Case reports from a CSV file, as the health commission's notices list them.

Columns (a header row, English or Chinese, any order): region (code or name with context),
street or compound (optional), reported on, cases, source. UTF-8 with or without a BOM, or
GBK. Every bad row is reported with its row number, column, value and reason; nothing is
recorded unless every row is good, or unless the caller asks for the good rows only. Each
recorded report fires its alert once the import commits.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from apps.core import csvfile
from apps.core.csvfile import RowError
from apps.core.errors import ValidationFailed
from apps.emergency.reports import case_report_enter

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2_000
HEADERS = {
    "region": ("region", "region code", "地区", "地区代码", "行政区划", "行政区划代码", "报告地区"),
    "sub_area": ("street or compound", "sub-area", "sub_area", "街道小区", "具体地点", "具体区域"),
    "reported_on": ("reported on", "date", "reported_on", "报告日期", "日期", "通报日期"),
    "cases": ("cases", "case count", "病例数", "本土病例数", "新增病例"),
    "source": ("source", "notice", "来源", "通报来源", "依据"),
}
NEEDED = ("region", "reported_on", "source")


@dataclass
class ReportImport:
    rows: int = 0
    recorded: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    report_ids: list[int] = field(default_factory=list)


def _cases(text: str) -> int | None:
    text = text.strip() or "1"
    return int(text) if text.isdigit() else None


def _row_values(cells: dict[str, str]) -> tuple[dict, list[tuple[str, str, str]]]:
    errors = []
    reported_on = csvfile.parse_date(cells["reported_on"])
    if cells["reported_on"] and reported_on is None:
        errors.append(("reported_on", "bad_date", _("Write the date as 2022-03-16.")))
    cases = _cases(cells["cases"])
    if cases is None:
        errors.append(("cases", "not_a_number", _("Write the number of cases as digits.")))
    return {"region": cells["region"], "sub_area": cells["sub_area"],
            "reported_on": reported_on, "cases": cases or 0, "source": cells["source"]}, errors


@transaction.atomic
def case_reports_import(*, actor, data: bytes, apply_valid_only: bool = False,
                        dry_run: bool = False) -> ReportImport:
    """Check every row through the same service the form uses; record all or nothing."""
    result = ReportImport(dry_run=dry_run)
    header, body, result.errors = csvfile.read_table(data, max_bytes=MAX_BYTES,
                                                     max_rows=MAX_ROWS)
    if result.errors:
        return result
    columns, result.errors = csvfile.map_headers(header, HEADERS, NEEDED)
    if result.errors:
        return result
    result.rows = len(body)

    def column(name: str) -> str:
        return header[columns[name]].strip() if name in columns else name

    for number, row in enumerate(body, start=2):
        cells = {name: (row[i].strip() if (i := columns.get(name)) is not None and i < len(row)
                        else "") for name in HEADERS}
        values, found = _row_values(cells)
        bad = [RowError(number, column(f), cells.get(f, ""), reason, message)
               for f, reason, message in found]
        if not bad:
            try:
                with transaction.atomic():
                    report = case_report_enter(actor=actor, **values)
                    result.report_ids.append(report.pk)
            except ValidationFailed as exc:
                bad = [RowError(number, column(e.field), cells.get(e.field, ""), e.reason,
                                e.message) for e in exc.errors]
            except Http404:
                bad = [RowError(number, column("region"), cells["region"], "out_of_scope",
                                _("You may not record reports for this region."))]
        result.errors += bad
    if dry_run or (result.errors and not apply_valid_only):
        transaction.set_rollback(True)  # nothing recorded, nothing fired
        result.report_ids = []
    else:
        result.recorded = len(result.report_ids)
    return result
