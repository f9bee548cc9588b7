"""The rows of a large file checked in a forked child, to use the second core.

Fork-safety: a process must never fork beside other threads (a thread may hold a lock the
child inherits held, forever), so the child is forked before any thread starts: the
streamed import forks it before its COPY writer thread (streamed.py), and a process that
runs threads never forks at all (`reading.may_fork`; the worker runs large files in a
process of its own, tasks.py). The child never queries the database: the parent resolves
the file's regions first, and the child drops the parent's connection objects without
closing them. It sends its rows back pickled through a pipe and leaves with os._exit, no
clean-up (the parent's files and sessions are the parent's)."""

import os
import pickle
import select
import signal
from datetime import date

from django.db import connections

from apps.rosters.services.plans import Plan, PlannedRow, RowError
from apps.rosters.services.rows import _read_rows, _School
from apps.rosters.services.writer import _sealed

CHILD_CHUNK = 5_000  # rows the child sends back at a time
CHILD_NICE = 10  # the child's lower priority while the parent writes (see _Child)


class _Child:
    """Rows checked in a forked child, which sends back its planned rows and errors in
    pickled chunks (CHILD_CHUNK rows each, then None), so the parent may use the first
    ones while the child checks the rest. With `seal`, the child also encrypts and masks
    the documents of the rows that `seal(planned)` names (PlannedRow.sealed). A context
    manager: leaving it before the last chunk kills the child (it may be blocked writing
    to a pipe nobody reads); a child that failed is an error."""

    def __init__(self, plan: Plan, rows: list, known: _School, today: date, seal=None):
        reader, writer = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: check its rows, send them, leave without clean-up
            code = 1
            try:
                os.close(reader)
                for db in connections.all(initialized_only=True):
                    db.connection = None  # the parent's session is never written to from here
                if seal is not None:
                    # While it checks, the server writes what the parent sends: the server
                    # is the slowest step of an import, so it goes first for a core.
                    os.nice(CHILD_NICE)
                with os.fdopen(writer, "wb") as out:
                    for start in range(0, len(rows), CHILD_CHUNK):
                        part = Plan(plan.school, plan.kind, plan.table, plan.columns)
                        _read_rows(part, rows[start:start + CHILD_CHUNK], known, today)
                        if seal is not None:
                            for planned in part.rows:
                                if seal(planned):
                                    planned.sealed = _sealed(planned.document)
                        _send(out, ([_flat(p) for p in part.rows], part.errors,
                                    len(rows[start:start + CHILD_CHUNK])))
                    _send(out, None)
                code = 0
            finally:
                os._exit(code)
        os.close(writer)
        self.incoming, self.done = os.fdopen(reader, "rb", buffering=0), False

    def ready(self) -> bool:
        """A chunk (or the end) is waiting to be read."""
        return not self.done and bool(select.select([self.incoming], [], [], 0)[0])

    def chunk(self) -> tuple[list[PlannedRow], list[RowError], int] | None:
        """The next chunk (rows, errors, rows read), waiting for it; None at the end."""
        if self.done:
            return None
        size = int.from_bytes(_read_exactly(self.incoming, 8), "big")
        found = pickle.loads(_read_exactly(self.incoming, size))  # noqa: S301 - our child's
        self.done = found is None
        if found is None:
            return None
        rows, errors, read = found
        return [PlannedRow(r, values["number"], values, document, hashes, sealed=sealed)
                for r, values, document, hashes, sealed in rows], errors, read

    def result(self) -> tuple[list[PlannedRow], list[RowError]]:
        rows, errors = [], []
        while (found := self.chunk()) is not None:
            rows += found[0]
            errors += found[1]
        return rows, errors

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        if not self.done:
            os.kill(self.pid, signal.SIGKILL)
        self.incoming.close()
        _pid, status = os.waitpid(self.pid, 0)
        if status != 0 and exc_info[0] is None:
            raise RuntimeError("the row check's second process failed")


def _flat(planned: PlannedRow) -> tuple:
    """A checked row as the child sends it: plain tuples pickle in half the time of a
    dataclass, and are read back in a third of it."""
    return planned.row, planned.values, planned.document, planned.hashes, planned.sealed


def _send(out, item) -> None:
    data = pickle.dumps(item, pickle.HIGHEST_PROTOCOL)
    out.write(len(data).to_bytes(8, "big"))
    out.write(data)
    out.flush()


def _read_exactly(incoming, size: int) -> bytes:
    data = bytearray(size)
    view, got = memoryview(data), 0
    while got < size:
        n = incoming.readinto(view[got:])
        if not n:
            raise RuntimeError("the row check's second process stopped")
        got += n
    return bytes(data)
