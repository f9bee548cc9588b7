"""Reads of approvals, always through ApprovalRequest.objects.restrict: a person and their
guardians see their own requests, those who look after people the requests of their scope;
each approver level decides through its own permission (apps.approvals.permissions)."""

from collections import defaultdict

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.approvals.models import ApprovalRequest, Approver, Kind, State
from apps.policy.engine import facts as engine

VIEW, REQUEST = "approvals.view", "approvals.request"
DECIDE = {Approver.CLASS_TEACHER: "approvals.decide_class",
          Approver.SCHOOL: "approvals.decide_school",
          Approver.BUREAU: "approvals.decide_bureau"}
# The requests the engine reads as planned trips (a refused or withdrawn one is no plan).
PLANNING = (State.PENDING, State.APPROVED)


def _related(qs: QuerySet) -> QuerySet:
    return qs.select_related("person", "school", "destination", "requested_by", "decided_by")


def request_list(*, user, state: str = "", kind: str = "") -> QuerySet[ApprovalRequest]:
    """Every request the user sees (their own, their scope's)."""
    qs = _related(ApprovalRequest.objects.restrict(user, VIEW))
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def my_requests(*, user) -> QuerySet[ApprovalRequest]:
    """The requests the user asked for themselves."""
    return request_list(user=user).filter(Q(requested_by=user) | Q(person__user=user))


def to_decide(*, user, state: str = State.PENDING) -> QuerySet[ApprovalRequest]:
    """The requests the user decides: those waiting for a level the user holds, in scope."""
    found = ApprovalRequest.objects.none()
    for level, perm in DECIDE.items():
        found = found | ApprovalRequest.objects.restrict(user, perm).filter(approver=level)
    found = _related(found)
    return found.filter(state=state).order_by("due_at", "id") if state else found


def request_get(*, user, pk: int) -> ApprovalRequest:
    return get_object_or_404(request_list(user=user), pk=pk)


def decides(*, user, request: ApprovalRequest) -> bool:
    """Whether the user decides this request (its level, in the user's scope)."""
    return ApprovalRequest.objects.restrict(user, DECIDE[request.approver]).filter(
        pk=request.pk, approver=request.approver).exists()


def history(request: ApprovalRequest):
    return request.history.select_related("history_user").order_by("history_date", "history_id")


def planned_trips(school_ids, person_ids, today) -> dict[int, list[engine.TripLeg]]:
    """The pending and approved cross-province trips not yet begun of a batch of persons, as
    the engine's planned trips (apps.status.facts): one query per batch."""
    found = defaultdict(list)
    rows = (ApprovalRequest.objects
            .filter(school_id__in=list(school_ids), person_id__in=list(person_ids),
                    kind=Kind.TRIP, state__in=PLANNING, starts_on__gte=today)
            .order_by("person_id", "starts_on", "id")
            .values_list("person_id", "school__region_id", "destination_id", "starts_on",
                         "ends_on", "state"))
    for person_id, school_region, destination, starts_on, ends_on, state in rows:
        found[person_id].append(engine.TripLeg(
            from_region=school_region or "", to_region=destination or "", depart=starts_on,
            arrive=ends_on, approved=state == State.APPROVED))
    return found
