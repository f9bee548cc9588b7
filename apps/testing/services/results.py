"""Lab results by tube barcode: read (a lab's CSV or spreadsheet, or a lab system's list),
check every row, and apply the good ones in one transaction.

Checking names each bad row's number, field and reason: an unknown tube, a tube of another
school, a tube never closed, a result that disagrees with the tube's stored result or with
an earlier row of the same file, an unreadable result word or time. An identical result
again is a no-op, so a file imported twice changes nothing the second time. By default one
bad row refuses the whole import; `valid_only` applies the good rows and reports the rest.

Applying is set-based, a handful of statements per batch of tubes whatever their number:
the tubes' results (a conditional UPDATE: a tube that has a result keeps it), then, for each
positive pool, a single-tube recheck follow-up for every member on the person responsible
for them (their class teacher, who is told; so is the school's epidemic office), then the
statuses of the positives' members
and of those rechecked (the policy engine isolates on a positive result and clears a pooled
positive on a later negative single tube). A recheck tube's result closes the member's open
recheck follow-up. Other members whose stored status may depend on tests (a regimen such as
two tests in three days) are recomputed by a background task after commit.
"""

import hashlib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache, partial

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from apps.core.errors import FieldError, ValidationFailed
from apps.followups.models import FollowUp, FollowUpKind, FollowUpStatus
from apps.followups.selectors import responsible_for
from apps.followups.services import FollowUpItem, followup_create_many
from apps.orgs.models import School
from apps.rosters.headers import normalize_header
from apps.rosters.normalize import EXCEL_EPOCH, clean_date, clean_text
from apps.rosters.reading import RosterError, read_table
from apps.status.models import PersonStatus
from apps.status.services import status_recompute_persons
from apps.testing.models import Sample, Tube, TubeResult, TubeStatus

PERM = "testing.results"
BATCH = 2000  # tubes per lookup and per write
CAUSE = "test_result"  # the status history's cause
RECHECK_DUE = timedelta(hours=24)  # a positive pool's members are rechecked within a day
# A lab clock a little ahead of ours is not a result from the future.
CLOCK_SKEW = timedelta(minutes=10)

# Result words as labs write them, after NFKC (full-width +/- become ASCII) and casefold.
RESULT_WORDS = {
    "阴性": TubeResult.NEGATIVE, "阴": TubeResult.NEGATIVE, "negative": TubeResult.NEGATIVE,
    "neg": TubeResult.NEGATIVE, "-": TubeResult.NEGATIVE, "未检出": TubeResult.NEGATIVE,
    "阳性": TubeResult.POSITIVE, "阳": TubeResult.POSITIVE, "positive": TubeResult.POSITIVE,
    "pos": TubeResult.POSITIVE, "+": TubeResult.POSITIVE, "检出": TubeResult.POSITIVE,
    "无效": TubeResult.INVALID, "invalid": TubeResult.INVALID,
}
# Column titles of lab files, compared after normalize_header (width, case, punctuation).
ALIASES = {
    "barcode": ["管码", "试管条码", "样本管号", "采样管号", "管号", "条码", "条形码", "试管编号",
                "样本编号", "barcode", "tube", "tube barcode", "sample barcode", "tube id"],
    "result": ["检测结果", "结果", "核酸结果", "result", "test result"],
    "tested_at": ["检测时间", "报告时间", "检测日期", "结果时间", "tested at", "test time",
                  "tested", "result time", "time", "date"],
}
REQUIRED = ("barcode", "result")
TITLES = {
    "barcode": gettext_lazy("Tube barcode"),
    "result": gettext_lazy("Result"),
    "tested_at": gettext_lazy("Tested at"),
}


@dataclass(frozen=True)
class LabRow:
    """One result as received: row is the spreadsheet row (or the item's number from 1)."""

    row: int
    barcode: object
    result: object
    tested_at: object = None


@dataclass(frozen=True)
class RowError:
    row: int
    field: str  # barcode | result | tested_at
    value: str
    reason: str
    message: str


@dataclass
class _Planned:
    row: int
    barcode: str
    result: str
    tested_at: datetime | None
    tube: dict | None = None  # the stored tube: id, barcode, pool size, round, drill
    action: str = "new"  # new | unchanged

    @property
    def tube_id(self) -> int | None:
        return self.tube["id"] if self.tube else None


