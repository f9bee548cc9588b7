"""Travel and exposure declarations (报备): travel done and contacts had, declared by the
person, a guardian, the class teacher or the school's epidemic office.

Each service checks the actor through `Person.objects.restrict(actor, "travel.declare")`
(404 otherwise), checks every field of every leg and raises one ValidationFailed naming them
all (`legs.<i>.<field>`), writes in one transaction, and once committed sends
`declarations_changed` (apps.travel.signals). A submission repeated with the same client id
returns what the first one saved and writes nothing.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import FieldError, ValidationFailed
from apps.people.models import HouseholdMember, Person, PersonKind, Residence
from apps.people.validation import bad_choice, check_text, required
from apps.regions.models import Region
from apps.regions.selectors import region_resolve
from apps.travel.models import Exposure, ExposureKind, Transport, TripLeg
from apps.travel.signals import send_declarations_changed

MAX_LEGS = 20
LEG_FIELDS = ("from_region", "to_region", "depart", "arrive", "transport", "number")


def _declarable(actor, person: Person) -> Person:
    """The person, if the actor may declare for them; 404 otherwise (never 403)."""
    found = Person.objects.restrict(actor, "travel.declare").filter(pk=person.pk, active=True)
    person = found.select_related("school").first()
    if person is None:
        raise Http404
    return person


def _region(text, field: str, *, needed: bool = True) -> tuple[Region | None, list]:
    if isinstance(text, Region):
        return text, []
    if not str(text or "").strip():
        return None, [required(field)] if needed else []
    try:
        return region_resolve(str(text), field=field), []
    except ValidationFailed as exc:
        return None, list(exc.errors)


def _past_date(value, field: str, today: date) -> tuple[date | None, list]:
    if value in (None, ""):
        return None, [required(field)]
    if not isinstance(value, date):
        return None, [FieldError(field, "bad_date", _("Write the date as 2022-03-16."))]
    if value > today:
        # A declaration is of travel done; planned travel is an approval request.
        return None, [FieldError(field, "in_future", _("The date is in the future."))]
    return value, []


def _client_id(client_id: str) -> tuple[str, list]:
    client_id = str(client_id or "").strip()
    return client_id, check_text("client_id", client_id, 64, needed=False)


# Trips ----------------------------------------------------------------------------------


def _clean_leg(index: int, leg: dict, today: date) -> tuple[dict, list]:
    prefix = f"legs.{index}."
    unknown = set(leg) - set(LEG_FIELDS)
    errors = [FieldError(prefix + name, "unknown_field", _("Unknown field.")) for name in unknown]
    values = {}
    for name in ("from_region", "to_region"):
        values[name], found = _region(leg.get(name), prefix + name)
        errors += found
    for name in ("depart", "arrive"):
        values[name], found = _past_date(leg.get(name), prefix + name, today)
        errors += found
    if values["depart"] and values["arrive"] and values["arrive"] < values["depart"]:
        errors.append(FieldError(prefix + "arrive", "before_departure",
                                 _("The arrival is before the departure.")))
        values["arrive"] = None  # no overlap check on a leg that makes no sense
    values["transport"] = str(leg.get("transport") or "").strip()
    if not values["transport"]:
        errors.append(required(prefix + "transport"))
    elif values["transport"] not in Transport.values:
        errors.append(bad_choice(prefix + "transport"))
    values["number"] = "".join(str(leg.get("number") or "").split()).upper()
    errors += check_text(prefix + "number", values["number"], 20, needed=False)
    return values, errors


def _span(leg) -> tuple[date, date, str, str]:
    """(depart, arrive, from code, to code) of a cleaned leg (dict) or a stored TripLeg."""
    if isinstance(leg, dict):
        return leg["depart"], leg["arrive"], leg["from_region"].code, leg["to_region"].code
    return leg.depart, leg.arrive, leg.from_region_id, leg.to_region_id


def _meets(a, b) -> bool:
    """Two legs of one traveller overlap when one starts before the other ends (a leg
    arriving on the day the next departs is a connection, not an overlap), or when they are
    the same journey twice."""
    a, b = _span(a), _span(b)
    return a == b or (a[0] < b[1] and b[0] < a[1])


def _overlap_errors(person: Person, member, cleaned: list[tuple[int, dict]]) -> list:
    dated = cleaned  # every leg is complete: overlaps are checked only when all are good
    existing = list(TripLeg.objects.filter(
        school_id=person.school_id, person_id=person.pk, household_member=member,
        depart__lte=max(leg["arrive"] for _i, leg in dated),
        arrive__gte=min(leg["depart"] for _i, leg in dated)))
    errors = []
    for n, (i, leg) in enumerate(dated):
        earlier = [other for _j, other in dated[:n]]
        if any(_meets(leg, other) for other in [*earlier, *existing]):
            errors.append(FieldError(f"legs.{i}.depart", "overlaps",
                                     _("This leg overlaps another trip of the same traveller.")))
    return errors


def _household_member(person: Person, member) -> tuple[HouseholdMember | None, list]:
    if member is None:
        return None, []
    member_id = member.pk if isinstance(member, HouseholdMember) else member
    found = HouseholdMember.objects.filter(school_id=person.school_id, person_id=person.pk,
                                           pk=member_id).first()
    if found is None:
        return None, [FieldError("household_member", "not_household",
                                 _("This is not one of the person's co-residents."))]
    if person.kind != PersonKind.STUDENT or person.residence != Residence.DAY:
        return None, [FieldError("household_member", "not_day_student",
                                 _("Co-residents' trips are declared for day students only."))]
    return found, []


def _replayed(model, person: Person, client_id: str) -> list | None:
    """What an earlier submission with this client id saved, or None if there was none."""
    if not client_id:
        return None
    rows = list(model.objects.filter(school_id=person.school_id, client_id=client_id))
    if not rows:
        return None
    if any(row.person_id != person.pk for row in rows):
        raise ValidationFailed([FieldError("client_id", "used",
                                           _("This client id was used for someone else."))])
    return sorted(rows, key=lambda row: getattr(row, "leg_no", 0))


def trip_declare(
    *,
    actor,
    person: Person,
    legs: list[dict],
    household_member: HouseholdMember | int | None = None,
    client_id: str = "",
) -> list[TripLeg]:
    """One trip of one or more legs, done by the person or (for a day student) by one of
    their co-residents. Each leg: from_region and to_region (a code or a name with context),
    depart and arrive (dates, not in the future), transport, number (train or flight)."""
    person = _declarable(actor, person)
    client_id, errors = _client_id(client_id)
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            return _trip_save(actor, person, legs, household_member, client_id)
    except IntegrityError:
        replay = _replayed(TripLeg, person, client_id)  # lost a race with the same client id
        if replay is None:
            raise
        return replay


def _trip_save(actor, person, legs, household_member, client_id) -> list[TripLeg]:
    replay = _replayed(TripLeg, person, client_id)
    if replay is not None:
        return replay
    today = timezone.localdate()
    member, errors = _household_member(person, household_member)
    legs = list(legs or [])
    if not legs:
        errors.append(required("legs"))
    elif len(legs) > MAX_LEGS:
        errors.append(FieldError("legs", "too_many",
                                 _("At most %(n)d legs per trip.") % {"n": MAX_LEGS}))
    cleaned = []
    for index, leg in enumerate(legs[:MAX_LEGS]):
        values, found = _clean_leg(index, leg, today)
        errors += found
        cleaned.append((index, values))
    if not errors:
        errors += _overlap_errors(person, member, cleaned)
    if errors:
        raise ValidationFailed(errors)
    saved = []
    for index, values in cleaned:
        leg = TripLeg(school_id=person.school_id, person=person, household_member=member,
                      declared_by=actor, client_id=client_id, leg_no=index, **values)
        leg._history_user = actor
        leg.save()
        saved.append(leg)
    send_declarations_changed(sender=TripLeg, school_id=person.school_id, person_ids=[person.pk])
    return saved


def _withdrawable(actor, model, row):
    row = model.objects.filter(pk=row.pk).select_related("person").first()
    if row is None:
        raise Http404
    _declarable(actor, row.person)
    return row


@transaction.atomic
def trip_leg_withdraw(*, actor, leg: TripLeg, reason: str) -> None:
    """A wrong declaration withdrawn: the leg goes, its history keeps who, when and why."""
    leg = _withdrawable(actor, TripLeg, leg)
    _withdraw(actor, leg, reason)


@transaction.atomic
def exposure_withdraw(*, actor, exposure: Exposure, reason: str) -> None:
    exposure = _withdrawable(actor, Exposure, exposure)
    _withdraw(actor, exposure, reason)


def _withdraw(actor, row, reason: str) -> None:
    reason = " ".join(str(reason or "").split())
    errors = check_text("reason", reason, 100, needed=True)
    if errors:
        raise ValidationFailed(errors)
    row._history_user = actor
    row._change_reason = f"withdrawn: {reason}"[:100]
    school_id, person_id = row.school_id, row.person_id
    row.delete()
    send_declarations_changed(sender=type(row), school_id=school_id, person_ids=[person_id])


# Exposures ------------------------------------------------------------------------------


def exposure_declare(
    *,
    actor,
    person: Person,
    kind: str,
    on: date | None,
    region_code: str | None = None,
    detail: str = "",
    client_id: str = "",
) -> Exposure:
    """A contact with a case, a close contact, or a person from a risk area (报备)."""
    person = _declarable(actor, person)
    client_id, errors = _client_id(client_id)
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            return _exposure_save(actor, person, kind, on, region_code, detail, client_id)
    except IntegrityError:
        replay = _replayed(Exposure, person, client_id)
        if replay is None:
            raise
        return replay[0]


def _exposure_save(actor, person, kind, on, region_code, detail, client_id) -> Exposure:
    replay = _replayed(Exposure, person, client_id)
    if replay is not None:
        return replay[0]
    errors = []
    if not kind:
        errors.append(required("kind"))
    elif kind not in ExposureKind.values:
        errors.append(FieldError("kind", "unknown_kind",
                                 _("The contact is with a case, a close contact or a person "
                                   "from a risk area.")))
    on, found = _past_date(on, "on", timezone.localdate())
    errors += found
    region, found = _region(region_code, "region", needed=False)
    errors += found
    detail = " ".join(str(detail or "").split())
    errors += check_text("detail", detail, 500, needed=False)
    if errors:
        raise ValidationFailed(errors)
    exposure = Exposure(school_id=person.school_id, person=person, kind=kind, on=on,
                        region=region, detail=detail, declared_by=actor, client_id=client_id)
    exposure._history_user = actor
    exposure.save()
    send_declarations_changed(sender=Exposure, school_id=person.school_id,
                              person_ids=[person.pk])
    return exposure
