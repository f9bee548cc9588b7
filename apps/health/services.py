"""Daily check-ins (晨午检): submitted by the person, a guardian or the class teacher.

`checkin_submit` checks the actor through `Person.objects.restrict(actor, "health.checkin")`
(404 otherwise), checks every field and raises one ValidationFailed naming them all, and
writes one row per person, day and slot.

Idempotence, by the client-generated id (`client_id`):
- the same client id again with the same answers is a retry: the first row comes back and
  nothing is written;
- the same client id with other answers is refused (`client_id_reused`): a client must not
  reuse an id for a different submission;
- a new client id for a slot already checked in is a correction: the row takes the new
  answers and client id, the old answers go to a CheckInRevision with their client id, so a
  late retry of the superseded submission is recognised and changes nothing.

A check-in first submitted after its slot was due (a noon check at 18:47) is accepted and
marked `late`, on the page's path and the API's alike (both call `checkin_submit`); the mark
belongs to the slot's first answer, so a correction neither adds nor removes it.

A committed abnormal check-in (fever at the school's threshold, a symptom, or symptoms in a
day student's household), or a correction of one, sends `checkins_changed`, which
recomputes the person's status.
"""

import unicodedata
from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access.grants import Subject, grants_for
from apps.access.roles import Role
from apps.core.db import insert_new, prepared_cursor
from apps.core.errors import FieldError, ValidationFailed
from apps.core.scoping import RowScope, grant_covers, permits
from apps.health.conf import due_at, slot_is_open
from apps.health.models import CheckIn, CheckInRevision, Slot, SubmittedAs
from apps.health.rules import rules_for_school
from apps.health.signals import send_checkins_changed
from apps.people.models import Person, PersonKind, Residence
from apps.people.validation import bad_choice, check_text, required
from apps.policy.engine.facts import SYMPTOMS
from apps.regions.selectors import region_resolve

LOWEST, HIGHEST = Decimal("34.0"), Decimal("43.0")
TENTH = Decimal("0.1")
CREATED, REPLAYED, CORRECTED = "created", "replayed", "corrected"
# What a retry must repeat to be the same submission (and what a correction may change).
ANSWERS = ("temperature", "symptoms", "region_id", "household_symptoms", "household_travel",
           "note")
_YES = {"1", "true", "yes", "y", "on", "是", "有"}
_NO = {"0", "false", "no", "n", "off", "否", "无"}


# The person and where they hang on the org tree, in one prepared statement (apps.core.db):
# this runs for every check-in, thousands a minute at 7 a.m.
_PERSON_SQL = """
SELECT p.id, p.school_id, p.kind, p.residence, p.klass_id, p.unit_id, p.user_id,
       s.hospital_id, s.province_code, s.city_code, s.county_code
  FROM people_person p JOIN orgs_school s ON s.id = p.school_id
 WHERE p.id = %s AND p.active"""


def _checkable(actor, person) -> Subject:
    """The person (as a grant's Subject: id, school, unit, class, kind, residence), if the
    actor may check in for them; 404 otherwise (never 403). The scope is the one
    `Person.objects.restrict(actor, "health.checkin")` applies (core.scoping)."""
    pk = person.pk if isinstance(person, Person) else person
    known = _granted_subject(actor, pk)
    if known is not None:
        return known
    with prepared_cursor() as cursor:
        cursor.execute(_PERSON_SQL, [pk])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    found = Subject(id=row[0], school_id=row[1], kind=row[2], residence=row[3],
                    klass_id=row[4], unit_id=row[5], active=True)
    hospital, province, city, county = row[7:]
    scope = RowScope(school=found.school_id, unit=found.unit_id, klass=found.klass_id,
                     person=found.pk, hospital=hospital,
                     region={"province": province, "city": city, "county": county})
    if not permits(actor, "health.checkin", Person, scope):
        raise Http404
    return found


