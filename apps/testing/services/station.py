"""The sampling station (扫码采样): open a tube, scan people into it, scan its barcode, close it.

Writes only, each in one transaction under the tube's row lock, so two samplers (or a retry
racing its original) never put the same person twice in one round. A scan names a person by
today's personal code (apps.people.codes) or by their student or staff number (a handheld
scanner reading a card, or typed). The scans of one tube travel together: a request carries
one or many, each answered on its own (added, duplicate, single, refused with its reason),
so one refused scan never loses the others, and a replay of the same client ids (an offline
queue uploading twice) changes nothing.

Close contacts and people with symptoms are never pooled (the pack's pool_close_contacts and
pool_symptomatic flags decide; both false by default): a scan of one into a pool opens a
single tube for them instead (its client id is the scan's, suffixed ".single").
"""

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.db import model_columns, model_from_row, prepared_cursor
from apps.core.errors import FieldError, ValidationFailed
from apps.core.scoping import RowScope, permits
from apps.health.models import CheckIn
from apps.orgs.models import School
from apps.people.codes import CODE_RE, InvalidCode, personal_code_verify
from apps.people.models import Person
from apps.status.models import PersonStatus
from apps.testing.models import (
    POOL_SIZES,
    RoundMember,
    RoundStatus,
    Sample,
    TestRound,
    Tube,
    TubeStatus,
)
from apps.travel.models import Exposure, ExposureKind

PERM = "testing.sample"
# Stored categories that mean "a close contact or under medical watch": never pooled.
SINGLE_CATEGORIES = ("home_monitoring", "home_quarantine", "central_quarantine", "isolation")
CONTACT_KINDS = (ExposureKind.CASE, ExposureKind.CLOSE_CONTACT)
CONTACT_DAYS = 14  # an exposure this recent makes a close contact
MAX_SCANS = 200  # per request: a pool is at most 20, an offline queue a few tubes


@dataclass(frozen=True)
class ScanIn:
    client_id: str
    code: str  # a personal code, or a student or staff number


@dataclass
class ScanOutcome:
    index: int
    client_id: str
    status: str = ""  # added | duplicate | single | refused ("" while undecided)
    person_id: int | None = None
    name: str = ""
    sample_id: int | None = None
    tube_id: int | None = None  # the tube the sample is in (a single tube for "single")
    field: str = ""
    reason: str = ""
    message: str = ""


@dataclass
class ScanReport:
    tube: Tube
    outcomes: list[ScanOutcome] = field(default_factory=list)
    live: int = 0  # samples in the tube now

    @property
    def full(self) -> bool:
        return self.live >= self.tube.pool_size

    @property
    def needs_barcode(self) -> bool:
        return self.tube.status == TubeStatus.OPEN and self.full and not self.tube.barcode


def _fail(field_name: str, reason: str, message: str):
    raise ValidationFailed([FieldError(field_name, reason, message)])


# ---- tubes ----------------------------------------------------------------------------------


POOLING_PARAMS = ("pool_size_default", "pool_size_max", "pool_close_contacts",
                  "pool_symptomatic")


def pooling_params(school_id: int) -> dict:
    """The school's pooling parameters from its effective policy (three queries)."""
    from apps.policy.selectors import effective_policy_for_school

    params = effective_policy_for_school(school_id).policy.params
    return {name: params[name] for name in POOLING_PARAMS if name in params}


def _pool_params(test_round: TestRound) -> dict:
    """The round's pooling rules as they were when it opened; the policy's if it has none."""
    if not test_round.pooling:
        test_round.pooling = pooling_params(test_round.school_id)
    return test_round.pooling


def _pool_limits(test_round: TestRound) -> tuple[int, int]:
    params = _pool_params(test_round)
    return params.get("pool_size_default", 10), params.get("pool_size_max", 20)


