"""Reads of disinfection and ventilation, through the scope layer: a school's areas with what
is overdue, the user's overdue items (a school's home), how many of a bureau's schools have
any (its home), the entries of a day (the daily log), and who may be on duty or named."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce, Least
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.core.selectors import school_log
from apps.disinfection.models import Area, AreaEntry, EntryKind
from apps.orgs.models import School

VIEW, RECORD = "disinfection.view", "disinfection.record"
SHOWN = 10


def school_get(*, user, school_id: int, perm: str = VIEW) -> School:
    return get_object_or_404(School.objects.restrict(user, perm), pk=school_id)


def area_get(*, user, pk: int, perm: str = VIEW) -> Area:
    return get_object_or_404(Area.objects.restrict(user, perm).select_related("school"), pk=pk)


def areas(*, user, school_id: int | None = None, perm: str = VIEW) -> QuerySet[Area]:
    rows = Area.objects.restrict(user, perm).filter(active=True)
    if school_id is not None:
        rows = rows.filter(school_id=school_id)
    return rows.select_related("on_duty", "klass").order_by("school_id", "kind", "name", "id")


def _overdue_q(now: datetime) -> Q:
    return Q(disinfection_due_at__lt=now) | Q(ventilation_due_at__lt=now)


@dataclass
class Overdue:
    area: Area
    kind: str
    due_at: datetime

    @property
    def kind_label(self) -> str:
        return EntryKind(self.kind).label


def overdue_of(rows, now: datetime) -> list[Overdue]:
    """Each (area, kind) past due among the areas given, most late first."""
    found = [Overdue(area, kind, area.due_of(kind)) for area in rows
             for kind in EntryKind.values
             if area.due_of(kind) is not None and area.due_of(kind) < now]
    return sorted(found, key=lambda o: (o.due_at, o.area.pk, o.kind))


def overdue(*, user, now: datetime | None = None) -> tuple[list[Overdue], int]:
    """The user's overdue items (the first SHOWN, most late first) and how many areas are
    overdue: one indexed query for the rows shown, one count."""
    now = now or timezone.now()
    rows = Area.objects.restrict(user, VIEW).filter(_overdue_q(now), active=True)
    first_due = Least(Coalesce("disinfection_due_at", "ventilation_due_at"),
                      Coalesce("ventilation_due_at", "disinfection_due_at"))
    shown = list(rows.select_related("school", "on_duty")
                 .order_by(first_due, "id")[:SHOWN])
    return overdue_of(shown, now)[:SHOWN], rows.count()


def schools_overdue_count(*, user, now: datetime | None = None) -> int:
    """How many of the user's schools have an area overdue (a bureau's home)."""
    now = now or timezone.now()
    return (Area.objects.restrict(user, VIEW).filter(_overdue_q(now), active=True)
            .values("school_id").distinct().count())


ENTRY_RELATED = ("area", "done_by")


def entries(*, user, school_id: int | None = None, day: date | None = None,
            perm: str = VIEW) -> QuerySet[AreaEntry]:
    return school_log(AreaEntry.objects.restrict(user, perm), field="done_at",
                      school_id=school_id, day=day, related=ENTRY_RELATED)


def entries_of_day(*, school: School, day: date) -> list[AreaEntry]:
    """A school's entries of a day, first first (the daily log; the school is in scope)."""
    return list(school_log(AreaEntry.objects.filter(school_id=school.pk), field="done_at",
                           day=day, related=ENTRY_RELATED, latest_first=False))


def duty_candidates(*, school_id: int):
    """Named people of the school with an account (staff, role holders, class teachers)."""
    from apps.concerns.selectors import assignee_candidates

    return assignee_candidates(school_id=school_id)


def staff_of(*, school_id: int):
    from apps.parcels.selectors import staff_of as parcels_staff

    return parcels_staff(school_id=school_id)
