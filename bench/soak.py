"""A soak: check-ins and gate scans at a sustained rate for 10 minutes through a live
gunicorn, with client retries, then the database is compared with what the clients sent.

Rates: 200 check-ins/s and 200 gate scans/s together, a fifth of the throughput targets
(checkin_submit >= 1,000/s, gate_verdicts >= 800/s, each measured alone on a quiet machine):
a rate the 2-core machine holds for ten minutes with both kinds at once and the load
generator beside the server. Clients as the real ones (bench/live.py): a guardian's phone
retries with the same client id until answered, a gate terminal queues what got no answer (or
a 5xx) and uploads it later; one request in 25 is sent twice, as when an answer is lost.

Figures: lost (a client id a client counts as sent and not refused, not in the database),
duplicated (recorded more than once), the rates held, and the server's memory: the resident
size of gunicorn's processes, the mean of the last fifth of the run over the mean of the
first fifth after warm-up ("flat": below 1.2). `--seconds N` shortens it (tests/faults runs
it for 30 s); `--persons N` sizes the province (default 200,000; a larger one is reused).
"""

import os
import statistics
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

from bench import Context, Result, benchmark, say
from bench.live import CheckinClient, Paced, Terminal, gunicorn, rss_kib, taking_turns

SECONDS = 600
PERSONS = 200_000
CHECKIN_RATE = 200.0
SCAN_RATE = 200.0
GUARDIANS = 5_000
TOKENS_LABEL = "bench soak"
# Memory counts from here on (the larger): the workers import the project and fill their
# caches (tokens, policies, prepared statements) in the first seconds.
WARMUP_SHARE, WARMUP_SECONDS = 0.1, 10.0
SAMPLE_SECONDS = 2.0
FLAT = 1.2

_say = partial(say, "soak")


@dataclass
class Load:
    """Who sends: guardians' tokens (token, child id, day student) and terminals' (school,
    token, what they scan)."""

    guardians: list
    terminals: list
    run: str = field(default_factory=lambda: f"soak-{uuid.uuid4().hex[:8]}")


