"""Reads: who is responsible for whom (分片包干), follow-up lists and counts, one follow-up,
and who may take one over. Every read goes through FollowUp.objects.restrict."""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.access.models import RoleAssignment, User
from apps.access.roles import Role
from apps.followups.models import FollowUp, FollowUpStatus
from apps.orgs.models import SchoolClass
from apps.people.models import Person


def responsible_for(*, school_id: int, person_ids: Iterable[int]) -> dict[int, int | None]:
    """The user who follows each person up: a student's class teacher, else the lead of the
    person's unit (for a student, the class's grade or college); else the school's outbreak
    reporter, else its school admin (None when the school has none of them). Persons of
    another school are left out. Four queries whatever the number of persons."""
    persons = list(Person.objects.filter(school_id=school_id, id__in=set(person_ids))
                   .values_list("id", "klass_id", "unit_id"))
    classes = {cid: (teacher_id, unit_id) for cid, teacher_id, unit_id in
               SchoolClass.objects.filter(school_id=school_id)
               .values_list("id", "teacher_id", "unit_id")}
    leads: dict[int, int] = {}
    for unit_id, user_id in (RoleAssignment.objects
                             .filter(role=Role.UNIT_LEAD, unit__school_id=school_id)
                             .order_by("id").values_list("unit_id", "user_id")):
        leads.setdefault(unit_id, user_id)
    fallback = _school_fallback(school_id)
    result = {}
    for pid, klass_id, unit_id in persons:
        teacher_id, class_unit = classes.get(klass_id, (None, None))
        result[pid] = (teacher_id or leads.get(unit_id) or leads.get(class_unit)
                       or fallback)
    return result


def _school_fallback(school_id: int) -> int | None:
    holders = dict(RoleAssignment.objects.filter(
        role__in=[Role.OUTBREAK_REPORTER, Role.SCHOOL_ADMIN], school_id=school_id,
    ).order_by("-id").values_list("role", "user_id"))  # the first assigned wins
    return holders.get(Role.OUTBREAK_REPORTER) or holders.get(Role.SCHOOL_ADMIN)


def followup_list(*, user, status: str = FollowUpStatus.OPEN, mine: bool = False,
                  kind: str = "", overdue: bool = False, school_id: int | None = None,
                  perm: str = "followups.view") -> QuerySet[FollowUp]:
    qs = FollowUp.objects.restrict(user, perm).select_related(
        "person", "person__klass", "assignee", "school")
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assignee=user)
    if kind:
        qs = qs.filter(kind=kind)
    if school_id:
        qs = qs.filter(school_id=school_id)
    if overdue:
        qs = qs.filter(status=FollowUpStatus.OPEN, due_at__lt=timezone.now())
    return qs.order_by("status", "due_at", "id")


def my_followups(*, user, status: str = FollowUpStatus.OPEN) -> QuerySet[FollowUp]:
    """What the user must do: the follow-ups assigned to them that they may still see."""
    return followup_list(user=user, status=status, mine=True, perm="followups.complete")


def followup_counts(qs: QuerySet[FollowUp]) -> dict:
    """Open, done and overdue per kind, and in total, in one aggregate query."""
    now = timezone.now()
    rows = qs.order_by().values("kind").annotate(
        open=Count("id", filter=Q(status=FollowUpStatus.OPEN)),
        done=Count("id", filter=Q(status=FollowUpStatus.DONE)),
        overdue=Count("id", filter=Q(status=FollowUpStatus.OPEN, due_at__lt=now)),
    )
    by_kind = {r["kind"]: {k: r[k] for k in ("open", "done", "overdue")} for r in rows}
    total = {k: sum(v[k] for v in by_kind.values()) for k in ("open", "done", "overdue")}
    return {"by_kind": by_kind, "total": total}


def followup_get(*, user, pk: int, perm: str = "followups.view") -> FollowUp:
    """One follow-up in the user's scope for `perm`; 404 otherwise."""
    qs = FollowUp.objects.restrict(user, perm).select_related(
        "person", "person__klass", "person__unit", "school", "assignee", "done_by")
    return get_object_or_404(qs, pk=pk)


def assignee_candidates(*, followup: FollowUp) -> QuerySet[User]:
    """Who may take a follow-up over: the person's class teacher, the leads of their unit or
    class's unit, the school's outbreak reporters and school admins."""
    person = followup.person
    units = [u for u in (person.unit_id, getattr(person.klass, "unit_id", None)) if u]
    teacher_ids = SchoolClass.objects.filter(pk=person.klass_id, teacher__isnull=False) \
        .values("teacher_id")
    holders = RoleAssignment.objects.filter(
        Q(role=Role.UNIT_LEAD, unit_id__in=units)
        | Q(role__in=[Role.OUTBREAK_REPORTER, Role.SCHOOL_ADMIN], school_id=followup.school_id)
    ).values("user_id")
    return User.objects.filter(Q(pk__in=teacher_ids) | Q(pk__in=holders), is_active=True) \
        .order_by("display_name", "username")