@dataclass
class ResultOutcome:
    """What an import did (or, for a dry run or a refused import, would do)."""

    applied: bool
    rows: int
    resulted: int = 0  # tubes that got their result now
    unchanged: int = 0  # rows that repeat a stored result (or an earlier row)
    errors: list[RowError] = field(default_factory=list)
    positive_tubes: int = 0
    isolated: int = 0  # members of positive tubes, flagged for isolation
    rechecks_created: int = 0
    rechecks_closed: int = 0
    recomputed: int = 0  # statuses recomputed at once

    @property
    def rejected(self) -> int:
        return len({e.row for e in self.errors})


# ---- reading -----------------------------------------------------------------------------


def lab_rows_from_file(name: str, data: bytes) -> list[LabRow]:
    """A lab's .xlsx, .xls or CSV (UTF-8 or GBK) as rows; RosterError when the file as a
    whole cannot be read or lacks a barcode or result column."""
    table = read_table(name, data)
    positions = _match_columns(table.headers)

    def cell(cells: list, name: str):
        index = positions.get(name)
        return None if index is None else cells[index]

    return [LabRow(r.number, cell(r.cells, "barcode"), cell(r.cells, "result"),
                   cell(r.cells, "tested_at")) for r in table.rows]


def lab_rows_from_items(items) -> list[LabRow]:
    """A lab system's list of {barcode, result, tested_at}, numbered from 1."""
    return [LabRow(i, getattr(item, "barcode", None), getattr(item, "result", None),
                   getattr(item, "tested_at", None))
            for i, item in enumerate(items, start=1)]


def _match_columns(headers: list[str]) -> dict[str, int]:
    lookup = {normalize_header(alias): name for name, aliases in ALIASES.items()
              for alias in aliases}
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = lookup.get(normalize_header(header))
        if name is not None and name not in positions:
            positions[name] = index
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        raise RosterError("missing_columns", _("These required columns are missing: %(columns)s.")
                          % {"columns": ", ".join(f"{ALIASES[n][0]} ({TITLES[n]})"
                                                  for n in missing)})
    return positions


def result_word(value) -> str | None:
    """negative | positive | invalid for a word labs write, None when it is none of them."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else ""))
    return RESULT_WORDS.get("".join(text.split()).casefold())


def lab_time(value) -> datetime | None:
    """When the lab tested, aware in Asia/Shanghai (a date alone is its start); None when
    empty; ValueError when unreadable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time.min))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # an Excel serial day, with its fraction of a day
            return timezone.make_aware(datetime.combine(EXCEL_EPOCH, time.min)
                                       + timedelta(days=float(value)))
        raise ValueError(value)
    return _lab_time_text(clean_text(value))


@lru_cache(maxsize=1024)
def _lab_time_text(text: str) -> datetime:
    """A written time; a lab file repeats the same few times over thousands of rows."""
    text = text.replace("/", "-").replace("年", "-").replace("月", "-")
    text = " ".join(text.replace("日", " ").replace("时", ":").replace("分", "").split())
    found = parse_datetime(text)
    if found is not None:
        return found if timezone.is_aware(found) else timezone.make_aware(found)
    return lab_time(clean_date(text))  # raises CellError (a ValueError) when unreadable


# ---- checking ----------------------------------------------------------------------------


def _error(row: int, name: str, value, reason: str, message: str) -> RowError:
    return RowError(row, name, "" if value is None else clean_text(value)[:60], reason, message)


def _parse(rows: list[LabRow], now: datetime) -> tuple[list[_Planned], list[RowError]]:
    """Each row on its own: a barcode, a known result word, a readable past time."""
    planned, errors = [], []
    for r in rows:
        bad = []
        barcode = clean_text(r.barcode)
        if not barcode:
            bad.append(_error(r.row, "barcode", r.barcode, "required", _("The barcode is empty.")))
        result = result_word(r.result)
        if result is None:
            bad.append(_error(r.row, "result", r.result, "bad_result", _(
                "Write the result as 阴性/阳性/无效, negative/positive/invalid, neg/pos or -/+.")))
        try:
            tested_at = lab_time(r.tested_at)
        except ValueError:
            tested_at = None
            bad.append(_error(r.row, "tested_at", r.tested_at, "bad_time",
                              _("Write the time as 2022-03-16 14:30.")))
        if tested_at is not None and tested_at > now + CLOCK_SKEW:
            bad.append(_error(r.row, "tested_at", r.tested_at, "future",
                              _("The time is in the future.")))
        if bad:
            errors.extend(bad)
        else:
            planned.append(_Planned(r.row, barcode, result, tested_at))
    return planned, errors


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _tubes(school: School, barcodes: list[str], *, lock: bool) -> dict[str, dict]:
    """The school's tubes by barcode, locked when about to be written (so two imports of
    the same tubes cannot both pass the check); one query per batch of barcodes."""
    found = {}
    for part in _chunks(sorted(set(barcodes))):
        tubes = Tube.objects.filter(school=school, barcode__in=part)
        if lock:
            tubes = tubes.select_for_update(of=("self",))
        for tube in tubes.values("id", "barcode", "closed_at", "result", "pool_size", "round_id",
                                 "round__drill"):
            found[tube["barcode"]] = tube
    return found