def _retrying(work):
    """Run `work` in a transaction; once more if it lost a race on a unique constraint (a
    concurrent scan of the same person, a retry racing its original): the second run sees
    the winner's row and answers by name."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return work()
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def tube_open(*, actor, round_id: int, client_id: str, pool_size: int | None = None,
              barcode: str = "", station: str = "", scans: list[ScanIn] = (),
              close: bool = False) -> ScanReport:
    """Open a tube in an open round (a retry with the same client id is the same tube),
    then add `scans` and close it if asked, all in one transaction."""
    test_round = get_object_or_404(TestRound.objects.restrict(actor, PERM), pk=round_id)
    client_id = _client_id(client_id, "client_id")
    barcode = _barcode(barcode)
    _check_scans(scans)

    def work():
        tube = _tube_find_or_create(actor, test_round, client_id, pool_size, barcode, station)
        return _scan(actor, tube, scans, barcode, close)

    return _retrying(work)


def _tube_find_or_create(actor, test_round: TestRound, client_id: str, pool_size, barcode: str,
                         station: str) -> Tube:
    wanted = Q(client_id=client_id) | Q(barcode=barcode) if barcode else Q(client_id=client_id)
    found = list(Tube.objects.select_for_update().filter(wanted, school_id=test_round.school_id))
    mine = next((t for t in found if t.client_id == client_id), None)
    if mine is not None:
        if mine.round_id != test_round.pk:
            _fail("client_id", "reused", _("This client id belongs to another round's tube."))
        mine.round = test_round
        return mine
    if found:
        _fail("barcode", "barcode_taken", _("Another tube already has this barcode."))
    # The barcode is free: the query above would have found its tube.
    return _tube_create(actor, test_round, client_id, pool_size, barcode, station)


def _tube_create(actor, test_round: TestRound, client_id: str, pool_size: int | None,
                 barcode: str, station: str, single_reason: str = "") -> Tube:
    if test_round.status != RoundStatus.OPEN:
        _fail("round", "round_not_open", _("The round is not open for sampling."))
    size = _pool_size(test_round, pool_size)
    if station and test_round.stations and station not in test_round.stations:
        _fail("station", "unknown_station", _("This station is not one of the round's."))
    return Tube.objects.create(
        school_id=test_round.school_id, round=test_round, barcode=barcode or None,
        pool_size=size, station=station[:60], single_reason=single_reason, opened_by=actor,
        client_id=client_id,
    )


def _pool_size(test_round: TestRound, pool_size: int | None) -> int:
    if not test_round.pooled:
        if pool_size not in (None, 1):
            _fail("pool_size", "single_round", _("This round tests every person singly."))
        return 1
    default, largest = _pool_limits(test_round)
    size = default if pool_size is None else pool_size
    if size not in POOL_SIZES:
        _fail("pool_size", "not_allowed", _("A tube holds 1, 5, 10 or 20 swabs."))
    if size > largest:
        _fail("pool_size", "over_policy",
              _("The policy allows pools of at most %(n)d.") % {"n": largest})
    return size


def _client_id(value: str, field_name: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > 64:
        _fail(field_name, "required", _("A client id of 1 to 64 characters is required."))
    return value


def _barcode(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 40:
        _fail("barcode", "too_long", _("A tube barcode has at most 40 characters."))
    if value.startswith("SD1."):
        _fail("barcode", "personal_code", _("This is a personal code, not a tube barcode."))
    return value


def _barcode_free(school_id: int, barcode: str, *, tube_id: int | None) -> None:
    taken = Tube.objects.filter(school_id=school_id, barcode=barcode).exclude(pk=tube_id)
    if taken.exists():
        _fail("barcode", "barcode_taken", _("Another tube already has this barcode."))


def _locked_tube(actor, tube_id: int) -> Tube:
    """The tube locked, its round shared (a close of the round waits; the round's stations do
    not), by a prepared statement; in `Tube.objects.restrict(actor, PERM)`'s scope or 404."""
    with prepared_cursor() as cursor:
        cursor.execute(_locked_tube_sql(), [tube_id])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    tube_width, round_width = len(Tube._meta.concrete_fields), len(TestRound._meta.concrete_fields)
    tube = model_from_row(Tube, row[:tube_width])
    hospital, province, city, county = row[tube_width + round_width:]
    scope = RowScope(school=tube.school_id, hospital=hospital,
                     region={"province": province, "city": city, "county": county})
    if not permits(actor, PERM, Tube, scope):
        raise Http404
    tube.round = model_from_row(TestRound, row[tube_width:tube_width + round_width])
    return tube


