import io

import pytest
import xlsxwriter

from apps.people.headcounts import headcounts_refresh


@pytest.fixture
def counted(henan):
    """The henan-2022 province with its schools' headcounts counted."""
    headcounts_refresh()
    return henan


def workbook(rows, headers=("物资", "数量")) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, headers)
    for n, row in enumerate(rows, start=1):
        sheet.write_row(n, 0, row)
    book.close()
    return out.getvalue()
