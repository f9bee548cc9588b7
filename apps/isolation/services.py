"""Writes of isolation: the school's epidemic office keeps its isolation rooms (room_save),
opens an isolation (isolation_open: at home, in a centralised facility, or in a room with a
free place; idempotent by client id), extends it (isolation_extend) and closes it
(isolation_close). Each of the three recomputes the person's status at once (the record is
the engine's `isolated_until`) and tells the class teacher and the guardians. The staff who
look after the person record the day's care visit (care_visit_record, one per day: the same
day again updates it), refer them to psychological support (referral_create,
referral_update) and arrange a student's online study (online_study_arrange).

Each raises ValidationFailed naming the field and reason; nothing is written then."""

from datetime import date

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import refuse as _fail
from apps.isolation import selectors
from apps.isolation.models import (
    CareVisit,
    Health,
    Isolation,
    IsolationRoom,
    Meals,
    Mood,
    OnlineStudy,
    Place,
    Referral,
    ReferralState,
    Study,
)
from apps.isolation.selectors import CARE, MANAGE
from apps.orgs.models import School
from apps.people.models import Person
from apps.people.validation import text_checked as _text

MAX_DAYS = 90  # the longest isolation one record plans
MAX_CAPACITY = 500


def _date(field: str, value, *, needed: bool = True) -> date | None:
    if value in (None, ""):
        if needed:
            _fail(field, "required", _("This field is required."))
        return None
    if not isinstance(value, date):
        _fail(field, "bad_date", _("Write the date as 2022-03-16."))
    return value


# ---- rooms -------------------------------------------------------------------------------


@transaction.atomic
def room_save(*, actor, school_id: int, name: str, capacity: int, note: str = "",
              active: bool = True, room_id: int | None = None) -> IsolationRoom:
    """Add a room to the school (or change one): a name unique in the school and a capacity
    no smaller than the room's present occupancy."""
    school = School.objects.restrict(actor, MANAGE).filter(pk=school_id).first()
    if school is None:
        _fail("school_id", "not_found", _("No school you keep has this id."))
    name = _text("name", name, 60, needed=True)
    note = _text("note", note, 200, needed=False)
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        _fail("capacity", "out_of_range", _("A room takes from 1 to %(max)s people.") % {
            "max": MAX_CAPACITY})
    if room_id:
        room = (IsolationRoom.objects.restrict(actor, MANAGE).select_for_update()
                .filter(pk=room_id, school_id=school.pk).first())
        if room is None:
            _fail("room_id", "not_found", _("No isolation room of this school has this id."))
        occupied = selectors.open_in_room(room.pk)
        if capacity < occupied:
            _fail("capacity", "below_occupancy", _(
                "%(room)s has %(occupied)s people in it now: its capacity cannot be less.") % {
                "room": room.name, "occupied": occupied})
    else:
        room = IsolationRoom(school=school)
    if IsolationRoom.objects.filter(school=school, name=name).exclude(pk=room.pk).exists():
        _fail("name", "duplicate", _("The school has a room of this name already."))
    room.name, room.capacity, room.note, room.active = name, capacity, note, bool(active)
    room.save()
    return room


# ---- isolations --------------------------------------------------------------------------


