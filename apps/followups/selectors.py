"""Reads: who is responsible for whom (分片包干), and a user's follow-ups."""

from collections.abc import Iterable

from django.db.models import QuerySet

from apps.access.models import RoleAssignment
from apps.access.roles import Role
from apps.followups.models import FollowUp, FollowUpStatus
from apps.orgs.models import SchoolClass
from apps.people.models import Person


def responsible_for(*, school_id: int, person_ids: Iterable[int]) -> dict[int, int | None]:
    """The user who follows each person up: a student's class teacher, a staff member's unit
    lead; else the school's outbreak reporter, else its school admin (None when the school
    has none of them). Four queries whatever the number of persons."""
    persons = list(Person.objects.filter(school_id=school_id, id__in=set(person_ids))
                   .values_list("id", "klass_id", "unit_id"))
    teachers = dict(SchoolClass.objects.filter(school_id=school_id, teacher__isnull=False)
                    .values_list("id", "teacher_id"))
    leads: dict[int, int] = {}
    for unit_id, user_id in (RoleAssignment.objects
                             .filter(role=Role.UNIT_LEAD, unit__school_id=school_id)
                             .order_by("id").values_list("unit_id", "user_id")):
        leads.setdefault(unit_id, user_id)
    fallback = _school_fallback(school_id)
    return {
        pid: teachers.get(klass_id) or leads.get(unit_id) or fallback
        for pid, klass_id, unit_id in persons
    }


def _school_fallback(school_id: int) -> int | None:
    for role in (Role.OUTBREAK_REPORTER, Role.SCHOOL_ADMIN):
        user_id = (RoleAssignment.objects.filter(role=role, school_id=school_id)
                   .order_by("id").values_list("user_id", flat=True).first())
        if user_id:
            return user_id
    return None


def followup_list(*, user, status: str = FollowUpStatus.OPEN, mine: bool = False,
                  kind: str = "") -> QuerySet[FollowUp]:
    qs = FollowUp.objects.restrict(user, "followups.view").select_related("person", "assignee")
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assignee=user)
    if kind:
        qs = qs.filter(kind=kind)
    return qs