@cache
def _locked_tube_sql() -> str:
    locks = (" FOR UPDATE OF t FOR SHARE OF r"
             if connection.features.has_select_for_update_of else "")
    return (f"SELECT {model_columns(Tube, 't')}, {model_columns(TestRound, 'r')}, "
            "s.hospital_id, s.province_code, s.city_code, s.county_code "
            f"FROM {_table(Tube)} t JOIN {_table(TestRound)} r ON r.id = t.round_id "
            f"JOIN {_table(School)} s ON s.id = t.school_id WHERE t.id = %s{locks}")


def tube_close(*, actor, tube_id: int, barcode: str = "") -> ScanReport:
    """Close a tube with its barcode (scanned now or at opening). Closing a closed tube again
    with the same barcode is a retry, and changes nothing."""
    return tube_scan(actor=actor, tube_id=tube_id, scans=[], barcode=barcode, close=True)


def _close(tube: Tube, barcode: str, live: int) -> None:
    if tube.status != TubeStatus.OPEN:
        if barcode and barcode != tube.barcode:
            _fail("barcode", "tube_closed", _("The tube is closed with another barcode."))
        return
    if barcode and barcode != tube.barcode:
        if tube.barcode:
            _fail("barcode", "barcode_differs", _("The tube was opened with another barcode."))
        _barcode_free(tube.school_id, barcode, tube_id=tube.pk)
        tube.barcode = barcode
    if not tube.barcode:
        _fail("barcode", "required", _("Scan the tube's barcode to close it."))
    if live == 0:
        _fail("tube", "empty", _("An empty tube cannot be closed; undo it instead."))
    tube.status, tube.closed_at = TubeStatus.CLOSED, timezone.now()
    tube.save(update_fields=["barcode", "status", "closed_at"])


# ---- scans ----------------------------------------------------------------------------------


def _check_scans(scans) -> None:
    if len(scans) > MAX_SCANS:
        _fail("scans", "too_many", _("At most %(n)d scans at once.") % {"n": MAX_SCANS})


def tube_scan(*, actor, tube_id: int, scans: list[ScanIn], barcode: str = "",
              close: bool = False) -> ScanReport:
    """Add scans to an open tube; then, with `close` or when the pool is full and its barcode
    known, close it."""
    _check_scans(scans)
    barcode = _barcode(barcode)
    return _retrying(lambda: _scan(actor, _locked_tube(actor, tube_id), scans, barcode, close))


def _scan(actor, tube: Tube, scans: list[ScanIn], barcode: str, close: bool) -> ScanReport:
    report = ScanReport(tube=tube)
    batch = _Batch(actor, tube, scans)
    report.outcomes = batch.run()
    report.live = batch.live
    barcode_scanned = barcode and not tube.barcode and tube.status == TubeStatus.OPEN
    if barcode_scanned:
        _barcode_free(tube.school_id, barcode, tube_id=tube.pk)
        tube.barcode = barcode
    if close or (report.full and tube.barcode and tube.status == TubeStatus.OPEN):
        _close(tube, barcode, report.live)  # saves the barcode with the status: one update
    elif barcode_scanned:
        tube.save(update_fields=["barcode"])
    return report