@transaction.atomic
def isolation_open(*, actor, person_id: int, place_kind: str, start: date, planned_end: date,
                   reason: str, place: str = "", room_id: int | None = None,
                   client_id: str = "") -> Isolation:
    """Open an isolation of a person of the actor's school, linked to their present status.
    The same client id again returns the isolation it opened."""
    person = (Person.objects.restrict(actor, MANAGE).filter(pk=person_id, active=True)
              .select_related("school", "klass").first())
    if person is None:
        _fail("person_id", "not_found", _("No person of a school you keep has this id."))
    client_id = _text("client_id", client_id, 64, needed=False)
    if client_id:
        done = Isolation.objects.filter(school_id=person.school_id, client_id=client_id,
                                        person=person).first()
        if done is not None:
            return done
    if place_kind not in Place.values:
        _fail("place_kind", "bad_choice", _("Choose at home, a centralised facility or an "
                                            "on-campus isolation room."))
    if Isolation.objects.filter(school_id=person.school_id, person=person,
                                ended_on__isnull=True).exists():
        _fail("person_id", "already_isolated", _(
            "%(name)s has an open isolation already: extend or close it.") % {
            "name": person.name})
    isolation = Isolation(
        school_id=person.school_id, person=person, place_kind=place_kind, opened_by=actor,
        reason=_text("reason", reason, 200, needed=True), client_id=client_id,
        place=_text("place", place, 200, needed=place_kind == Place.CENTRAL))
    _dates(isolation, _date("start", start), _date("planned_end", planned_end))
    if place_kind == Place.CAMPUS:
        isolation.room = _room_with_place(person.school_id, room_id)
    _link_status(isolation)
    isolation._history_user = actor
    try:
        with transaction.atomic():
            isolation.save()
    except IntegrityError:  # a second open one, or the same client id, raced this one
        _fail("person_id", "already_isolated", _(
            "%(name)s has an open isolation already: extend or close it.") % {
            "name": person.name})
    _after_change(isolation, "opened", gettext_lazy("{name} is isolated until {end}"))
    return isolation


def _dates(isolation: Isolation, start: date, planned_end: date) -> None:
    today = timezone.localdate()
    if abs((start - today).days) > MAX_DAYS:
        _fail("start", "out_of_range", _("The start is more than %(days)s days from today.") % {
            "days": MAX_DAYS})
    _check_end(start, planned_end)
    isolation.start, isolation.planned_end = start, planned_end


def _check_end(start: date, planned_end: date) -> None:
    if planned_end < start:
        _fail("planned_end", "before_start", _("The planned end is before the start."))
    if (planned_end - start).days > MAX_DAYS:
        _fail("planned_end", "too_long", _("One record plans at most %(days)s days.") % {
            "days": MAX_DAYS})


def _room_with_place(school_id: int, room_id) -> IsolationRoom:
    """The room, locked, when it has a free place; else refused, naming its occupancy."""
    if not room_id:
        _fail("room_id", "required", _("Choose the isolation room."))
    room = (IsolationRoom.objects.select_for_update()
            .filter(pk=room_id, school_id=school_id, active=True).first())
    if room is None:
        _fail("room_id", "not_found", _("No isolation room in use at this school has this id."))
    occupied = selectors.open_in_room(room.pk)
    if occupied >= room.capacity:
        _fail("room_id", "full", _(
            "%(room)s is full: %(occupied)s of %(capacity)s places taken. Choose another "
            "room or isolate elsewhere.") % {
            "room": room.name, "occupied": occupied, "capacity": room.capacity})
    return room


def _link_status(isolation: Isolation) -> None:
    """The status that required the isolation: the person's stored status and its change."""
    from apps.status.models import PersonStatus, PersonStatusChange
    from apps.status.selectors import history_since

    status = (PersonStatus.objects.filter(school_id=isolation.school_id,
                                          person_id=isolation.person_id)
              .values_list("category", "reasons").first())
    if status:
        isolation.status_category, isolation.status_reasons = status[0], status[1] or []
    isolation.status_change_id = (
        PersonStatusChange.objects.filter(school_id=isolation.school_id,
                                          person_id=isolation.person_id,
                                          changed_at__gte=history_since())  # partitions
        .order_by("-changed_at", "-id").values_list("id", flat=True).first())


def _locked(actor, isolation_id: int, perm: str = MANAGE) -> Isolation:
    return get_object_or_404(Isolation.objects.restrict(actor, perm)
                             .select_for_update(of=("self",)).select_related("person"),
                             pk=isolation_id)


