"""Check-ins partitioned by month (apps.core.partitions), against the same table unpartitioned,
in the same run and database: two scratch tables shaped as `health_checkin` (its columns,
defaults and indexes, no foreign keys on either), one plain, one partitioned by month with a
DEFAULT partition.

- Write rate: single-row INSERT … ON CONFLICT DO NOTHING RETURNING id, one commit each,
  prepared, as `checkin_submit` writes; the two tables alternate in rounds so both see the
  same machine. Target: partitioned ≥ 0.95 × unpartitioned.
- Retention: a month of DROPPED check-ins (default 30,000,000, a Henan morning's worth;
  --persons sets it) dropped whole (DETACH + DROP), printed beside a DELETE of DELETED rows
  (1,000,000, or fewer if the month is smaller) from the plain table. Target for the drop:
  < 1 s (it removes files and reads no row). Two figures beside it say where the time goes:
  the longest a writer to the stream waited meanwhile (one INSERT into the current month
  after another, on its own connection: the DETACH is the only step that locks the stream,
  `partitions_drop_before`), and the file system's own removal of as many bytes as the
  month held (a file written, synced, and timed as it is deleted, on the file system of
  the server's data directory; measured only for a local server on the same one).

The scratch tables are dropped at the end.
"""

import os
import statistics
import tempfile
import threading
import time
from datetime import date
from functools import partial

from bench import Context, Result, benchmark, say

DROPPED = 30_000_000
DELETED = 1_000_000
WRITES = 1_000  # single-row inserts per table per round
ROUNDS = 12  # the tables alternate, first one then the other; the median round counts
PLAIN, PARTED = "bench_checkin_plain", "bench_checkin_parted"
MONTH = date(2030, 1, 1)  # the month loaded and dropped

_say = partial(say, "partitions")


@benchmark("partitions")
def partitions(ctx: Context) -> list[Result]:
    from django.db import connection

    rows = ctx.persons or DROPPED
    deleted_rows = min(rows, DELETED)
    try:
        _create()
        ratio, rates = _write_rates()
        dropped, deleted, waited, floor = _retention(rows, deleted_rows)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {PLAIN}, {PARTED}")
    return [
        Result("partitions_write_ratio", ratio, "× unpartitioned (median round)", ">= 0.95"),
        Result("partitions_write_partitioned", rates[PARTED], "check-ins/s",
               f"{rates[PLAIN]:.0f} check-ins/s unpartitioned, same run"),
        Result("partitions_drop_month", dropped, "s", f"< 1 s, a month of {rows:,} check-ins"),
        Result("partitions_drop_writer_wait", waited * 1000, "ms",
               "the longest INSERT into the stream during the drop (informs)"),
        *([Result("partitions_drop_unlink_floor", floor[0], "s",
                  f"the file system removing a file of the month's {floor[1] / 2**30:.1f} GiB "
                  "(informs)")] if floor else []),
        Result("partitions_delete_rows", deleted, "s",
               f"a DELETE of {deleted_rows:,} check-ins, for comparison"),
    ]


def _create() -> None:
    from django.db import connection

    from apps.core.partitions import partitions_extend

    like = ("LIKE health_checkin INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY "
            "INCLUDING INDEXES")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PLAIN}, {PARTED}")
        cursor.execute(f"CREATE TABLE {PLAIN} ({like})")
        cursor.execute(f"CREATE TABLE {PARTED} ({like}) PARTITION BY RANGE (day)")
        cursor.execute(f"CREATE TABLE {PARTED}_pdefault PARTITION OF {PARTED} DEFAULT")
    partitions_extend(PARTED, "day", [MONTH, date(2030, 2, 1)])


def _write_rates() -> tuple[float, dict[str, float]]:
    """The median over rounds of the partitioned rate over the plain one (a round writes
    both, back to back, so a neighbour's load weighs on both alike), and each table's
    check-ins a second over the whole run: single-row, each committed."""
    from datetime import datetime

    import psycopg
    from django.db import connection
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    connection.ensure_connection()
    raw = connection.connection  # psycopg, autocommit as Django leaves it
    columns = ("school_id", "person_id", "day", "slot", "temperature", "symptoms", "note",
               "abnormal", "fever", "submitted_as", "submitted_at", "late", "device",
               "client_id", "household_symptoms", "household_travel")
    at = timezone.make_aware(datetime(2030, 2, 1, 7))
    spent = {PLAIN: 0.0, PARTED: 0.0}
    written = {PLAIN: 0, PARTED: 0}
    ratios = []
    for number in range(ROUNDS):
        took = {}
        for table in (PLAIN, PARTED) if number % 2 == 0 else (PARTED, PLAIN):
            sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608
                   f"({', '.join(['%s'] * len(columns))}) ON CONFLICT DO NOTHING RETURNING id")
            cursor = psycopg.Cursor(raw)
            started = time.perf_counter()
            for n in range(WRITES):
                person = number * WRITES + n
                cursor.execute(sql, (
                    1 + person % 500, person, date(2030, 2, 1 + person % 28), "morning", 36.5,
                    Jsonb([]), "", False, False, "self", at, False, "",
                    f"bench-{number}-{n}", False, False), prepare=True)
                cursor.fetchone()
            took[table] = time.perf_counter() - started
            spent[table] += took[table]
            written[table] += WRITES
            cursor.close()
        ratios.append(took[PLAIN] / took[PARTED])
        _say(f"round {number + 1}: " + ", ".join(
            f"{t} {WRITES / took[t]:.0f}/s" for t in (PLAIN, PARTED)))
    return statistics.median(ratios), {t: written[t] / spent[t] for t in spent}


