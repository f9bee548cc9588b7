"""Staff living on campus in closed loop (教职工住校): the school's admin records who lives on
campus for the closed-loop period, and ends the record when they move out or the period
ends. Read by the gate (apps.gate.facts: the boarder flag) and the status engine
(apps.status.facts: `lives_on_campus`), so closed-loop rules hold them as boarders."""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import FieldError, ValidationFailed
from apps.emergency.models import CampusResident
from apps.people.models import Person, PersonKind
from apps.people.validation import text_checked

MANAGE = "emergency.mode"


def _fail(field: str, reason: str, message) -> None:
    raise ValidationFailed([FieldError(field, reason, str(message))])


def in_force_q(day: date) -> Q:
    return Q(since__lte=day) & (Q(until__isnull=True) | Q(until__gte=day))


def residents_in_force(*, school_ids, person_ids, day: date) -> set[int]:
    """The persons of these schools recorded as living on campus on `day`: one query."""
    return set(
        CampusResident.objects.filter(
            in_force_q(day), school_id__in=list(school_ids), person_id__in=list(person_ids)
        ).values_list("person_id", flat=True)
    )


def school_residents(*, user, school_id: int):
    return (
        CampusResident.objects.restrict(user, MANAGE)
        .filter(school_id=school_id)
        .select_related("person")
        .order_by("until", "person__name")
    )


@transaction.atomic
def campus_resident_record(
    *, actor, school_id: int, number: str, since: date, until: date | None = None, note: str = ""
) -> CampusResident:
    """Record a staff member (by staff number) living on campus from `since`. One already in
    force for them is returned as it is (a repeated submission changes nothing)."""
    person = (
        Person.objects.restrict(actor, MANAGE)
        .filter(
            school_id=school_id,
            kind=PersonKind.STAFF,
            active=True,
            number=str(number or "").strip(),
        )
        .first()
    )
    if person is None:
        _fail("number", "unknown", _("No staff member of this school has this number."))
    if not isinstance(since, date):
        _fail("since", "required", _("Write the date as 2022-03-16."))
    if until is not None and until < since:
        _fail("until", "before_start", _("The last day is before the first."))
    note = text_checked("note", note, 200, needed=False)
    found = CampusResident.objects.filter(
        in_force_q(max(since, timezone.localdate())), school_id=school_id, person=person
    ).first()
    if found is not None:
        return found
    resident = CampusResident(
        school_id=school_id, person=person, since=since, until=until, note=note, recorded_by=actor
    )
    resident._history_user = actor
    resident.save()
    _recompute(resident)
    return resident


def _recompute(resident: CampusResident) -> None:
    """The person's status follows (closed loop: "may not leave")."""
    from apps.status.services import CAUSE_DECISION, status_recompute_persons

    status_recompute_persons(
        school_id=resident.school_id, person_ids=[resident.person_id], reason=CAUSE_DECISION
    )


@transaction.atomic
def campus_resident_end(*, actor, resident_id: int, until: date | None = None) -> CampusResident:
    """End a record (the staff member moved out, or closed loop ended): last day `until`,
    today by default."""
    resident = get_object_or_404(
        CampusResident.objects.restrict(actor, MANAGE).select_for_update(of=("self",)),
        pk=resident_id,
    )
    until = until or timezone.localdate()
    if until < resident.since:
        _fail("until", "before_start", _("The last day is before the first."))
    if resident.until is not None and resident.until <= until:
        return resident
    resident.until = until
    resident._history_user = actor
    resident.save(update_fields=["until"])
    _recompute(resident)
    return resident