@transaction.atomic
def isolation_extend(*, actor, isolation_id: int, planned_end: date, reason: str
                     ) -> Isolation:
    """Move an open isolation's planned end later, saying why (the same end again changes
    nothing)."""
    isolation = _locked(actor, isolation_id)
    planned_end = _date("planned_end", planned_end)
    reason = _text("reason", reason, 200, needed=True)
    if not isolation.is_open:
        _fail("isolation_id", "closed", _("This isolation is closed already."))
    if planned_end == isolation.planned_end:
        return isolation
    if planned_end < isolation.planned_end:
        _fail("planned_end", "not_later", _(
            "An extension ends later than %(end)s: to end it sooner, close it.") % {
            "end": isolation.planned_end.isoformat()})
    _check_end(isolation.start, planned_end)
    isolation.planned_end = planned_end
    isolation._history_user, isolation._change_reason = actor, reason
    isolation.save(update_fields=["planned_end"])
    _after_change(isolation, "extended", gettext_lazy("{name}'s isolation extended to {end}"))
    return isolation


@transaction.atomic
def isolation_close(*, actor, isolation_id: int, released_on: date | None = None,
                    note: str = "") -> Isolation:
    """Release the person (on a day, today unless said): the room's place is free again.
    Closing a closed isolation again changes nothing."""
    isolation = _locked(actor, isolation_id)
    note = _text("note", note, 200, needed=False)
    released_on = _date("released_on", released_on, needed=False) or timezone.localdate()
    if not isolation.is_open:
        return isolation
    if released_on < isolation.start:
        _fail("released_on", "before_start", _("The release is before the isolation began."))
    if released_on > timezone.localdate():
        _fail("released_on", "in_future", _("The release is a day still to come."))
    isolation.ended_on, isolation.closed_by, isolation.close_note = released_on, actor, note
    isolation._history_user = actor
    isolation.save(update_fields=["ended_on", "closed_by", "close_note"])
    _after_change(isolation, "closed", gettext_lazy("{name} is released from isolation"))
    return isolation


def _after_change(isolation: Isolation, step: str, subject) -> None:
    """The person's status follows the record; the class teacher and guardians hear of it."""
    from apps.status.services import CAUSE_DECISION, status_recompute_persons

    status_recompute_persons(school_id=isolation.school_id, person_ids=[isolation.person_id],
                             reason=CAUSE_DECISION)
    _tell(isolation, step, subject)


def informed_user_ids(isolation: Isolation) -> list[int]:
    """The class teacher (a student of a class) and the guardians with an account."""
    from apps.people.models import Guardianship

    person = isolation.person
    found = set(Guardianship.objects.filter(school_id=isolation.school_id, person_id=person.pk)
                .values_list("user_id", flat=True))
    if person.klass_id and person.klass.teacher_id:
        found.add(person.klass.teacher_id)
    return sorted(uid for uid in found if uid)


def _tell(isolation: Isolation, step: str, subject) -> int:
    from apps.notifications.services import notification_send

    return notification_send(
        recipient_ids=informed_user_ids(isolation), kind=f"isolation.{step}",
        link=f"/isolation/{isolation.pk}/", school_id=isolation.school_id,
        subject=format_lazy(subject, name=isolation.person.name,
                            end=isolation.planned_end.isoformat()),
        body=isolation.get_place_kind_display(),
        dedupe_key=f"isolation-{isolation.pk}-{step}-{isolation.planned_end.isoformat()}")


# ---- care ----------------------------------------------------------------------------------


def _choice(field: str, value, choices) -> str:
    if value not in choices.values:
        _fail(field, "bad_choice", _("Choose one of the offered values."))
    return value


def _open_for_care(actor, isolation_id: int) -> Isolation:
    isolation = get_object_or_404(Isolation.objects.restrict(actor, CARE)
                                  .select_related("person"), pk=isolation_id)
    if not isolation.is_open:
        _fail("isolation_id", "closed", _("This isolation is closed already."))
    return isolation


