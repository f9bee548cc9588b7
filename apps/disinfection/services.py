"""Writes of disinfection and ventilation: an area added (or a classroom for every open class
and the usual shared areas in one click), its person on duty named, an entry recorded by a
named staff member at a time (idempotent by client id), and the periodic sweep that reminds
the person on duty of an overdue area once per time it fell due. Each raises ValidationFailed
naming the field and reason; nothing is written then."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import refuse as _fail
from apps.disinfection import schedule, selectors
from apps.disinfection.models import Area, AreaEntry, AreaKind, EntryKind
from apps.disinfection.selectors import RECORD
from apps.people.validation import text_checked as _text

SLACK = timedelta(minutes=5)  # a device's clock a little ahead is not "in the future"
# the shared areas a school usually has, added by areas_seed beside a classroom per class
USUAL = ((AreaKind.CANTEEN, "食堂"), (AreaKind.DORM, "宿舍"), (AreaKind.TOILET, "卫生间"),
         (AreaKind.LIBRARY, "图书馆"))
CLAIMED = 2000  # reminders claimed by one sweep statement


def _school(actor, school_id: int):
    from apps.orgs.models import School

    school = School.objects.restrict(actor, RECORD).filter(pk=school_id).first()
    if school is None:
        _fail("school_id", "not_found", _("No school you may keep areas for has this id."))
    return school


def _duty(school_id: int, on_duty_id: int | None) -> int | None:
    if on_duty_id and not selectors.duty_candidates(school_id=school_id).filter(
            pk=on_duty_id).exists():
        _fail("on_duty_id", "not_found", _("Nobody of this school with an account has this id."))
    return on_duty_id or None


@transaction.atomic
def area_create(*, actor, school_id: int, kind: str, name: str, klass_id: int | None = None,
                on_duty_id: int | None = None) -> Area:
    """An area of the school, due at once by the school's schedule."""
    school = _school(actor, school_id)
    name = _text("name", name, 100, needed=True)
    if kind not in AreaKind.values:
        _fail("kind", "bad_choice", _("Choose the kind of area."))
    if klass_id is not None and not school.classes.open().filter(pk=klass_id).exists():
        _fail("klass_id", "not_found", _("No open class of this school has this id."))
    if Area.objects.filter(school_id=school.pk, name=name).exists():
        _fail("name", "taken", _("The school has an area of this name already."))
    area = Area.objects.create(school_id=school.pk, kind=kind, name=name, klass_id=klass_id,
                               on_duty_id=_duty(school.pk, on_duty_id))
    schedule.due_refresh(school_ids=[school.pk])
    return area


@transaction.atomic
def areas_seed(*, actor, school_id: int) -> int:
    """A classroom for every open class and the usual shared areas, those not there yet;
    returns how many were added (a second time: none)."""
    school = _school(actor, school_id)
    taken = set(Area.objects.filter(school_id=school.pk).values_list("name", flat=True))
    new = [Area(school_id=school.pk, kind=AreaKind.CLASSROOM, name=k.name, klass_id=k.pk)
           for k in school.classes.open().order_by("name") if k.name not in taken]
    new += [Area(school_id=school.pk, kind=kind, name=name) for kind, name in USUAL
            if name not in taken]
    Area.objects.bulk_create(new)
    schedule.due_refresh(school_ids=[school.pk])
    return len(new)


@transaction.atomic
def area_update(*, actor, area_id: int, on_duty_id: int | None, active: bool = True) -> Area:
    """Name the person on duty (None: the epidemic office is reminded), or retire the area."""
    area = selectors.area_get(user=actor, pk=area_id, perm=RECORD)
    area.on_duty_id = _duty(area.school_id, on_duty_id)
    area.active = active
    area.save(update_fields=["on_duty", "active"])
    return area


def _when(value: datetime | None) -> datetime:
    now = timezone.now()
    value = value or now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + SLACK:
        _fail("done_at", "future", _("This time is in the future."))
    if value < now - timedelta(days=7):
        _fail("done_at", "too_old", _("An entry is recorded within 7 days."))
    return value