def _elsewhere(school: School, barcodes: list[str]) -> set[str]:
    """Which of these barcodes (none of this school's) are another school's tubes."""
    found: set[str] = set()
    for part in _chunks(sorted(set(barcodes))):
        found |= set(Tube.objects.filter(barcode__in=part).exclude(school=school)
                     .values_list("barcode", flat=True))
    return found


def _check(school: School, planned: list[_Planned], *, lock: bool):
    """Rows against the stored tubes and against earlier rows of the same import."""
    tubes = _tubes(school, [p.barcode for p in planned], lock=lock)
    elsewhere = _elsewhere(school, [p.barcode for p in planned if p.barcode not in tubes])
    good, errors, first = [], [], {}
    for p in planned:
        tube = tubes.get(p.barcode)
        error = _tube_error(p, tube, elsewhere, first.get(p.barcode))
        if error is not None:
            errors.append(error)
            continue
        p.tube = tube
        if tube["result"] or p.barcode in first:
            p.action = "unchanged"
        first.setdefault(p.barcode, p)
        good.append(p)
    return good, errors


def _tube_error(p: _Planned, tube: dict | None, elsewhere: set[str],
                earlier: _Planned | None) -> RowError | None:
    if tube is None:
        if p.barcode in elsewhere:
            return _error(p.row, "barcode", p.barcode, "other_school", _(
                "This tube belongs to another school: import its results for that school."))
        return _error(p.row, "barcode", p.barcode, "unknown_tube",
                      _("No tube of this school has this barcode."))
    if tube["closed_at"] is None:
        return _error(p.row, "barcode", p.barcode, "not_closed",
                      _("This tube was never closed: it cannot have a result yet."))
    stored = tube["result"] or (earlier.result if earlier else "")
    if stored and stored != p.result:
        where = _("an earlier row") if not tube["result"] else _("the stored result")
        return _error(p.row, "result", p.result, "conflict", _(
            "This result disagrees with %(where)s (%(result)s).")
            % {"where": where, "result": TubeResult(stored).label})
    if p.tested_at is not None and p.tested_at < tube["closed_at"] - CLOCK_SKEW:
        return _error(p.row, "tested_at", p.tested_at.isoformat(), "before_closed",
                      _("The tube was tested before it was closed."))
    return None


def _writable(actor, school: School) -> None:
    if not School.objects.restrict(actor, PERM).filter(pk=school.pk).exists():
        raise ValidationFailed([FieldError("school", "out_of_scope", _(
            "You may not import results for this school."))])


# ---- the import --------------------------------------------------------------------------


def results_import(*, actor, school: School, rows: list[LabRow], valid_only: bool = False,
                   dry_run: bool = False, now: datetime | None = None) -> ResultOutcome:
    """Check the rows and, unless it is a dry run or (without valid_only) a row is bad,
    apply them in one transaction. Returns the counts and every bad row."""
    _writable(actor, school)
    now = now or timezone.now()
    planned, errors = _parse(rows, now)
    with transaction.atomic():
        good, stored_errors = _check(school, planned, lock=not dry_run)
        errors = sorted(errors + stored_errors, key=lambda e: (e.row, e.field))
        outcome = ResultOutcome(
            applied=False, rows=len(rows), errors=errors,
            resulted=sum(1 for p in good if p.action == "new"),
            unchanged=sum(1 for p in good if p.action == "unchanged"),
        )
        if dry_run or (errors and not valid_only):
            return outcome
        _apply(actor, school, [p for p in good if p.action == "new"], outcome, now)
        outcome.applied = True
    return outcome