class _Batch:
    """One request's scans into one locked tube: a fixed number of queries whatever their
    number (people, replays, earlier samples, statuses, exposures, check-ins, one insert)."""

    def __init__(self, actor, tube: Tube, scans: list[ScanIn]):
        self.actor, self.tube, self.scans = actor, tube, list(scans)
        self.now = timezone.now()
        self.live = 0

    def run(self) -> list[ScanOutcome]:
        outcomes = [ScanOutcome(index=i, client_id=(s.client_id or "").strip())
                    for i, s in enumerate(self.scans)]
        candidates = [o for o in outcomes if not self._bad_client_id(o)]
        people = self._people(candidates)
        in_tube, elsewhere = self._samples(candidates)
        if candidates:
            self.live = sum(1 for s in in_tube.values() if s.removed_at is None)
        fresh = [o for o in candidates if o.status == ""]
        closed = self._closed_reason()
        if fresh and closed:
            for o in fresh:
                self._refuse(o, "code", *closed)
            return outcomes
        self._check_round(fresh, people, elsewhere)
        self._add(fresh, people, in_tube)
        return outcomes

    def _closed_reason(self) -> tuple[str, str] | None:
        if self.tube.status != TubeStatus.OPEN:
            return "tube_closed", _("The tube is closed.")
        if self.tube.round.status != RoundStatus.OPEN:
            return "round_not_open", _("The round is not open for sampling.")
        return None

    def _bad_client_id(self, o: ScanOutcome) -> bool:
        if o.client_id and len(o.client_id) <= 64:
            return False
        self._refuse(o, "client_id", "required", _("A client id of 1 to 64 characters is "
                                                    "required."))
        return True

    def _refuse(self, o: ScanOutcome, field_name: str, reason: str, message: str) -> None:
        o.status, o.field, o.reason, o.message = "refused", field_name, reason, message

    def _samples(self, candidates: list[ScanOutcome]) -> tuple[dict, dict]:
        """One query for the samples that matter: replays (a client id already saved is the
        same scan, wherever it went), this tube's, and the scanned people's other live
        samples in the round. Returns ({person: sample in this tube}, {person: elsewhere})."""
        school_id, tube = self.tube.school_id, self.tube
        if not candidates:  # a close, or only bad client ids: the live count is all it needs
            self.live = Sample.objects.filter(school_id=school_id, tube=tube,
                                              removed_at__isnull=True).count()
            return {}, {}
        ids = [o.client_id for o in candidates]
        persons = {o.person_id for o in candidates if o.person_id}
        wanted = Q(client_id__in=ids) | Q(tube=tube)
        if persons and tube.recheck_of_id is None:
            wanted |= Q(round_id=tube.round_id, person_id__in=persons,
                        removed_at__isnull=True, recheck=False)
        rows = list(Sample.objects.filter(wanted, school_id=school_id).order_by())
        by_client = {s.client_id: s for s in rows}
        in_tube = {s.person_id: s for s in rows if s.tube_id == tube.pk}
        elsewhere = {s.person_id: s for s in rows if s.tube_id != tube.pk
                     and s.removed_at is None and not s.recheck and s.round_id == tube.round_id}
        seen = set()
        for o in candidates:
            sample = by_client.get(o.client_id)
            if sample is not None:
                o.status, o.person_id, o.sample_id, o.tube_id = (
                    "duplicate", sample.person_id, sample.pk, sample.tube_id)
                o.field = o.reason = o.message = ""
            elif o.client_id in seen:
                self._refuse(o, "client_id", "repeated", _("This client id is repeated."))
            seen.add(o.client_id)
        return in_tube, elsewhere

    # People: by personal code or by number, in the sampler's scope.
    def _people(self, fresh: list[ScanOutcome]) -> dict[int, Person]:
        wanted_ids, wanted_numbers = {}, {}
        for o in fresh:
            code = (self.scans[o.index].code or "").strip()
            if CODE_RE.fullmatch(code):
                try:
                    school_id, person_id = personal_code_verify(code, now=self.now)
                except InvalidCode as exc:
                    self._refuse(o, "code", f"code_{exc.reason}", _code_message(exc.reason))
                    continue
                if school_id != self.tube.school_id:
                    self._refuse(o, "code", "not_found", _("No such person in this school."))
                    continue
                wanted_ids[o.index] = person_id
            elif code and len(code) <= 32 and not code.startswith("SD1."):
                wanted_numbers[o.index] = code
            else:
                self._refuse(o, "code", "malformed", _("Not a personal code or a number."))
        wanted = Q(pk__in=set(wanted_ids.values()))
        if wanted_numbers:
            wanted |= Q(number__in=set(wanted_numbers.values()))
        found, by_number = {}, {}
        if wanted_ids or wanted_numbers:
            for p in self._people_query().filter(wanted):
                found[p.pk] = p
                by_number.setdefault(p.number, []).append(p)
        for o in fresh:
            if o.index in wanted_ids:
                person = found.get(wanted_ids[o.index])
            elif o.index in wanted_numbers:
                matches = by_number.get(wanted_numbers[o.index], [])
                if len(matches) > 1:
                    self._refuse(o, "code", "ambiguous",
                                 _("Two people have this number; scan the personal code."))
                    continue
                person = matches[0] if matches else None
            else:
                continue
            if person is None:
                self._refuse(o, "code", "not_found", _("No such person in this school."))
                continue
            o.person_id, o.name = person.pk, person.name
        return found

    def _people_query(self):
        """The sampler's people with, in the same query, what the station must know of each:
        on the round's plan, a close contact (stored status or a recent exposure), abnormal
        at today's check-in."""
        school_id, round_id = self.tube.school_id, self.tube.round_id
        today = timezone.localdate(self.now)
        return (
            Person.objects.restrict(self.actor, PERM)
            .filter(school_id=school_id, active=True)
            .only("pk", "name", "number", "klass_id")
            .annotate(**_person_facts(school_id, round_id, today))
            .order_by()
        )

    # The round: one live sample per person (outside rechecks), members only when planned.
    def _check_round(self, fresh: list[ScanOutcome], people: dict, elsewhere: dict) -> None:
        outside = {o.person_id for o in fresh if not people[o.person_id].member}
        planned = bool(outside) and RoundMember.objects.filter(
            school_id=self.tube.school_id, round_id=self.tube.round_id).exists()
        taken = {o.person_id: elsewhere[o.person_id].tube_id for o in fresh
                 if o.person_id in elsewhere}
        barcodes = dict(Tube.objects.filter(school_id=self.tube.school_id,
                                            pk__in=set(taken.values()))
                        .values_list("pk", "barcode")) if taken else {}
        for o in fresh:
            if o.person_id in taken:
                tube_id = taken[o.person_id]
                self._refuse(o, "code", "already_sampled",
                             _("Already sampled in this round (tube %(tube)s).")
                             % {"tube": barcodes.get(tube_id) or f"#{tube_id}"})
            elif planned and o.person_id in outside:
                self._refuse(o, "code", "not_in_round", _("Not on this round's list."))

    def _add(self, fresh: list[ScanOutcome], people: dict, in_tube: dict) -> None:
        pending = [o for o in fresh if o.status == ""]
        singles = self._never_pooled(people) if pending else {}
        new, revived, first_of = [], [], {}
        for o in pending:
            current = in_tube.get(o.person_id)
            if o.person_id in first_of:  # the same person twice in one request
                o.status, o.tube_id = "duplicate", first_of[o.person_id].tube_id
                continue
            if current is not None and current.removed_at is None:
                o.status, o.sample_id, o.tube_id = "duplicate", current.pk, self.tube.pk
            elif o.person_id in singles:
                self._single(o, singles[o.person_id])
            elif self.live >= self.tube.pool_size:
                self._refuse(o, "code", "tube_full", _("The tube is full; scan its barcode."))
            else:
                o.status, o.tube_id = "added", self.tube.pk
                self.live += 1
                if current is not None:  # undone earlier, scanned again: the same row
                    current.removed_at, current.scanned_at = None, self.now
                    current.scanned_by, current.client_id = self.actor, o.client_id
                    revived.append((o, current))
                else:
                    new.append((o, self._sample(self.tube, o)))
            if o.status != "refused":
                first_of[o.person_id] = o
        Sample.objects.bulk_create([s for _o, s in new])
        for o, sample in new:
            o.sample_id = sample.pk
        for o, sample in revived:
            sample.save(update_fields=["removed_at", "scanned_at", "scanned_by", "client_id"])
            o.sample_id = sample.pk
        for o in pending:
            if o.sample_id is None and o.status == "duplicate":
                o.sample_id = first_of[o.person_id].sample_id

    def _sample(self, tube: Tube, o: ScanOutcome) -> Sample:
        return Sample(school_id=tube.school_id, round_id=tube.round_id, tube=tube,
                      person_id=o.person_id, scanned_at=self.now, scanned_by=self.actor,
                      client_id=o.client_id, recheck=tube.recheck_of_id is not None)

    def _never_pooled(self, people: dict) -> dict[int, str]:
        """{person: close_contact | symptoms} for people a pool must refuse."""
        if self.tube.pool_size == 1:
            return {}
        contacts = {p.pk for p in people.values() if p.status_contact or p.exposure_contact}
        symptoms = {p.pk for p in people.values() if p.symptoms}
        if not contacts and not symptoms:
            return {}
        params = _pool_params(self.tube.round)
        found = {}
        if not params.get("pool_symptomatic", False):
            found.update(dict.fromkeys(symptoms, "symptoms"))
        if not params.get("pool_close_contacts", False):
            found.update(dict.fromkeys(contacts, "close_contact"))
        return found

    def _single(self, o: ScanOutcome, why: str) -> None:
        """Refused in the pool; a single tube is opened for the person, holding their swab."""
        single = Tube.objects.filter(school_id=self.tube.school_id,
                                     client_id=f"{o.client_id[:57]}.single").first()
        if single is None:
            single = Tube.objects.create(
                school_id=self.tube.school_id, round_id=self.tube.round_id, pool_size=1,
                station=self.tube.station, single_reason=why, opened_by=self.actor,
                client_id=f"{o.client_id[:57]}.single",
            )
        sample = self._sample(single, o)
        sample.save()
        o.status, o.tube_id, o.sample_id, o.reason = "single", single.pk, sample.pk, why
        o.field = "code"
        o.message = (_("A close contact is never pooled: a single tube was opened.")
                     if why == "close_contact" else
                     _("A person with symptoms is never pooled: a single tube was opened."))