@transaction.atomic
def entry_record(*, actor, area_id: int, kind: str, person_id: int,
                 done_at: datetime | None = None, note: str = "",
                 client_id: str = "") -> AreaEntry:
    """The area was disinfected or ventilated by a staff member of its school. The same client
    id again returns the entry. The area is next due by the school's schedule."""
    area = (Area.objects.restrict(actor, RECORD).select_for_update(of=("self",))
            .filter(pk=area_id).first())
    if area is None:
        _fail("area_id", "not_found", _("No area you may record for has this id."))
    client_id = _text("client_id", client_id, 64, needed=False)
    if client_id:
        done = AreaEntry.objects.filter(school_id=area.school_id, client_id=client_id).first()
        if done is not None:
            return done
    if kind not in EntryKind.values:
        _fail("kind", "bad_choice", _("Choose disinfection or ventilation."))
    if not selectors.staff_of(school_id=area.school_id).filter(pk=person_id).exists():
        _fail("person_id", "not_found", _("No staff member of this school has this id."))
    note = _text("note", note, 200, needed=False)
    done_at = _when(done_at)
    entry = AreaEntry.objects.create(school_id=area.school_id, area=area, kind=kind,
                                     done_at=done_at, done_by_id=person_id, note=note,
                                     recorded_by=actor, client_id=client_id)
    last = f"last_{kind}_at"
    if getattr(area, last) is None or getattr(area, last) < done_at:
        setattr(area, last, done_at)
        hours = schedule.interval_of(area.school_id, kind)
        setattr(area, f"{kind}_due_at", None if hours is None else done_at + timedelta(
            hours=int(hours)))
        area.save(update_fields=[last, f"{kind}_due_at"])
    return entry


def overdue_remind(*, now: datetime | None = None) -> int:
    """Remind the person on duty (else the school's epidemic office) of each area overdue,
    once per time it fell due: a conditional UPDATE claims the (area, kind) whose reminder was
    not yet sent for its current due time, so a second worker or a rerun sends nothing."""
    now = now or timezone.now()
    sent = 0
    for kind in EntryKind.values:
        due, reminded = f"{kind}_due_at", f"{kind}_reminded_for"
        with transaction.atomic():
            late = (Area.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(active=True, **{f"{due}__lt": now})
                    .filter(Q(**{f"{reminded}__isnull": True}) | ~Q(**{reminded: F(due)}))
                    .select_related("school").order_by("id")[:CLAIMED])
            claimed = list(late)
            if not claimed:
                continue
            for area in claimed:
                won = Area.objects.filter(pk=area.pk, **{due: area.due_of(kind)}).exclude(
                    **{reminded: area.due_of(kind)}).update(**{reminded: area.due_of(kind)})
                if won:
                    _tell(area, kind)
                    sent += 1
    return sent


def _recipients(area: Area) -> list[int]:
    if area.on_duty_id:
        return [area.on_duty_id]
    from apps.access.models import RoleAssignment
    from apps.access.roles import EPIDEMIC_OFFICE

    return sorted(set(RoleAssignment.objects.filter(role__in=EPIDEMIC_OFFICE,
                                                    school_id=area.school_id)
                      .values_list("user_id", flat=True)))


def _tell(area: Area, kind: str) -> None:
    from apps.notifications.services import notification_send

    due = area.due_of(kind)
    subject = format_lazy(gettext_lazy("Overdue: {kind} of {area} (due {time})"),
                          kind=EntryKind(kind).label, area=area.name,
                          time=timezone.localtime(due).strftime("%m-%d %H:%M"))
    notification_send(recipient_ids=_recipients(area), kind="disinfection",
                      link=f"/disinfection/schools/{area.school_id}/", subject=subject,
                      school_id=area.school_id, severity="warning",
                      dedupe_key=f"disinfection-{area.pk}-{kind}-{due.isoformat()}")
