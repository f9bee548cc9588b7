"""The office's stocktake workbook (.xlsx, read by calamine): a header row naming the item
and quantity columns (物资/item, 数量/quantity, in any order and with other columns beside),
then one row per item. Every bad row is named with its row number, field and reason; the
caller writes nothing unless every row is good."""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from python_calamine import CalamineError, CalamineWorkbook

from apps.core.errors import FieldError
from apps.supplies import catalogue

MAX_BYTES = 2 * 1024 * 1024
MAX_QUANTITY = 10_000_000
HEADERS = {
    "item": ("物资", "物资名称", "名称", "品名", "item", "supply"),
    "quantity": ("数量", "库存", "盘点数量", "库存数量", "quantity", "count", "stock"),
}


@dataclass(frozen=True)
class CountRow:
    row: int  # as the sheet numbers it
    item: str
    quantity: int


def _error(row: int, field: str, reason: str, message: str) -> FieldError:
    label = {"item": pgettext("supplies", "item"), "quantity": _("quantity")}.get(field, field)
    return FieldError(f"rows.{row}.{field}" if row else field, reason,
                      _("Row %(row)s, %(field)s: %(message)s")
                      % {"row": row, "field": label, "message": message} if row else message)


def _grid(data: bytes) -> list[list]:
    if not data.startswith(b"PK"):
        raise ValueError(_("Send the office's .xlsx workbook."))
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            return []
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError):
        raise ValueError(_("The workbook cannot be read: save it again as .xlsx.")) from None


def _columns(grid: list[list]) -> tuple[int, dict[str, int]] | None:
    """The header row (its index) and the column of each field, from the first rows."""
    for n, cells in enumerate(grid[:10]):
        names = [str(c or "").strip().lower() for c in cells]
        found = {field: names.index(alias) for field, aliases in HEADERS.items()
                 for alias in aliases if alias in names}
        if len(found) == len(HEADERS):
            return n, found
    return None


def _quantity(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 0 <= value <= MAX_QUANTITY else None


def read_counts(data: bytes) -> tuple[list[CountRow], list[FieldError]]:
    """The rows and every error found (none written: the caller refuses them all)."""
    if len(data) > MAX_BYTES:
        return [], [_error(0, "file", "too_large", _("The file is larger than 2 MB."))]
    try:
        grid = _grid(data)
    except ValueError as exc:
        return [], [_error(0, "file", "unreadable", str(exc))]
    header = _columns(grid)
    if header is None:
        return [], [_error(0, "file", "no_header", _(
            "No header row names the item and quantity columns."))]
    start, cols = header
    rows, errors, seen = [], [], {}
    for n, cells in enumerate(grid[start + 1:], start=start + 2):
        cells = list(cells) + [None] * (max(cols.values()) + 1 - len(cells))
        name, amount = cells[cols["item"]], cells[cols["quantity"]]
        if str(name or "").strip() == "" and str(amount or "").strip() == "":
            continue
        item = catalogue.find(str(name or ""))
        quantity = _quantity(amount)
        if item is None:
            errors.append(_error(n, "item", "bad_choice", _("not an item of the catalogue.")))
        elif item.key in seen:
            errors.append(_error(n, "item", "duplicate", _("counted already on row %(row)s.")
                                 % {"row": seen[item.key]}))
        if quantity is None:
            errors.append(_error(n, "quantity", "invalid", _("not a whole number from 0.")))
        if item is not None and quantity is not None and item.key not in seen:
            rows.append(CountRow(n, item.key, quantity))
        if item is not None:
            seen.setdefault(item.key, n)
    if not rows and not errors:
        errors.append(_error(0, "file", "empty", _("The workbook counts no item.")))
    return rows, errors