def _person_facts(school_id: int, round_id: int, today) -> dict:
    """A scanned person's four facts as written-out EXISTS subqueries: the SQL Exists(...)
    made, without building four querysets per request (a third of a scan's CPU)."""
    person, since = f"{_table(Person)}.id", today - timedelta(days=CONTACT_DAYS)
    member = (f"SELECT 1 FROM {_table(RoundMember)} m WHERE m.school_id = %s "
              f"AND m.round_id = %s AND m.person_id = {person}")
    status = (f"SELECT 1 FROM {_table(PersonStatus)} s WHERE s.school_id = %s "
              f"AND s.person_id = {person} AND s.category IN ({_marks(SINGLE_CATEGORIES)})")
    exposure = (f"SELECT 1 FROM {_table(Exposure)} e WHERE e.school_id = %s "
                f"AND e.person_id = {person} AND e.kind IN ({_marks(CONTACT_KINDS)}) "
                f'AND e."on" >= %s')
    checkin = (f"SELECT 1 FROM {_table(CheckIn)} c WHERE c.school_id = %s "
               f"AND c.person_id = {person} AND c.day = %s AND c.abnormal")
    return {
        "member": _exists(member, [school_id, round_id]),
        "status_contact": _exists(status, [school_id, *SINGLE_CATEGORIES]),
        "exposure_contact": _exists(exposure, [school_id, *CONTACT_KINDS, since]),
        "symptoms": _exists(checkin, [school_id, today]),
    }


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _exists(sql: str, params: list):
    return RawSQL(f"EXISTS ({sql})", params, output_field=BooleanField())


