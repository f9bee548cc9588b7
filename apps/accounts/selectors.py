"""Reads of staff accounts, through the scope layer with accounts.manage: a school out of
scope is a 404, like one that does not exist."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.accounts.models import AccountEvent
from apps.accounts.services.codes import not_activated
from apps.orgs.models import School, SchoolClass, Unit
from apps.people.models import Person, PersonKind

MANAGE = "accounts.manage"


def schools_managed(*, user) -> QuerySet[School]:
    return School.objects.restrict(user, MANAGE).filter(active=True).order_by("county_code",
                                                                               "name")


def school_managed(*, user, pk: int) -> School:
    return get_object_or_404(School.objects.restrict(user, MANAGE), pk=pk)


def staff_of(*, user, school: School) -> QuerySet[Person]:
    """The school's active staff, with their accounts (none yet, waiting, active, off)."""
    return (Person.objects.restrict(user, MANAGE)
            .filter(school=school, kind=PersonKind.STAFF, active=True)
            .select_related("user", "teaches_class", "unit").order_by("number"))


def staff_counts(*, user, school: School) -> dict:
    return staff_of(user=user, school=school).aggregate(
        staff=Count("pk"), without=Count("pk", filter=Q(user__isnull=True)),
        waiting=Count("pk", filter=not_activated() & Q(user__is_active=True)),
        inactive=Count("pk", filter=Q(user__is_active=False)))


def reissue_choices(*, school: School) -> tuple[QuerySet, QuerySet]:
    return (SchoolClass.objects.open().filter(school=school).order_by("name"),
            Unit.objects.filter(school=school).order_by("name"))


def events_of(*, user, school: School) -> QuerySet[AccountEvent]:
    return (AccountEvent.objects.restrict(user, MANAGE).filter(school=school)
            .select_related("actor", "user")[:20])