def _granted_subject(actor, pk: int) -> Subject | None:
    """A guardian's child or one's own record, as the actor's grants read it (this request,
    or within the token cache's TTL): a person-level grant holding health.checkin on this
    one person is decided by the same rule as every scope (core.scoping.grant_covers), so
    no query is needed. The grant's own Subject is the answer: a Person built from it cost
    a twentieth of the request's Python (Model.__init__ over every field)."""
    for grant in grants_for(actor):
        subject = grant.subject
        if (subject is not None and subject.id == pk and "health.checkin" in grant.permissions
                and grant_covers(Person, grant, RowScope(
                    school=subject.school_id, unit=subject.unit_id, klass=subject.klass_id,
                    person=pk))):
            if not subject.active:
                raise Http404
            return subject
    return None


def submitted_as(actor, person: Person | Subject) -> str:
    """Who the actor is to the person, from the grants that let them check in."""
    grants = [g for g in grants_for(actor) if "health.checkin" in g.permissions]
    for role, answer in ((Role.SELF, SubmittedAs.SELF), (Role.GUARDIAN, SubmittedAs.GUARDIAN)):
        if any(g.role == role and person.pk in g.person_ids for g in grants):
            return answer
    if any(g.level == "klass" and person.klass_id in g.klass_ids for g in grants):
        return SubmittedAs.TEACHER
    return SubmittedAs.STAFF


# Fields ---------------------------------------------------------------------------------


def clean_temperature(value) -> tuple[Decimal | None, list[FieldError]]:
    """A body temperature in °C, 34.0–43.0, to one decimal. A value ten times too small or
    too large (3.65, 365) or in Fahrenheit gets an error saying what was probably meant."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    text = text.replace("℃", "").replace("°C", "").replace("°", "").replace(",", ".").strip()
    if not text:
        return None, [required("temperature")]
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        return None, [FieldError("temperature", "not_a_number",
                                 _("Enter the temperature in °C as a number, such as 36.5."))]
    if LOWEST <= number <= HIGHEST:
        return number.quantize(TENTH, rounding=ROUND_HALF_UP), []
    return None, [_temperature_error(number)]


def _temperature_error(number: Decimal) -> FieldError:
    def shown(d: Decimal) -> str:
        return str(d.quantize(TENTH, rounding=ROUND_HALF_UP))

    if LOWEST / 10 <= number <= HIGHEST / 10:
        return FieldError("temperature", "decimal_point_misplaced", _(
            "%(value)s °C cannot be a body temperature: did you mean %(meant)s °C? "
            "The decimal point is one place too far left.")
            % {"value": number, "meant": shown(number * 10)})
    if LOWEST * 10 <= number <= HIGHEST * 10:
        return FieldError("temperature", "decimal_point_missing", _(
            "%(value)s °C cannot be a body temperature: did you mean %(meant)s °C? "
            "The decimal point seems to be missing.")
            % {"value": number, "meant": shown(number / 10)})
    celsius = (number - 32) * 5 / 9
    if LOWEST <= celsius <= HIGHEST:
        return FieldError("temperature", "fahrenheit", _(
            "%(value)s looks like degrees Fahrenheit: enter degrees Celsius (%(meant)s °C).")
            % {"value": number, "meant": shown(celsius)})
    return FieldError("temperature", "out_of_range",
                      _("A body temperature is between 34.0 and 43.0 °C."))


def clean_symptoms(values) -> tuple[list[str], list[FieldError]]:
    """Codes from the coded list (apps.policy.engine.facts.SYMPTOMS), in the list's order."""
    if values in (None, ""):
        return [], []
    if isinstance(values, str):
        values = [values]
    given, errors = set(), []
    for index, code in enumerate(values):
        code = str(code or "").strip()
        if code not in SYMPTOMS:
            errors.append(FieldError(f"symptoms.{index}", "unknown_symptom",
                                     _("Choose symptoms from the list.")))
        given.add(code)
    return [code for code in SYMPTOMS if code in given], errors


