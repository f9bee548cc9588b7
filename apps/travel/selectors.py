"""Reads of declarations: a person's own (scoped), and the set-based query the trace-back
needs (who was in a region during a window), which stays in SQL whatever the numbers."""

from datetime import date

from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from apps.people.models import Person
from apps.regions.models import Region
from apps.regions.selectors import normalize_code
from apps.travel.models import Exposure, TripLeg


def person_trips(*, user, person: Person) -> QuerySet[TripLeg]:
    """The person's and their co-residents' trip legs, latest first, if the user may see them."""
    return (
        TripLeg.objects.restrict(user, "travel.view")
        .filter(school_id=person.school_id, person_id=person.pk)
        .select_related("from_region", "to_region", "household_member", "declared_by")
        .order_by("-depart", "-arrive", "household_member_id", "leg_no", "-pk")
    )


def person_exposures(*, user, person: Person) -> QuerySet[Exposure]:
    return (
        Exposure.objects.restrict(user, "travel.view")
        .filter(school_id=person.school_id, person_id=person.pk)
        .select_related("region", "declared_by")
        .order_by("-on", "-pk")
    )


def trip_leg_get(*, user, person: Person, pk: int, perm: str = "travel.view") -> TripLeg:
    legs = TripLeg.objects.restrict(user, perm).filter(school_id=person.school_id,
                                                       person_id=person.pk)
    return get_object_or_404(legs, pk=pk)


def exposure_get(*, user, person: Person, pk: int, perm: str = "travel.view") -> Exposure:
    found = Exposure.objects.restrict(user, perm).filter(school_id=person.school_id,
                                                         person_id=person.pk)
    return get_object_or_404(found, pk=pk)


def region_codes_within(code: str) -> QuerySet:
    """The codes of the region and everything below it, as a subquery."""
    code = normalize_code(code) or code
    return Region.objects.filter(
        Q(code=code) | Q(parent_id=code) | Q(parent__parent_id=code)
    ).values("code")


def trips_through_region(*, region_code: str, start: date, end: date) -> QuerySet[TripLeg]:
    """Legs that put their traveller (a person or a co-resident) in the region, or below it,
    on some day of [start, end]: a leg leaving the region during the window, or a leg
    arriving there by the window's end whose traveller's next departure (if any) is not
    before the window's start. Unscoped: for services such as the trace-back, which scope
    the people they act on. Values of school_id, person_id, household_member_id give the
    travellers."""
    codes = region_codes_within(region_code)
    left = Q(from_region_id__in=codes, depart__gte=start, depart__lte=end)
    arrived = [
        TripLeg.objects.filter(to_region_id__in=codes, arrive__lte=end,
                               household_member__isnull=not by_member)
        .annotate(next_departure=Subquery(_next_departure(by_member)))
        .filter(Q(next_departure__isnull=True) | Q(next_departure__gte=start))
        .values("pk")
        for by_member in (False, True)
    ]
    return TripLeg.objects.filter(left | Q(pk__in=arrived[0]) | Q(pk__in=arrived[1]))


def _next_departure(by_member: bool) -> QuerySet:
    """The traveller's first departure on or after the outer leg's arrival (NULL never
    equals NULL in SQL, so a person's own legs and a co-resident's are matched apart)."""
    traveller = (Q(household_member_id=OuterRef("household_member_id")) if by_member
                 else Q(household_member__isnull=True))
    return (
        TripLeg.objects.filter(traveller, school_id=OuterRef("school_id"),
                               person_id=OuterRef("person_id"), depart__gte=OuterRef("arrive"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("person_id")
        .annotate(first=Min("depart"))
        .values("first")[:1]
    )


def persons_through_region(*, region_code: str, start: date, end: date) -> QuerySet:
    """Distinct (school_id, person_id, household_member_id) of the travellers above."""
    return (
        trips_through_region(region_code=region_code, start=start, end=end)
        .order_by()
        .values("school_id", "person_id", "household_member_id")
        .distinct()
    )