@dataclass
class Outcome:
    seconds: float
    checkins_sent: int
    scans_sent: int
    lost_checkins: int
    lost_scans: int
    duplicated: int
    refused: int
    queued_scans: int
    retries: int
    failed_statuses: dict  # status -> count of the answers a check-in retried after
    memory_kib: list[int]

    @property
    def checkin_rate(self) -> float:
        return self.checkins_sent / self.seconds

    @property
    def scan_rate(self) -> float:
        return self.scans_sent / self.seconds

    @property
    def steady_kib(self) -> list[int]:
        """The memory samples after the warm-up (the first one is taken before the workers
        have imported the project)."""
        warmup = max(WARMUP_SECONDS, self.seconds * WARMUP_SHARE)
        return self.memory_kib[int(warmup / SAMPLE_SECONDS):]

    @property
    def memory_ratio(self) -> float:
        samples = self.steady_kib
        fifth = max(1, len(samples) // 5)
        return statistics.mean(samples[-fifth:]) / statistics.mean(samples[:fifth])


@benchmark("soak")
def soak(ctx: Context) -> list[Result]:
    from bench.gate_verdicts import _clean_up as gate_clean_up
    from bench.gate_verdicts import _prepare as gate_prepare
    from bench.province import ensure_province

    seconds = float(ctx.options.get("seconds") or SECONDS)
    ensure_province("soak", persons=ctx.persons or PERSONS)
    run = f"soak-{uuid.uuid4().hex[:8]}"
    try:
        gate = gate_prepare(run)
        load = Load(guardians=guardian_tokens(GUARDIANS), run=run, terminals=[
            (school, raw, gate["scans"][school]) for school, raw in gate["tokens"]])
        _say(f"{len(load.guardians):,} guardians, {len(load.terminals)} terminals; "
             f"{seconds:.0f} s at {CHECKIN_RATE:.0f} check-ins/s and {SCAN_RATE:.0f} scans/s")
        outcome = soak_run(os.environ["DATABASE_URL"], load, seconds=seconds)
    finally:
        if not ctx.scratch:
            _clean_up(run)
            gate_clean_up(run)
    return results(outcome)


def guardian_tokens(count: int) -> list[tuple[str, int, bool]]:
    """(token, child id, day student) for `count` guardianships, each with a token of its
    own. Their children may have checked in already: a new submission is then a correction,
    recorded beside the first (CheckInRevision), which the soak counts as well."""
    from django.db import connection

    from apps.access.models import User
    from apps.access.services import api_token_create

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT g.user_id, g.person_id, p.kind = 'student' AND p.residence = 'day'
              FROM people_guardianship g
              JOIN people_person p ON p.id = g.person_id AND p.school_id = g.school_id
             WHERE p.active ORDER BY g.id LIMIT %s""", [count])
        rows = cursor.fetchall()
    users = User.objects.in_bulk({user_id for user_id, _p, _d in rows})
    return [(api_token_create(user=users[user_id], name=TOKENS_LABEL, permissions=None, days=1)[1],
             person_id, day) for user_id, person_id, day in rows]


def results(o: Outcome) -> list[Result]:
    note = (f"{o.seconds:.0f} s; {o.checkins_sent:,} check-ins and {o.scans_sent:,} scans,"
            f" {o.retries:,} retried (after {_statuses(o.failed_statuses)}, the rest a lost"
            f" answer), {o.queued_scans:,} scans queued, {o.refused} refused")
    return [
        Result("soak_lost", o.lost_checkins + o.lost_scans, "records", f"<= 0 ({note})"),
        Result("soak_duplicated", o.duplicated, "records", "<= 0"),
        Result("soak_checkins", o.checkin_rate, "check-ins/s",
               f">= {CHECKIN_RATE * 0.95:.0f} (asked {CHECKIN_RATE:.0f})"),
        Result("soak_scans", o.scan_rate, "scans/s", f">= {SCAN_RATE * 0.95:.0f} "
               f"(asked {SCAN_RATE:.0f})"),
        Result("soak_memory_growth", o.memory_ratio, "x", f"< {FLAT} x (server RSS "
               f"{min(o.steady_kib) // 1024}-{max(o.steady_kib) // 1024} MiB)"),
    ]


def soak_run(database_url: str, load: Load, *, seconds: float,
             checkin_rate: float = CHECKIN_RATE, scan_rate: float = SCAN_RATE,
             log=None) -> Outcome:
    """Drive the load for `seconds`, flush the terminals' queues, compare with the database."""
    with gunicorn(database_url, workers=2, threads=8, log=log) as (port, process):
        phones = [CheckinClient(port, token, person, day, f"{load.run}-c-")
                  for token, person, day in load.guardians]
        terminals = [Terminal(port, token, school, f"{load.run}-g-")
                     for school, token, _scans in load.terminals]
        scans = {id(t): s for t, (_school, _token, s) in zip(terminals, load.terminals,
                                                              strict=True)}
        stop = threading.Event()
        memory: list[int] = []
        drivers = [
            Paced(taking_turns(phones, lambda c, n: c.submit(retry_lost_answer=n % 25 == 0)),
                  checkin_rate, stop),
            Paced(taking_turns(terminals, partial(_scan, scans)), scan_rate, stop),
        ]
        started = time.monotonic()
        for driver in drivers:
            driver.start()
        while time.monotonic() - started < seconds:
            memory.append(rss_kib(process.pid))
            time.sleep(SAMPLE_SECONDS)
        stop.set()
        for driver in drivers:
            driver.join(60)
        elapsed = time.monotonic() - started
        _flush(terminals)
    return _compare(load.run, phones, terminals, elapsed, memory)


def _scan(scans: dict, terminal: Terminal, n: int) -> None:
    people = scans[id(terminal)]
    terminal.scan(people[n % len(people)], retry_lost_answer=n % 25 == 0)
    if terminal.queue and terminal.answered:
        terminal.upload()


def _flush(terminals: list[Terminal], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not all(t.upload() for t in terminals) and time.monotonic() < deadline:
        time.sleep(1)


def _compare(run: str, phones, terminals, elapsed: float, memory: list[int]) -> Outcome:
    """What the clients sent against what the database holds. A check-in a client gave up
    on counts as lost (its retries never got an answer); a 4xx answer is a refusal."""
    from apps.gate.models import GateCheck
    from apps.health.models import CheckIn, CheckInRevision

    recorded = (list(CheckIn.objects.filter(client_id__startswith=run)
                     .values_list("client_id", flat=True))
                + list(CheckInRevision.objects.filter(client_id__startswith=run)
                       .values_list("client_id", flat=True)))
    gate = list(GateCheck.objects.filter(client_id__startswith=run)
                .values_list("client_id", flat=True))
    checkins, scans = _ids(phones, "sent"), _ids(terminals, "sent")
    refused_scans = set(_ids(terminals, "refused"))
    return Outcome(
        seconds=elapsed, checkins_sent=len(checkins), scans_sent=len(scans),
        lost_checkins=len(set(checkins) - set(recorded)),
        lost_scans=len(set(scans) - refused_scans - set(gate)),
        duplicated=(len(recorded) - len(set(recorded))) + (len(gate) - len(set(gate))),
        refused=len(_ids(phones, "refused")) + len(refused_scans),
        queued_scans=sum(t.queued_total for t in terminals),
        retries=sum(p.retries for p in phones), memory_kib=memory,
        failed_statuses=dict(sum((p.failed_statuses for p in phones), Counter())))


def _statuses(counts: dict) -> str:
    named = {0: "no answer"}
    return ", ".join(f"{n:,} {named.get(s, s)}" for s, n in sorted(counts.items())) or "none"


def _ids(clients, attribute: str) -> list[str]:
    return [cid for c in clients for cid in getattr(c, attribute)]


def _clean_up(run: str) -> None:
    """Someone else's database: take away the check-ins and tokens the soak wrote."""
    from apps.access.models import ApiToken
    from apps.health.models import CheckIn, CheckInRevision

    CheckInRevision.objects.filter(client_id__startswith=run).delete()
    CheckIn.objects.filter(client_id__startswith=run).delete()
    ApiToken.objects.filter(name=TOKENS_LABEL).delete()