def _yes_no(value, field: str, needed: bool) -> tuple[bool | None, list[FieldError]]:
    if isinstance(value, bool):
        return value, []
    text = str(value if value is not None else "").strip().lower()
    if not text:
        return None, [FieldError(field, "required", _("Answer yes or no."))] if needed else []
    if text in _YES:
        return True, []
    if text in _NO:
        return False, []
    return None, [bad_choice(field)]


def _region(text) -> tuple[object, list[FieldError]]:
    if not str(text or "").strip():
        return None, []
    try:
        return region_resolve(str(text), field="region"), []
    except ValidationFailed as exc:
        return None, list(exc.errors)


def _slot(slot, person: Person | Subject, rules, now) -> list[FieldError]:
    if not slot:
        return [required("slot")]
    if slot not in Slot.values:
        return [bad_choice("slot")]
    if slot not in rules.slots_for(person.residence):
        if slot == Slot.EVENING:
            message = _("The evening check is for boarders.")
        else:
            message = _("The school's policy has no %(slot)s check.") % {
                "slot": Slot(slot).label}
        return [FieldError("slot", "not_checked", message)]
    if not slot_is_open(slot, now):
        return [FieldError("slot", "not_open", _("This check has not opened yet today."))]
    return []


def is_day_student(person: Person | Subject) -> bool:
    return person.kind == PersonKind.STUDENT and person.residence == Residence.DAY


def _clean(person: Person | Subject, data: dict, rules, now) -> dict:
    errors = _slot(data["slot"], person, rules, now)
    temperature, found = clean_temperature(data["temperature"])
    errors += found
    symptoms, found = clean_symptoms(data["symptoms"])
    errors += found
    region, found = _region(data["region"])
    errors += found
    household = is_day_student(person)
    answers = {}
    for name in ("household_symptoms", "household_travel"):
        answers[name], found = _yes_no(data[name], name, household)
        errors += found
        if not household:
            answers[name] = None  # asked of day students only
    note = " ".join(str(data["note"] or "").split())
    errors += check_text("note", note, 200, needed=False)
    client_id = str(data["client_id"] or "").strip()
    errors += check_text("client_id", client_id, 64, needed=True)
    if errors:
        raise ValidationFailed(errors)
    fever = temperature >= rules.fever
    return {
        "slot": data["slot"], "temperature": temperature, "symptoms": symptoms,
        "region_id": region.code if region else None, "note": note, "client_id": client_id,
        "fever": fever,
        "abnormal": bool(fever or symptoms or answers["household_symptoms"]),
        **answers,
    }


# Submit ---------------------------------------------------------------------------------


def checkin_submit(
    *,
    actor,
    person: Person | int,
    slot: str,
    temperature,
    symptoms=(),
    region: str | None = None,
    household_symptoms=None,
    household_travel=None,
    note: str = "",
    client_id: str,
    device: str = "",
    now=None,
) -> CheckIn:
    """Today's check-in of the person for `slot`; returns the row with `.outcome` (created,
    replayed or corrected). `device` is a keyed hash of the submitting device. A check-in
    first submitted after its slot was due is accepted and marked `late`; a retry or a
    correction keeps the mark the slot's first answer got."""
    person = _checkable(actor, person)
    now = now or timezone.now()
    rules = rules_for_school(person.school_id)
    values = _clean(person, {
        "slot": slot, "temperature": temperature, "symptoms": symptoms, "region": region,
        "household_symptoms": household_symptoms, "household_travel": household_travel,
        "note": note, "client_id": client_id}, rules, now)
    day = timezone.localdate(now)
    row = CheckIn(school_id=person.school_id, person_id=person.pk, day=day,
                  submitted_as=submitted_as(actor, person), submitted_by=actor,
                  submitted_at=now, late=now > due_at(day, values["slot"]),
                  device=str(device or "")[:64], **values)
    if not _insert(row):
        return _resubmitted(actor, row)
    row.outcome = CREATED
    if row.abnormal:
        send_checkins_changed(sender=CheckIn, school_id=row.school_id, person_ids=[row.person_id])
    return row