def _apply(actor, school: School, new: list[_Planned], outcome: ResultOutcome,
           now: datetime) -> None:
    if not new:
        return
    outcome.resulted = _write_results(actor, school, new, now)
    positive = [{**p.tube, "result": p.result} for p in new if p.result == TubeResult.POSITIVE]
    singles = [{**p.tube, "result": p.result} for p in new if p.tube["pool_size"] == 1
               and p.result in (TubeResult.NEGATIVE, TubeResult.POSITIVE)]
    members = _members(school, list({t["id"] for t in positive + singles}))
    # Close earlier rechecks first: a pool that turns positive in this very import gets its
    # new follow-ups after.
    outcome.rechecks_closed = _close_rechecks(actor, school, singles, now)
    pooled = [t for t in positive if t["pool_size"] > 1]
    outcome.rechecks_created = _open_rechecks(school, pooled, members, now)
    outcome.positive_tubes = len(positive)
    urgent = {pid for t in positive + singles for pid in members.get(t["id"], ())}
    outcome.isolated = len({pid for t in positive for pid in members.get(t["id"], ())})
    outcome.recomputed = status_recompute_persons(
        school_id=school.pk, person_ids=urgent, reason=CAUSE, now=now) if urgent else 0
    _recompute_later(school, [p.tube_id for p in new], urgent)
    if positive:
        _tell_epidemic_office(school, positive, outcome.isolated)


def _write_results(actor, school: School, new: list[_Planned], now: datetime) -> int:
    """The tubes' results, a conditional UPDATE per batch: a tube that got a result meanwhile
    keeps it (the rows are locked, so this guards a caller that did not lock)."""
    written = 0
    for part in _chunks(new):
        if connection.vendor == "postgresql":
            written += _write_postgresql(actor, school, part, now)
            continue
        groups = defaultdict(list)
        for p in part:
            groups[(p.result, p.tested_at or now)].append(p.tube_id)
        for (result, at), ids in groups.items():
            written += Tube.objects.filter(school=school, id__in=ids, result="").update(
                status=TubeStatus.RESULTED, result=result, result_at=at,
                result_imported_by=actor)
    return written


# One statement for a batch whatever its results and times (Django's bulk_update builds a
# CASE over every id, which PostgreSQL evaluates row by row: seconds for 2,000 tubes).
_UPDATE_TUBES = """
UPDATE {table} AS t
   SET status = %s, result = v.result, result_at = v.at, result_imported_by_id = %s
  FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[]) AS v(id, result, at)
 WHERE t.school_id = %s AND t.id = v.id AND t.result = ''
"""


def _write_postgresql(actor, school: School, part: list[_Planned], now: datetime) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_TUBES.format(table=Tube._meta.db_table), [
            TubeStatus.RESULTED, actor.pk, [p.tube_id for p in part],
            [p.result for p in part], [p.tested_at or now for p in part], school.pk])
        return cursor.rowcount


def _members(school: School, tube_ids: list[int]) -> dict[int, list[int]]:
    """{tube_id: [person_id, ...]} of the live samples in these tubes."""
    members: dict[int, list[int]] = defaultdict(list)
    for part in _chunks(tube_ids):
        rows = Sample.objects.filter(school=school, tube_id__in=part, removed_at__isnull=True,
                                     person__isnull=False)  # anonymised: nobody to tell
        for tube_id, person_id in rows.values_list("tube_id", "person_id"):
            members[tube_id].append(person_id)
    return members


def _open_rechecks(school: School, pooled: list[dict], members: dict[int, list[int]],
                   now: datetime) -> int:
    """One single-tube recheck follow-up per member of each positive pool, on the person
    responsible for them (followup_create_many: idempotent per tube); then each of those
    told once for the whole import, not once per pool."""
    everyone = [pid for tube in pooled for pid in members.get(tube["id"], ())]
    responsible = responsible_for(school_id=school.pk, person_ids=everyone)
    created: dict[tuple[int, bool], int] = defaultdict(int)  # (assignee, drill) -> new
    total = 0
    for tube in pooled:
        barcode = tube["barcode"]
        items = [FollowUpItem(
            person_id=pid, assignee_id=responsible.get(pid),
            title_zh=f"单管复核：混采管{barcode}阳性，立即隔离并单管采样",
            title_en=f"Single-tube recheck: pool {barcode} positive; isolate and take a "
                     f"single-tube sample",
            detail={"tube": barcode, "tube_id": tube["id"], "round_id": tube["round_id"]},
        ) for pid in members.get(tube["id"], ())]
        new = followup_create_many(
            school_id=school.pk, kind=FollowUpKind.RECHECK, source=f"tube:{barcode}",
            items=items, due_at=now + RECHECK_DUE, drill=tube["round__drill"], notify=False)
        total += new
        if new:  # a pool whose follow-ups exist already (a repeated import) tells no one
            for item in items:
                if item.assignee_id:
                    created[(item.assignee_id, tube["round__drill"])] += 1
    _tell_assignees(school, created, [t["barcode"] for t in pooled])
    return total


