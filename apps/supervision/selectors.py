"""Reads of supervision, always through the scope layer: an inspection, its items, findings
and photos are seen by the admins above its school (`supervision.view`); a rectification is
seen too by the person it is on (they answer it, whatever role they hold)."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.access.models import RoleAssignment, User
from apps.access.roles import Role
from apps.orgs.models import School
from apps.people.models import Person, PersonKind
from apps.supervision import checklist
from apps.supervision.models import (
    Inspection,
    InspectionItem,
    InspectionState,
    ItemResult,
    Photo,
    Rectification,
    RectificationState,
)

VIEW, INSPECT, RECTIFY = "supervision.view", "supervision.inspect", "supervision.rectify"
NOT_DONE = (RectificationState.OPEN, RectificationState.ANSWERED)
# Overdue: still waiting for the school's answer after its deadline (an answer waiting for
# the inspector is not the school's delay).
OVERDUE = RectificationState.OPEN


def inspection_list(*, user, state: str = "", school_id: int | None = None,
                    perm: str = VIEW) -> QuerySet[Inspection]:
    qs = Inspection.objects.restrict(user, perm).select_related("school", "inspector")
    if state:
        qs = qs.filter(state=state)
    if school_id:
        qs = qs.filter(school_id=school_id)
    return qs.annotate(
        failed=Count("items", filter=Q(items__result=ItemResult.FAIL), distinct=True),
    ).order_by("-planned_on", "-id")


def inspection_get(*, user, pk: int, perm: str = VIEW) -> Inspection:
    return get_object_or_404(Inspection.objects.restrict(user, perm)
                             .select_related("school", "inspector"), pk=pk)


def inspection_items(*, inspection: Inspection) -> list[InspectionItem]:
    return list(InspectionItem.objects.filter(school_id=inspection.school_id,
                                              inspection=inspection)
                .prefetch_related("photos").select_related("rectification"))


def schools_to_inspect(*, user) -> QuerySet[School]:
    return School.objects.restrict(user, INSPECT).filter(active=True).order_by("name")


def checklists() -> list[checklist.Checklist]:
    return list(checklist.available().values())


def _rectifications(user, perm: str) -> QuerySet[Rectification]:
    """In the user's scope for `perm`, or on the user (the named person answers)."""
    return Rectification.objects.filter(
        Q(pk__in=Rectification.objects.restrict(user, perm).values("pk"))
        | Q(assignee_id=user.pk, assignee__is_active=True)
    ).select_related("school", "item", "assignee", "inspection")


def rectification_list(*, user, state: str = "", mine: bool = False, overdue: bool = False,
                       inspection: Inspection | None = None) -> QuerySet[Rectification]:
    qs = _rectifications(user, VIEW)
    if inspection is not None:
        qs = qs.filter(school_id=inspection.school_id, inspection=inspection)
    if mine:
        qs = qs.filter(assignee_id=user.pk)
    if state:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(state=OVERDUE, due_on__lt=timezone.localdate())
    return qs.order_by("due_on", "id")


def rectification_get(*, user, pk: int) -> Rectification:
    return get_object_or_404(_rectifications(user, VIEW), pk=pk)


def may(user, perm: str, school_id: int) -> bool:
    return School.objects.restrict(user, perm).filter(pk=school_id).exists()


def may_answer(user, rectification: Rectification) -> bool:
    return rectification.assignee_id == user.pk or may(user, RECTIFY, rectification.school_id)


def assignee_candidates(*, school_id: int) -> QuerySet[User]:
    """Named people at the school with an account: its active staff, and those holding a
    role there (admins, outbreak reporters, …)."""
    staff = Person.objects.filter(school_id=school_id, kind=PersonKind.STAFF, active=True,
                                  user__isnull=False).values("user_id")
    holders = RoleAssignment.objects.filter(
        school_id=school_id, role__in=[Role.SCHOOL_ADMIN, Role.OUTBREAK_REPORTER]
    ).values("user_id")
    return (User.objects.filter(Q(pk__in=staff) | Q(pk__in=holders), is_active=True)
            .order_by("display_name", "username"))


def photo_get(*, user, pk: int) -> Photo:
    """A photo the user may see: of an inspection in their scope, or of a rectification on
    them (its evidence, and the inspector's photos of its item)."""
    photo = Photo.objects.filter(pk=pk).first()
    if photo is None:
        raise Http404
    if Photo.objects.restrict(user, VIEW).filter(pk=pk).exists():
        return photo
    mine = Rectification.objects.filter(school_id=photo.school_id, assignee_id=user.pk,
                                        assignee__is_active=True)
    if (photo.rectification_id and mine.filter(pk=photo.rectification_id).exists()) or (
            photo.item_id and mine.filter(item_id=photo.item_id).exists()):
        return photo
    raise Http404


def overview(*, user) -> dict:
    """A bureau's view of its schools: how many, how many inspected, open findings, overdue
    rectifications, and the failed items counted by checklist item (for the chart)."""
    schools = School.objects.restrict(user, VIEW).filter(active=True)
    done = Inspection.objects.restrict(user, VIEW).filter(state=InspectionState.DONE)
    rects = Rectification.objects.restrict(user, VIEW)
    today = timezone.localdate()
    counts = rects.aggregate(
        open=Count("id", filter=Q(state__in=NOT_DONE)),
        overdue=Count("id", filter=Q(state=OVERDUE, due_on__lt=today)),
        verified=Count("id", filter=Q(state=RectificationState.VERIFIED)))
    by_item = (InspectionItem.objects.restrict(user, VIEW)
               .filter(inspection__state=InspectionState.DONE, result=ItemResult.FAIL)
               .order_by().values("code").annotate(n=Count("id")))
    failed = {r["code"]: r["n"] for r in by_item}
    return {
        "schools": schools.count(),
        "inspected": done.order_by().values("school_id").distinct().count(),
        "inspections": done.count(),
        "planned": Inspection.objects.restrict(user, VIEW)
        .filter(state=InspectionState.PLANNED).count(),
        **counts,
        "failed_by_item": failed,
    }


def findings_rows(*, inspection: Inspection, language: str) -> list[list]:
    """The inspection's items as printed and exported: item, result, note, and the
    rectification's person, deadline and state."""
    rows = []
    for n, item in enumerate(inspection_items(inspection=inspection), start=1):
        rect = getattr(item, "rectification", None)
        rows.append([
            n, item.title_en if language == "en" else item.title_zh,
            item.get_result_display() if item.result else "—", item.note,
            str(rect.assignee) if rect and rect.assignee_id else "",
            rect.due_on if rect else None,
            rect.get_state_display() if rect else "",
            rect.answer if rect else "",
        ])
    return rows
