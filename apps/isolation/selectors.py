"""Reads of isolation, always through the scope layer: a person and their guardians see
their own isolation, those who look after people the isolations of their scope (the care
log with them); a school's rooms with their occupancy (the open on-campus isolations in
each); the isolations no one has visited today, for the home pages; and the engine's
`isolated_until` for a batch of persons (apps.status.facts)."""

from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.isolation.models import CareVisit, Isolation, IsolationRoom, Place
from apps.orgs.models import School

VIEW, MANAGE, CARE = "isolation.view", "isolation.manage", "isolation.care"
SHOWN = 10


def _related(qs: QuerySet) -> QuerySet:
    return qs.select_related("person", "person__klass", "school", "room")


def isolation_list(*, user, school_id: int | None = None, open_only: bool = False,
                   ) -> QuerySet[Isolation]:
    """The isolations the user sees, open ones first, latest start first."""
    qs = _related(Isolation.objects.restrict(user, VIEW))
    if school_id:
        qs = qs.filter(school_id=school_id)
    if open_only:
        qs = qs.filter(ended_on__isnull=True)
    return qs.order_by(F("ended_on").desc(nulls_first=True), "-start", "-id")


def isolation_get(*, user, pk: int) -> Isolation:
    return get_object_or_404(_related(Isolation.objects.restrict(user, VIEW)), pk=pk)


def may(user, perm: str, isolation: Isolation) -> bool:
    return Isolation.objects.restrict(user, perm).filter(pk=isolation.pk).exists()


def visits(isolation: Isolation) -> QuerySet[CareVisit]:
    return (CareVisit.objects.filter(school_id=isolation.school_id, isolation=isolation)
            .select_related("visitor").order_by("-day", "-id"))


def referrals(isolation: Isolation):
    return (isolation.referrals.filter(school_id=isolation.school_id)
            .select_related("referred_by").order_by("referred_at", "id"))


def online_study(isolation: Isolation):
    return isolation.online_studies.filter(school_id=isolation.school_id).first()


def occupancy(rooms: QuerySet[IsolationRoom]) -> QuerySet[IsolationRoom]:
    """Each room with `occupied`: its open on-campus isolations (one query)."""
    return rooms.annotate(occupied=Count(
        "isolations", filter=Q(isolations__ended_on__isnull=True,
                               isolations__place_kind=Place.CAMPUS)))


def rooms(*, user, school_id: int | None = None, perm: str = VIEW) -> QuerySet[IsolationRoom]:
    """The isolation rooms of the user's schools, with their occupancy."""
    qs = IsolationRoom.objects.restrict(user, perm).select_related("school")
    if school_id:
        qs = qs.filter(school_id=school_id)
    return occupancy(qs).order_by("school_id", "name")


def schools_managed(*, user) -> QuerySet[School]:
    """The schools whose isolations and rooms the user keeps."""
    return School.objects.restrict(user, MANAGE).order_by("name", "pk")


def open_in_room(room_id: int) -> int:
    return Isolation.objects.filter(room_id=room_id, ended_on__isnull=True,
                                    place_kind=Place.CAMPUS).count()


def not_visited(*, user, today: date | None = None) -> QuerySet[Isolation]:
    """Open isolations already begun with no care visit today, in the user's scope."""
    today = today or timezone.localdate()
    visited = CareVisit.objects.filter(school_id=OuterRef("school_id"),
                                       isolation_id=OuterRef("pk"), day=today)
    return (Isolation.objects.restrict(user, VIEW)
            .filter(ended_on__isnull=True, start__lte=today)
            .filter(~Exists(visited)))


def not_visited_today(*, user, today: date | None = None) -> tuple[list[Isolation], int]:
    """The first SHOWN isolations with no care visit today (longest isolated first), and
    how many there are."""
    rows = not_visited(user=user, today=today)
    return (list(_related(rows).order_by("start", "id")[:SHOWN]), rows.count())


def isolated_until(school_ids, person_ids, today) -> dict[int, date]:
    """The end of each person's latest isolation record, for the engine (apps.status.facts):
    the planned end of an open one, the last day of a closed one (the day before release).
    One query per batch; records begun after today are not yet in force."""
    found: dict[int, date] = {}
    rows = (Isolation.objects
            .filter(school_id__in=list(school_ids), person_id__in=list(person_ids),
                    start__lte=today)
            .order_by("person_id", "-start", "-id")
            .values_list("person_id", "planned_end", "ended_on"))
    for person_id, planned_end, ended_on in rows:
        if person_id not in found:
            found[person_id] = last_day(planned_end, ended_on)
    return found


def last_day(planned_end: date, ended_on: date | None) -> date:
    """The last day in isolation: a person released on a day is not isolated that day."""
    return planned_end if ended_on is None else ended_on - timedelta(days=1)


def room_get(*, user, pk: int) -> IsolationRoom:
    return get_object_or_404(IsolationRoom.objects.restrict(user, MANAGE), pk=pk)


def referral_get(*, user, pk: int):
    from apps.isolation.models import Referral

    return get_object_or_404(Referral.objects.restrict(user, VIEW).select_related("isolation"),
                             pk=pk)


def persons_to_isolate(*, user, chosen: str = "") -> QuerySet:
    """The persons the user may isolate offered first: those of the user's schools under a
    restriction (not normal or cleared), and the one chosen on the page that links here."""
    from apps.people.models import Person
    from apps.status.models import Category, PersonStatus

    restricted = (PersonStatus.objects.exclude(category__in=(Category.NORMAL, Category.CLEARED))
                  .values("person_id"))
    wanted = Q(pk__in=restricted)
    if str(chosen).isdigit():
        wanted |= Q(pk=int(chosen))
    return (Person.objects.restrict(user, MANAGE).filter(active=True).filter(wanted)
            .order_by("name", "pk"))