def _insert(row: CheckIn) -> bool:
    """One INSERT, its own transaction (or the caller's), unless a unique constraint holds
    the slot or the client id already (False). Check-ins do not share writes as gate scans do
    (apps.core.db.Grouped): with a few threads a worker the groups were of one or two, and
    the benchmark did not move."""
    row.pk = insert_new([row], key=("school_id", "client_id"))[0]
    if row.pk is None:
        return False
    row._state.adding, row._state.db = False, connection.alias
    return True


def _same_answers(a: CheckIn, b: CheckIn) -> bool:
    return all(getattr(a, name) == getattr(b, name) for name in ANSWERS)


def _client_id_used(message) -> ValidationFailed:
    return ValidationFailed([FieldError("client_id", "client_id_reused", message)])


@transaction.atomic
def _resubmitted(actor, row: CheckIn) -> CheckIn:
    """The insert met an existing row: a retry, a retry of a superseded submission, or a
    correction of the slot's check-in."""
    school_id = row.school_id
    # A client id is unique per school and day (the day is the partition key on PostgreSQL,
    # and every lookup names it, so only the day's partition is read).
    same_id = (CheckIn.objects.select_for_update()
               .filter(school_id=school_id, client_id=row.client_id, day=row.day).first())
    if same_id is not None:
        if (same_id.person_id, same_id.day, same_id.slot) != (row.person_id, row.day, row.slot):
            raise _client_id_used(_("This client id was used for another check-in."))
        if not _same_answers(same_id, row):
            raise _client_id_used(_("This client id was used for different answers: "
                                    "a correction needs a new client id."))
        same_id.outcome = REPLAYED
        return same_id
    # A revision is made on its check-in's day (`_correct`): from the day's start on.
    since = timezone.make_aware(datetime.combine(row.day, time.min))
    superseded = (CheckInRevision.objects
                  .filter(school_id=school_id, client_id=row.client_id, replaced_at__gte=since)
                  .first())
    if superseded is not None:
        if superseded.person_id != row.person_id:
            raise _client_id_used(_("This client id was used for another check-in."))
        # a late retry of what was since corrected: the check-in of that day
        checkin = CheckIn.objects.get(pk=superseded.checkin_id, day=row.day)
        checkin.outcome = REPLAYED
        return checkin
    current = CheckIn.objects.select_for_update().get(
        school_id=school_id, person_id=row.person_id, day=row.day, slot=row.slot)
    return _correct(actor, current, row)


def _correct(actor, current: CheckIn, row: CheckIn) -> CheckIn:
    was_abnormal = current.abnormal
    CheckInRevision.objects.create(
        school_id=current.school_id, checkin=current, person_id=current.person_id,
        client_id=current.client_id, values=_snapshot(current), replaced_by=actor,
        replaced_at=row.submitted_at)
    for name in (*ANSWERS, "fever", "abnormal", "submitted_as", "submitted_by_id",
                 "submitted_at", "device", "client_id"):
        setattr(current, name, getattr(row, name))
    current.save()
    current.outcome = CORRECTED
    if was_abnormal or current.abnormal:
        send_checkins_changed(sender=CheckIn, school_id=current.school_id,
                              person_ids=[current.person_id])
    return current


def _snapshot(row: CheckIn) -> dict:
    return {
        "temperature": None if row.temperature is None else str(row.temperature),
        "symptoms": list(row.symptoms), "region": row.region_id,
        "household_symptoms": row.household_symptoms, "household_travel": row.household_travel,
        "note": row.note, "abnormal": row.abnormal, "fever": row.fever,
        "submitted_as": row.submitted_as, "submitted_by": row.submitted_by_id,
        "submitted_at": row.submitted_at.isoformat(), "device": row.device,
    }
