"""Reading an uploaded roster (xlsx, xls or CSV) into rows of cells, keeping each row's
spreadsheet row number so that every error can point at the line the school sees.

Files are refused whole, with a reason code, when they cannot be read as a roster at all:
wrong type, HTML saved as .xls (what many web systems export), encrypted, empty, too big,
or with a merged header.
"""

import csv
import gc
import io
import os
import pickle
import posixpath
import re
import signal
import threading
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

SPREADSHEETS = (".xlsx", ".xls")
EXTENSIONS = (*SPREADSHEETS, ".csv")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and every encrypted Office file
ZIP_MAGIC = b"PK\x03\x04"
HTML_MARKERS = (b"<html", b"<!doctype", b"<table", b"<meta", b"<?xml")
FORMULAS_FORK_BYTES = 1024 * 1024  # from this size formulas are looked for in a child


class RosterError(Exception):
    """The file as a whole cannot be imported; `reason` is a stable code."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass
class Row:
    number: int  # the row number in the spreadsheet (1-based, as Excel shows it)
    cells: list


@dataclass
class Table:
    headers: list[str]
    header_row: int
    rows: list[Row] = field(default_factory=list)
    # (row number, column index) of formula cells saved without a computed value: calamine
    # reads them as empty, but they are not empty, so a row must not be taken as it reads.
    uncomputed: set[tuple[int, int]] = field(default_factory=set)


@contextmanager
def gc_paused():
    """No cyclic garbage collection while a file's rows are read, checked or written: they
    make millions of objects and no cycles, and each collection would walk all of them
    again (and, in a forked child, copy every page it touches)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_upload(name: str, data: bytes) -> str:
    """Refuse on sight what cannot be a roster (type, size, empty, a web page saved as
    .xls); returns the extension. Cheap: the file is not parsed."""
    extension = _extension(name)
    if len(data) > settings.ROSTER_MAX_BYTES:
        raise RosterError(
            "too_large",
            _("The file is larger than %(mb)d MB: split it into several files.")
            % {"mb": settings.ROSTER_MAX_BYTES // (1024 * 1024) or 1},
        )
    if not data.strip():
        raise RosterError("empty", _("The file is empty."))
    if extension != ".csv":
        _sniff(extension, data)
    return extension


def read_table(name: str, data: bytes) -> Table:
    """The first sheet (or the CSV) as a header row and data rows; blank rows skipped."""
    extension = check_upload(name, data)
    with _Formulas(data if extension == ".xlsx" else None) as formulas, gc_paused():
        if extension == ".csv":
            grid, merged = _read_csv(data), []
        else:
            grid, merged = _read_workbook(extension, data)
        table = _table(grid, merged)
        table.uncomputed = formulas.result()
    return table


def _extension(name: str) -> str:
    lowered = (name or "").lower()
    for extension in EXTENSIONS:
        if lowered.endswith(extension):
            return extension
    raise RosterError(
        "bad_type", _("Upload an Excel file (.xlsx or .xls) or a CSV file.")
    )


def _sniff(extension: str, data: bytes) -> None:
    head = data[:512].lstrip().lower()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    if any(head.startswith(marker) for marker in HTML_MARKERS):
        raise RosterError(
            "html_as_excel",
            _(
                "This file is a web page saved with an Excel name, not a real workbook: "
                "open it in Excel and save it as .xlsx."
            ),
        )
    if extension == ".xlsx" and data.startswith(OLE_MAGIC):
        raise _encrypted()  # an encrypted xlsx is wrapped in an OLE container
    if not (data.startswith(OLE_MAGIC) or data.startswith(ZIP_MAGIC)):
        raise RosterError("bad_type", _("This file is not an Excel workbook."))


def _encrypted() -> RosterError:
    return RosterError(
        "encrypted",
        _("The workbook is protected by a password: remove the password and upload it again."),
    )


def _read_workbook(extension: str, data: bytes) -> tuple[list[list], list]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise RosterError("empty", _("The workbook has no sheet."))
        sheet = workbook.get_sheet_by_index(0)
        grid = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except PasswordError:
        raise _encrypted() from None
    except CalamineError as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _encrypted() from None
        raise RosterError(
            "unreadable", _("The workbook cannot be read: save it again as .xlsx.")
        ) from None
    return grid, merged


def _read_csv(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):  # GB18030 is a superset of GBK and GB2312
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost any byte string
        raise RosterError("bad_encoding", _("Save the CSV file as UTF-8."))
    return list(csv.reader(io.StringIO(text, newline="")))


def _blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _table(grid: list[list], merged: list) -> Table:
    numbered = [(index + 1, cells) for index, cells in enumerate(grid) if not _blank(cells)]
    if not numbered:
        raise RosterError(
            "empty", _("The sheet has no rows: the first sheet must hold the roster.")
        )
    header_row, header_cells = numbered[0]
    headers = [str(cell).strip() if cell is not None else "" for cell in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    _check_header(header_row, headers, merged)
    width = len(headers)
    rows = [Row(number, list(cells[:width]) + [""] * (width - len(cells))) for number, cells
            in numbered[1:]]
    return Table(headers=headers, header_row=header_row, rows=rows)


def _check_header(header_row: int, headers: list[str], merged: list) -> None:
    merged_in_header = any(
        start[0] <= header_row - 1 <= end[0] for start, end in merged
    )
    if merged_in_header or "" in headers:
        raise RosterError(
            "merged_header",
            _(
                "The header row (row %(row)d) has merged or empty cells: give every column "
                "its own title in one row."
            )
            % {"row": header_row},
        )


# The parts of an uploaded workbook are untrusted XML. ElementTree resolves no external
# entity, and the expat it runs on (2.4.1 and later) stops entity-expansion bombs.
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _first_sheet_path(book: zipfile.ZipFile) -> str:
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))  # noqa: S314
    first = workbook.find(f"{MAIN_NS}sheets/{MAIN_NS}sheet")
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    for rel in rels:
        if first is not None and rel.get("Id") == first.get(f"{REL_NS}id"):
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return "xl/worksheets/sheet1.xml"


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def may_fork() -> bool:
    """Whether work may go to a forked child: never in a process that runs other threads
    (a web server's, the worker's heartbeat), since the child would inherit every lock
    they hold at that moment, taken forever (Python warns of it). The worker runs large
    files in a process of its own (apps.rosters.tasks), which may fork."""
    return hasattr(os, "fork") and threading.active_count() == 1


