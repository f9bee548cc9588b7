"""Roster files built in memory for the tests."""

import csv
import datetime
import io

import xlsxwriter


def xlsx(rows: list[list], *, merge=None, formulas=None) -> bytes:
    """A workbook whose first sheet holds `rows` from A1 (None leaves a cell empty).
    `merge` is (first_row, first_col, last_row, last_col, text), 0-based;
    `formulas` maps (row, col) to (formula, cached value)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, date_format)
            elif value is not None:
                sheet.write(r, c, value)
    if merge:
        sheet.merge_range(*merge)
    for (r, c), (formula, value) in (formulas or {}).items():
        sheet.write_formula(r, c, formula, None, value)
    workbook.close()
    return buffer.getvalue()


def empty_xlsx() -> bytes:
    return xlsx([])


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)