def _retention(rows: int, deleted_rows: int) -> tuple[float, float, float, tuple | None]:
    from django.db import connection, transaction

    from apps.core.partitions import partitions_drop_before

    columns = ("id, school_id, person_id, day, slot, symptoms, note, abnormal, fever, "
               "submitted_as, submitted_at, late, device, client_id")
    # ids named (from far above the writes' ids): the statement supplies them itself
    source = ("SELECT 10000000 + n, 1 + n %% 500, n, %s::date + (n %% 31)::int, "
              "(ARRAY['morning', 'noon'])[1 + n / 31 %% 2], '[]', '', false, false, 'self', "
              "now(), false, '', 'load-' || n FROM generate_series(1, %s::int) n")
    for table, count in ((PARTED, rows), (PLAIN, deleted_rows)):
        _say(f"loading {count:,} check-ins of one month into {table}")
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({columns}) {source}", [MONTH, count])  # noqa: S608
            cursor.execute(f"VACUUM ANALYZE {table}")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_total_relation_size('{PARTED}_p{MONTH:%Y%m}')")
        month_bytes = cursor.fetchone()[0]
        # a month past its keeping time was written weeks ago: its pages are on disk, not
        # dirty in memory as the load just left them
        cursor.execute("CHECKPOINT")
    with _Writer() as writer:
        started = time.perf_counter()
        dropped, _count = partitions_drop_before(PARTED, date(2030, 2, 1), count=False)
        drop_seconds = time.perf_counter() - started
    assert f"{PARTED}_p203001" in dropped, dropped
    _say(f"dropped {', '.join(dropped)} ({month_bytes / 2**30:.1f} GiB) in "
         f"{drop_seconds:.3f} s; a writer's longest INSERT meanwhile {writer.longest * 1000:.1f} "
         f"ms ({writer.count} inserts)")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PLAIN} WHERE day >= %s AND day < %s",  # noqa: S608
                       [MONTH, date(2030, 2, 1)])
        assert cursor.rowcount == deleted_rows, cursor.rowcount
    delete_seconds = time.perf_counter() - started
    _say(f"deleted {deleted_rows:,} rows in {delete_seconds:.1f} s")
    return drop_seconds, delete_seconds, writer.longest, _unlink_floor(month_bytes)


class _Writer:
    """Single-row INSERTs into the stream's current month, one after another on a
    connection of their own, while the `with` block runs: the longest one is how long the
    stream was locked."""

    def __enter__(self):
        self.longest, self.count, self.failed = 0.0, 0, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._write)
        self._thread.start()
        self._stop.wait(0.5)  # writing before the drop starts
        return self

    def _write(self) -> None:
        from django.db import connection

        try:
            with connection.cursor() as cursor:
                while not self._stop.is_set():
                    started = time.perf_counter()
                    cursor.execute(
                        f"INSERT INTO {PARTED} (school_id, person_id, day, slot, symptoms, "  # noqa: S608
                        "note, abnormal, fever, submitted_as, submitted_at, late, device, "
                        "client_id) VALUES (1, %s, %s, 'morning', '[]', '', false, false, "
                        "'self', now(), false, '', %s)",
                        [10**9 + self.count, date(2030, 2, 3), f"writer-{self.count}"])
                    self.longest = max(self.longest, time.perf_counter() - started)
                    self.count += 1
        except Exception as failed:  # noqa: BLE001 (raised again by __exit__)
            self.failed = failed
        finally:
            connection.close()

    def __exit__(self, *exc) -> None:
        self._stop.wait(0.5)  # and after it
        self._stop.set()
        self._thread.join()
        if self.failed:
            raise self.failed


def _unlink_floor(size: int) -> tuple[float, int] | None:
    """Seconds the file system takes to delete a file of `size` bytes (written and synced
    first), on the file system of a local server's data directory; None elsewhere."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data_directory = cursor.fetchone()[0]
    here = tempfile.gettempdir()
    try:
        if os.stat(data_directory).st_dev != os.stat(here).st_dev:
            return None
    except OSError:  # another machine's path, or not ours to read
        return None
    chunk = b"\0" * (16 << 20)
    with tempfile.NamedTemporaryFile(dir=here, delete=False) as file:
        for _ in range(size // len(chunk) + 1):
            file.write(chunk)
        file.flush()
        os.fsync(file.fileno())
    os.sync()
    started = time.perf_counter()
    os.unlink(file.name)
    os.sync()
    took = time.perf_counter() - started
    _say(f"the file system removed {size / 2**30:.1f} GiB in {took:.2f} s")
    return took, size