@transaction.atomic
def care_visit_record(*, actor, isolation_id: int, health: str, meals: str, study: str,
                      mood: str, note: str = "", day: date | None = None) -> CareVisit:
    """The day's care visit, by the actor (a named member of staff). One per isolation and
    day: recording the same day again updates it."""
    isolation = _open_for_care(actor, isolation_id)
    today = timezone.localdate()
    day = _date("day", day, needed=False) or today
    if day > today or day < isolation.start:
        _fail("day", "out_of_range", _("A care visit is for a day of the isolation, up to "
                                       "today."))
    values = {"health": _choice("health", health, Health),
              "meals": _choice("meals", meals, Meals),
              "study": _choice("study", study, Study), "mood": _choice("mood", mood, Mood),
              "note": _text("note", note, 500, needed=False),
              "visitor": actor, "at": timezone.now(), "person_id": isolation.person_id}
    visit, _created = CareVisit.objects.update_or_create(
        school_id=isolation.school_id, isolation=isolation, day=day, defaults=values)
    if health == Health.WORSE or mood == Mood.DISTRESSED:
        _warn(isolation, visit)
    return visit


def _warn(isolation: Isolation, visit: CareVisit) -> None:
    """A visit that finds the person worse or distressed tells the school's epidemic office."""
    from apps.access.models import RoleAssignment
    from apps.notifications.services import notification_send

    office = RoleAssignment.objects.filter(
        school_id=isolation.school_id, role__in=("school_admin", "outbreak_reporter"),
    ).values_list("user_id", flat=True)
    notification_send(
        recipient_ids=office, kind="isolation.care_alert", severity="warning",
        link=f"/isolation/{isolation.pk}/", school_id=isolation.school_id,
        subject=format_lazy(gettext_lazy("Care visit: {name} needs attention"),
                            name=isolation.person.name),
        body=visit.note, dedupe_key=f"isolation-{isolation.pk}-alert-{visit.day}")


@transaction.atomic
def referral_create(*, actor, isolation_id: int, to_whom: str, reason: str) -> Referral:
    """Refer the isolated person to psychological support. While one to the same place is
    not closed, asking again returns it."""
    isolation = _open_for_care(actor, isolation_id)
    to_whom = _text("to_whom", to_whom, 100, needed=True)
    reason = _text("reason", reason, 500, needed=True)
    done = Referral.objects.filter(school_id=isolation.school_id, isolation=isolation,
                                   to_whom=to_whom).exclude(state=ReferralState.CLOSED).first()
    if done is not None:
        return done
    return Referral.objects.create(school_id=isolation.school_id,
                                   person_id=isolation.person_id, isolation=isolation,
                                   referred_by=actor, to_whom=to_whom, reason=reason)


@transaction.atomic
def referral_update(*, actor, referral_id: int, state: str, follow_up: str = "") -> Referral:
    """Record the follow-up of a referral (being followed up, closed) with a note."""
    referral = get_object_or_404(Referral.objects.restrict(actor, CARE)
                                 .select_for_update(of=("self",)), pk=referral_id)
    state = _choice("state", state, ReferralState)
    follow_up = _text("follow_up", follow_up, 500, needed=state == ReferralState.CLOSED)
    if referral.state == ReferralState.CLOSED and state != ReferralState.CLOSED:
        _fail("state", "closed", _("This referral is closed already."))
    referral.state, referral.follow_up = state, follow_up or referral.follow_up
    referral.updated_at = timezone.now()
    referral.save(update_fields=["state", "follow_up", "updated_at"])
    return referral


@transaction.atomic
def online_study_arrange(*, actor, isolation_id: int, platform: str, teacher: str,
                         note: str = "") -> OnlineStudy:
    """How an isolated student studies online (arranging again replaces it)."""
    isolation = _open_for_care(actor, isolation_id)
    if isolation.person.kind != "student":
        _fail("isolation_id", "not_a_student", _("Online study is arranged for a student."))
    study, _created = OnlineStudy.objects.update_or_create(
        school_id=isolation.school_id, isolation=isolation, defaults={
            "person_id": isolation.person_id,
            "platform": _text("platform", platform, 100, needed=True),
            "teacher": _text("teacher", teacher, 100, needed=True),
            "note": _text("note", note, 500, needed=False),
            "arranged_by": actor, "arranged_at": timezone.now()})
    return study