def _tell_assignees(school: School, created: dict[tuple[int, bool], int],
                    barcodes: list[str]) -> None:
    """One urgent inbox message per assignee with how many of their people to recheck; the
    assignees with the same count share one send."""
    from apps.notifications.services import notification_send

    groups: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for (user_id, drill), count in created.items():
        groups[(count, drill)].append(user_id)
    digest = hashlib.sha256(",".join(sorted(barcodes)).encode()).hexdigest()[:16]
    for (count, drill), user_ids in groups.items():
        notification_send(
            recipient_ids=user_ids, kind="followup.recheck", school_id=school.pk, drill=drill,
            severity="urgent", link="/followups/", dedupe_key=f"results:recheck:{digest}",
            subject=format_lazy(ngettext_lazy(
                "Positive pool: {count} of your people to isolate and recheck",
                "Positive pools: {count} of your people to isolate and recheck", count),
                count=count),
            body=gettext_lazy("Isolate them at once and take a single-tube sample from each; "
                              "a negative recheck clears them."),
        )


def _tell_epidemic_office(school: School, positive: list[dict], isolated: int) -> None:
    """The school's epidemic office (school admins, outbreak reporters) hears of positive
    results at once: a positive is an infectious case to act on and to report."""
    from apps.access.models import RoleAssignment
    from apps.access.roles import Role
    from apps.notifications.services import notification_send

    office = set(RoleAssignment.objects.filter(
        school=school, role__in=(Role.SCHOOL_ADMIN, Role.OUTBREAK_REPORTER),
    ).values_list("user_id", flat=True))
    digest = hashlib.sha256(",".join(sorted(t["barcode"] for t in positive)).encode())
    notification_send(
        recipient_ids=office, kind="testing.positive", school_id=school.pk, severity="urgent",
        drill=all(t["round__drill"] for t in positive), link="/testing/results/positives/",
        dedupe_key=f"results:positive:{digest.hexdigest()[:16]}",
        subject=format_lazy(ngettext_lazy(
            "{tubes} positive tube: {people} people to isolate",
            "{tubes} positive tubes: {people} people to isolate", len(positive)),
            tubes=len(positive), people=isolated),
        body=gettext_lazy("Their single-tube rechecks are on their class teachers; the "
                          "positive pools page shows how far they have got."),
    )


def _close_rechecks(actor, school: School, singles: list[dict], now: datetime) -> int:
    """Done: the open recheck follow-ups of persons whose single tube, sampled after the
    follow-up was made, now has a result (negative clears them; positive keeps them
    isolated, by the policy engine). One UPDATE per result."""
    closed = 0
    for result in (TubeResult.NEGATIVE, TubeResult.POSITIVE):
        ids = [t["id"] for t in singles if t["result"] == result]
        if not ids:
            continue
        sampled = Sample.objects.filter(
            school=school, tube_id__in=ids, removed_at__isnull=True,
            person_id=OuterRef("person_id"), scanned_at__gte=OuterRef("created_at"))
        outcome = _("Single-tube recheck %(result)s") % {"result": TubeResult(result).label}
        closed += FollowUp.objects.filter(
            school=school, kind=FollowUpKind.RECHECK, status=FollowUpStatus.OPEN,
        ).filter(Exists(sampled)).update(status=FollowUpStatus.DONE, outcome=outcome,
                                         done_at=now, done_by=actor)
    return closed


def _recompute_later(school: School, tube_ids: list[int], done: set[int]) -> None:
    """Members of the other tubes whose stored status is not plain normal (it may hold a
    test regimen): recomputed by a task after commit. A person without a stored status is
    normal, and a negative test leaves them so."""
    waiting: set[int] = set()
    for part in _chunks(tube_ids):
        sampled = Sample.objects.filter(school=school, tube_id__in=part,
                                        removed_at__isnull=True).values("person_id")
        waiting |= set(PersonStatus.objects.filter(school=school, person_id__in=sampled)
                       .values_list("person_id", flat=True))
    waiting -= done
    if waiting:
        from apps.testing.tasks import recompute_after_results

        transaction.on_commit(partial(recompute_after_results.enqueue, school.pk,
                                      sorted(waiting)))
