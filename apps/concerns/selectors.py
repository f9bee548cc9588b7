"""Reads of concerns, always through the scope layer: a concern is seen by the person it is
about and their guardians (their own grant), by the class teacher and the admins above the
school (`concerns.view`), and by the person it is on (they answer it, whatever role they
hold). Who may raise one: `restriction` says whether a person is under a restriction."""

from datetime import timedelta

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.access.models import User
from apps.concerns.models import Concern, ConcernState
from apps.emergency.models import Mode, ModeScope, ModeState
from apps.orgs.models import School
from apps.people.models import Person
from apps.status.models import Category, PersonStatus

VIEW, RAISE, ASSIGN = "concerns.view", "concerns.raise", "concerns.assign"
# Statuses that are no restriction: everything else (quarantine, isolation, monitoring, key
# population, a regimen not completed) is one.
UNRESTRICTED = (Category.NORMAL, Category.CLEARED)
# An answered concern may be reopened by its requester for this long.
REOPEN_DAYS = 7


def restriction(person: Person) -> str:
    """What restricts the person: their status category (not normal or cleared), else
    "closed_loop" when their school, grade or class is in closed-loop mode (not a drill);
    "" for none."""
    status = (PersonStatus.objects.filter(school_id=person.school_id, person_id=person.pk)
              .values_list("category", flat=True).first())
    if status and status not in UNRESTRICTED:
        return status
    units = {str(u) for u in (person.unit_id, person.klass.unit_id if person.klass_id else None)
             if u}
    closed = ModeState.objects.filter(school_id=person.school_id, mode=Mode.CLOSED_LOOP,
                                      drill=False).filter(
        Q(scope=ModeScope.SCHOOL)
        | Q(scope=ModeScope.UNIT, scope_key__in=units)
        | Q(scope=ModeScope.KLASS, scope_key=str(person.klass_id or "")))
    return "closed_loop" if closed.exists() else ""


def persons_to_raise_for(*, user) -> QuerySet[Person]:
    """The user's own record and their children: the people they may raise a concern for."""
    return (Person.objects.restrict(user, RAISE).filter(active=True)
            .select_related("school", "klass").order_by("name", "pk"))


def _concerns(user) -> QuerySet[Concern]:
    """In the user's scope, or on the user (the named person answers)."""
    return Concern.objects.filter(
        Q(pk__in=Concern.objects.restrict(user, VIEW).values("pk"))
        | Q(assignee_id=user.pk, assignee__is_active=True)
    ).select_related("school", "person", "assignee", "raised_by")


def _late_first(qs: QuerySet[Concern], now) -> QuerySet[Concern]:
    return qs.annotate(rank=Case(
        When(state=ConcernState.OPEN, due_at__lt=now, then=Value(0)),
        When(state=ConcernState.OPEN, then=Value(1)), default=Value(2),
        output_field=IntegerField())).order_by("rank", "due_at", "id")


def concern_list(*, user, state: str = "", late: bool = False, mine: bool = False,
                 now=None) -> QuerySet[Concern]:
    """The concerns the user sees, late ones first, then open by deadline, then answered."""
    now = now or timezone.now()
    qs = _concerns(user)
    if mine:
        qs = qs.filter(Q(assignee_id=user.pk)
                       | Q(pk__in=Concern.objects.restrict(user, RAISE).values("pk")))
    if state:
        qs = qs.filter(state=state)
    if late:
        qs = qs.filter(state=ConcernState.OPEN, due_at__lt=now)
    return _late_first(qs, now)


def concern_get(*, user, pk: int) -> Concern:
    return get_object_or_404(_concerns(user), pk=pk)


def may_assign(user, school_id: int) -> bool:
    return School.objects.restrict(user, ASSIGN).filter(pk=school_id).exists()


def may_answer(user, concern: Concern) -> bool:
    return concern.assignee_id == user.pk or may_assign(user, concern.school_id)


def is_requester(user, concern: Concern) -> bool:
    """The person or their guardian (whoever raised it)."""
    return Concern.objects.restrict(user, RAISE).filter(pk=concern.pk).exists()


def may_reopen(user, concern: Concern, now=None) -> bool:
    now = now or timezone.now()
    return (concern.state == ConcernState.ANSWERED and concern.answered_at is not None
            and concern.answered_at >= now - timedelta(days=REOPEN_DAYS)
            and is_requester(user, concern))


def assignee_candidates(*, school_id: int) -> QuerySet[User]:
    """Named people of the school with an account: its staff and role holders (as for a
    rectification), and its class teachers."""
    from apps.supervision.selectors import assignee_candidates as staff

    return (User.objects.filter(Q(pk__in=staff(school_id=school_id).values("pk"))
                                | Q(taught_classes__school_id=school_id), is_active=True)
            .distinct().order_by("display_name", "username"))


def default_assignee(person: Person) -> int | None:
    """The class teacher for a student of a class, else the school's first admin."""
    from apps.access.models import RoleAssignment
    from apps.access.roles import Role

    if person.klass_id and person.klass.teacher_id and person.klass.teacher.is_active:
        return person.klass.teacher_id
    return (RoleAssignment.objects.filter(role=Role.SCHOOL_ADMIN, school_id=person.school_id)
            .order_by("id").values_list("user_id", flat=True).first())


def events(concern: Concern):
    return concern.events.filter(school_id=concern.school_id).select_related("actor")
