"""Reads of guardians' binding, always through the scope layer."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from apps.families.models import BindingRequest, BindingState
from apps.families.services import CONFIRM, ISSUE, SETTINGS
from apps.orgs.models import School, SchoolClass, Unit
from apps.orgs.selectors import get_in_scope
from apps.people.models import HouseholdMember, Person
from apps.people.services import HOUSEHOLD

CHANGES_DAYS = 14  # the household changes a class teacher is shown


def pending_requests(*, user) -> QuerySet[BindingRequest]:
    return (BindingRequest.objects.restrict(user, CONFIRM).filter(state=BindingState.PENDING)
            .select_related("person", "person__klass", "user").order_by("created_at"))


def pending_count(*, user) -> int:
    return BindingRequest.objects.restrict(user, CONFIRM).filter(
        state=BindingState.PENDING).count()


def my_requests(*, user) -> QuerySet[BindingRequest]:
    """The guardian's own requests (their account's, whatever their state)."""
    return (BindingRequest.objects.filter(user=user)
            .select_related("person", "person__school", "person__klass"))


def household_changes(*, user, days: int = CHANGES_DAYS) -> QuerySet:
    """Recent changes to the households of the children the user confirms guardians for, with
    who made them (the history django-simple-history keeps)."""
    persons = Person.objects.restrict(user, CONFIRM).values("pk")
    since = timezone.now() - timedelta(days=days)
    return (HouseholdMember.history.filter(person_id__in=persons, history_date__gte=since)
            .select_related("person", "history_user").order_by("-history_date"))


def issuable_classes(*, user) -> QuerySet[SchoolClass]:
    return SchoolClass.objects.restrict(user, ISSUE).select_related("school").order_by(
        "school_id", "name")


def issuable_units(*, user) -> QuerySet[Unit]:
    return Unit.objects.restrict(user, ISSUE).select_related("school").order_by(
        "school_id", "name")


def household_person(*, user, pk: int) -> Person:
    return get_in_scope(Person, user=user, pk=pk, perm=HOUSEHOLD)


def household_children(*, user) -> QuerySet[Person]:
    """The children the user is guardian of (a guardianship, not a role over a class)."""
    return Person.objects.filter(guardianships__user=user).select_related("school", "klass")


def settings_schools(*, user) -> QuerySet[School]:
    return School.objects.restrict(user, SETTINGS).order_by("name")