class _Formulas:
    """The uncomputed formulas of an .xlsx (a second pass over the sheet's XML), found by
    a forked child while calamine reads the workbook here, for a large file (when this
    process may fork); otherwise here, when asked. A context manager: leaving it reaps
    the child."""

    def __init__(self, data: bytes | None):
        self.data, self.pid, self.found = data, None, set()
        if data is None or len(data) < FORMULAS_FORK_BYTES or not may_fork():
            return
        reader, writer = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: scan, send, leave without any clean-up
            code = 1
            try:
                os.close(reader)
                with os.fdopen(writer, "wb") as out:
                    pickle.dump(_uncomputed_formulas(data), out, pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(writer)
        self.incoming = os.fdopen(reader, "rb")

    def result(self) -> set[tuple[int, int]]:
        if self.data is None:
            return set()
        if self.pid is None:
            return _uncomputed_formulas(self.data)
        self.found = pickle.load(self.incoming)  # noqa: S301 - our own child's data
        self.data = None
        return self.found

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        if self.pid is None:
            return
        if self.data is not None:  # not read: the child may be blocked writing
            os.kill(self.pid, signal.SIGKILL)
        self.incoming.close()
        _pid, status = os.waitpid(self.pid, 0)
        if status != 0 and exc_info[0] is None:
            raise RuntimeError("the formula scan's process failed")


def _uncomputed_formulas(data: bytes) -> set[tuple[int, int]]:
    """Formula cells of the first sheet with no cached value (a file written by a program
    that never calculated it). A quick scan first: most rosters have no formula at all."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            path = _first_sheet_path(book)
            with book.open(path) as sheet:
                if not any(b"<f" in chunk for chunk in iter(lambda: sheet.read(1 << 20), b"")):
                    return set()
            found = set()
            with book.open(path) as sheet:
                for _event, cell in ElementTree.iterparse(sheet):  # noqa: S314
                    if cell.tag != f"{MAIN_NS}c":
                        continue
                    value = cell.find(f"{MAIN_NS}v")
                    if cell.find(f"{MAIN_NS}f") is not None and not (
                            value is not None and value.text):
                        match = CELL_REF.fullmatch(cell.get("r", ""))
                        if match:
                            found.add((int(match[2]), _column_index(match[1])))
                    cell.clear()
            return found
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return set()  # calamine read it; a part we do not know is not worth refusing for