def _code_message(reason: str) -> str:
    return {
        "expired": _("The code has expired; ask for today's code."),
        "not_yet_valid": _("The code is not valid yet."),
        "tampered": _("The code is not genuine."),
    }.get(reason, _("Not a personal code or a number."))


# ---- undo -----------------------------------------------------------------------------------


def sample_undo(*, actor, tube_id: int, sample_id: int | None = None,
                client_id: str = "") -> Sample:
    """Take a mis-scan out of an open tube (by the sample's id, or the scan's client id when
    an offline queue undoes a scan it never saw answered). Undoing twice is the same."""
    with transaction.atomic():
        tube = _locked_tube(actor, tube_id)
        rows = Sample.objects.filter(school_id=tube.school_id, tube=tube)
        if sample_id is not None:
            sample = rows.filter(pk=sample_id).first()
        elif client_id:
            sample = rows.filter(client_id=client_id.strip()).first()
        else:
            _fail("sample_id", "required", _("Name the scan to undo."))
        if sample is None:
            _fail("sample_id", "not_found", _("No such scan in this tube."))
        if sample.removed_at is not None:
            return sample
        if tube.status != TubeStatus.OPEN:
            _fail("tube", "tube_closed", _("The tube is closed: its scans cannot be undone."))
        sample.removed_at = timezone.now()
        sample.save(update_fields=["removed_at"])
        return sample
