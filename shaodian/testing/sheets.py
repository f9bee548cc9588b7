"""Reading back a workbook a page answered (python-calamine), for the export tests."""

import io

from python_calamine import CalamineWorkbook


def read_xlsx(response) -> dict[str, list[list]]:
    """{sheet name: rows as lists of cell values} of an .xlsx response (or its bytes)."""
    data = response if isinstance(response, bytes) else response.content
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def header_row(rows: list[list], first: str) -> int:
    """The index of the row whose first cell is `first` (the titles below the lead lines)."""
    return next(n for n, row in enumerate(rows) if row and row[0] == first)
