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
    return responsible_for_many(school_ids=[school_id], person_ids=person_ids)


CHUNK = 5000


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def responsible_for_many(*, school_ids: Iterable[int],
                         person_ids: Iterable[int]) -> dict[int, int | None]:
    """responsible_for across many schools at once (a trigger's fan-out): four queries, or
    a few more when there are many thousands of persons (read in chunks)."""
    school_ids, wanted = sorted(set(school_ids)), sorted(set(person_ids))
    persons = [row for chunk in _chunks(wanted) for row in Person.objects.filter(
        school_id__in=school_ids, id__in=chunk).values_list("id", "school_id", "klass_id",
                                                            "unit_id")]
    if not persons:  # every item named its assignee: nothing to look up
        return {}
    classes = {cid: (teacher_id, unit_id) for cid, teacher_id, unit_id in
               SchoolClass.objects.filter(id__in={p[2] for p in persons if p[2]})
               .values_list("id", "teacher_id", "unit_id")}
    units = {p[3] for p in persons if p[3]} | {u for _t, u in classes.values()}
    leads: dict[int, int] = {}
    for unit_id, user_id in (RoleAssignment.objects.filter(role=Role.UNIT_LEAD,
                                                           unit_id__in=units)
                             .order_by("-id").values_list("unit_id", "user_id")):
        leads[unit_id] = user_id  # the first assigned wins
    fallback = _school_fallbacks(school_ids)
    result = {}
    for pid, school_id, klass_id, unit_id in persons:
        teacher_id, class_unit = classes.get(klass_id, (None, None))
        result[pid] = (teacher_id or leads.get(unit_id) or leads.get(class_unit)
                       or fallback.get(school_id))
    return result


def _school_fallbacks(school_ids: list[int]) -> dict[int, int]:
    """Each school's first outbreak reporter, else its first school admin."""
    holders: dict[tuple[int, str], int] = {}
    for school_id, role, user_id in RoleAssignment.objects.filter(
        role__in=[Role.OUTBREAK_REPORTER, Role.SCHOOL_ADMIN], school_id__in=school_ids,
    ).order_by("-id").values_list("school_id", "role", "user_id"):
        holders[(school_id, role)] = user_id  # the first assigned wins
    return {sid: holders.get((sid, Role.OUTBREAK_REPORTER)) or holders[(sid, Role.SCHOOL_ADMIN)]
            for sid in school_ids
            if (sid, Role.OUTBREAK_REPORTER) in holders or (sid, Role.SCHOOL_ADMIN) in holders}


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
