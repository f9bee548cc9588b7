"""Writes of approvals: a person asks (approval_request), the level the request waits for
decides with a reason (approval_decide), the person withdraws it while it waits
(approval_withdraw), and the worker reminds the approvers of requests past their deadline
(approvals_remind_overdue).

The school's effective policy (pack, bureau and school tightening) sets the limits: an
offline meeting over `offline_meeting_max_participants` is refused with the limit named, and
while `offline_meetings_need_approval` is on one must say why it cannot be online (a meeting
is approved at once, on the policy's word, while it is off; so is a trip while
`cross_province_travel_needs_approval` is off). A staff member whose status says "no dinners
or gatherings" (back from another city) is refused a gathering or meeting before that day.

A trip request changes the person's planned trips, so their status is recomputed at once.
Each raises ValidationFailed naming the field and reason; nothing is written then."""

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.approvals import chain
from apps.approvals.models import ApprovalRequest, Approver, Kind, State
from apps.approvals.selectors import REQUEST, VIEW, decides
from apps.core.errors import FieldError, ValidationFailed
from apps.people.models import Person
from apps.people.validation import check_text, required

TEXT_LIMIT = 200
DECISION_HOURS = 48  # the deadline of a decision, unless the request starts sooner
LEAST_HOURS = 2  # ... but never less than this
MAX_DAYS = 366  # how far ahead or how long a request may be
GATHERING_KINDS = (Kind.MEETING, Kind.GATHERING)


def _fail(field: str, reason: str, message) -> None:
    raise ValidationFailed([FieldError(field, reason, str(message))])


def _text(field: str, value, limit: int = TEXT_LIMIT, *, needed: bool) -> str:
    value = str(value or "").strip()
    errors = check_text(field, value, limit, needed=needed)
    if errors:
        raise ValidationFailed(errors)
    return value


def policy_params(school_id: int) -> dict:
    """The school's effective policy parameters (layer plus bureau and school tightening)."""
    from apps.policy.selectors import effective_policy_for_school

    return effective_policy_for_school(school_id).policy.params


@transaction.atomic
def approval_request(*, actor, kind: str, title: str, starts_on: date, ends_on: date,
                     client_id: str = "", destination: str = "", participants: int | None = None,
                     venue: str = "", online_considered: bool = False, why_offline: str = "",
                     visitor_name: str = "", visitor_org: str = "") -> ApprovalRequest:
    """The actor asks for themselves (their own person record). A replay of the same
    client_id by the same person returns the request it made."""
    person = _requester(actor)
    client_id = _text("client_id", client_id, 64, needed=False)
    if client_id:
        done = ApprovalRequest.objects.filter(school_id=person.school_id, client_id=client_id,
                                              person=person).first()
        if done is not None:
            return done
    if kind not in Kind.values:
        _fail("kind", "bad_choice", _("Choose one of the offered values."))
    request = ApprovalRequest(
        school_id=person.school_id, person=person, requested_by=actor, kind=kind,
        title=_text("title", title, needed=True), client_id=client_id,
        venue=_text("venue", venue, needed=kind == Kind.MEETING),
        why_offline=_text("why_offline", why_offline, needed=False),
        visitor_name=_text("visitor_name", visitor_name, 100, needed=kind == Kind.VISITOR),
        visitor_org=_text("visitor_org", visitor_org, 100, needed=False),
        online_considered=bool(online_considered), participants=participants)
    _dates(request, starts_on, ends_on)
    params = policy_params(person.school_id)
    request.approver = _approver(request, person, params)
    _check_kind(request, person, params, destination)
    needed = _needs_approval(request, params)
    _save(request, actor, needed)
    _after_change(request)
    return request


def _requester(actor) -> Person:
    person = (Person.objects.restrict(actor, REQUEST).filter(user=actor, active=True)
              .select_related("school").first())
    if person is None:
        _fail("person", "not_found", _("Only a student or staff member with a record at a "
                                       "school asks for an approval."))
    return person


def _dates(request: ApprovalRequest, starts_on, ends_on) -> None:
    today = timezone.localdate()
    errors = []
    for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(value, date):
            errors.append(required(field) if value in (None, "") else FieldError(
                field, "bad_date", _("Write the date as 2022-03-16.")))
    if errors:
        raise ValidationFailed(errors)
    if starts_on < today:
        _fail("starts_on", "in_past", _("The request is for a day already past."))
    if ends_on < starts_on:
        _fail("ends_on", "before_start", _("The last day is before the first."))
    if (ends_on - today).days > MAX_DAYS:
        _fail("ends_on", "too_far", _("A request covers at most a year from today."))
    request.starts_on, request.ends_on = starts_on, ends_on


def _approver(request: ApprovalRequest, person: Person, params: dict) -> str:
    level = chain.approver_for(request.kind, person.kind, trips_need_bureau=bool(
        params.get("cross_province_travel_needs_approval")))
    if level is None:
        _fail("kind", "not_for_you", _("%(kind)s is not asked for by a %(who)s.") % {
            "kind": request.get_kind_display(), "who": person.get_kind_display()})
    if level == Approver.CLASS_TEACHER and not person.klass_id:
        level = Approver.SCHOOL  # a student in no class: the school decides
    return level


def _check_kind(request: ApprovalRequest, person: Person, params: dict, destination) -> None:
    if request.kind == Kind.TRIP:
        request.destination = _destination(person, destination)
    if request.kind == Kind.MEETING:
        _check_meeting(request, params)
    elif request.kind == Kind.GATHERING and not request.participants:
        _fail("participants", "required", _("This field is required."))
    if request.kind in GATHERING_KINDS:
        _check_no_gathering(request, person)
    if request.kind == Kind.LEAVE:
        from apps.emergency.selectors import school_mode

        if school_mode(school_id=person.school_id) != "closed_loop":
            _fail("kind", "not_closed_loop", _(
                "Your school is not in closed-loop management: leaving campus needs no "
                "approval."))


def _destination(person: Person, text):
    from apps.regions.selectors import region_resolve

    if not str(text or "").strip():
        _fail("destination", "required", _("This field is required."))
    region = region_resolve(str(text), field="destination")
    if region.code[:2] == person.school.region_id[:2]:
        _fail("destination", "same_province", _(
            "%(place)s is in the school's province: only a cross-province trip is asked "
            "for.") % {"place": region.full_name})
    return region


def _check_meeting(request: ApprovalRequest, params: dict) -> None:
    """The pack's limit on participants; while approval is needed, why not online."""
    if not request.participants:
        _fail("participants", "required", _("This field is required."))
    limit = params.get("offline_meeting_max_participants")
    if limit is not None and request.participants > limit:
        _fail("participants", "over_limit", _(
            "An offline meeting may have at most %(limit)s participants (%(count)s asked "
            "for): make it smaller or hold it online.") % {
            "limit": limit, "count": request.participants})
    if params.get("offline_meetings_need_approval"):
        if not request.online_considered:
            _fail("online_considered", "required", _(
                "Online whenever possible: say that holding it online was considered."))
        if not request.why_offline:
            _fail("why_offline", "required", _("Say why it cannot be held online."))


def _check_no_gathering(request: ApprovalRequest, person: Person) -> None:
    """The person's status says no dinners or gatherings until a day (staff back from
    another city): a gathering before that day is refused, naming it."""
    from apps.status.models import PersonStatus

    row = PersonStatus.objects.filter(school_id=person.school_id, person=person).first()
    for action in (row.actions or []) if row else []:
        until = action.get("until")
        if action.get("kind") == "no_gathering" and until and \
                date.fromisoformat(until) >= request.starts_on:
            _fail("starts_on", "no_gathering", _(
                "Back from another city: no dinners or gatherings until %(until)s, so you "
                "cannot hold or join one on %(day)s.") % {
                "until": until, "day": request.starts_on.isoformat()})


def _needs_approval(request: ApprovalRequest, params: dict) -> bool:
    if request.kind == Kind.MEETING:
        return bool(params.get("offline_meetings_need_approval"))
    if request.kind == Kind.TRIP:
        return bool(params.get("cross_province_travel_needs_approval"))
    return True


def _due(now: datetime, starts_on: date) -> datetime:
    start = timezone.make_aware(datetime.combine(starts_on, time.min))
    return max(min(now + timedelta(hours=DECISION_HOURS), start),
               now + timedelta(hours=LEAST_HOURS))


def _save(request: ApprovalRequest, actor, needed: bool) -> None:
    now = timezone.now()
    request.created_at, request.due_at = now, _due(now, request.starts_on)
    if not needed:
        request.state, request.decided_at = State.APPROVED, now
        request.decision_reason = _("No approval is needed under the school's policy.")
    request._history_user = actor
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:  # the same client_id raced this one
        _fail("client_id", "duplicate", _("This request was sent already."))


def _after_change(request: ApprovalRequest) -> None:
    """Tell those concerned; a trip's planned trips changed, so its person's status too."""
    if request.state == State.PENDING:
        _tell(request, approver_user_ids(request), "approvals.request",
              gettext_lazy("{name} asks for approval: {kind}"))
    else:
        _tell(request, _requester_ids(request), "approvals.decided",
              gettext_lazy("{kind} of {name}: {state}"))
    _recompute_if_trip(request)


def _recompute_if_trip(request: ApprovalRequest) -> None:
    """A trip request is a planned trip of the engine: its person's status follows it."""
    if request.kind == Kind.TRIP:
        from apps.status.services import CAUSE_DECISION, status_recompute_persons

        status_recompute_persons(school_id=request.school_id, person_ids=[request.person_id],
                                 reason=CAUSE_DECISION)


def approver_user_ids(request: ApprovalRequest) -> list[int]:
    """Who decides: the class's teacher, the school's admins, or the county bureau's."""
    from apps.access.models import RoleAssignment
    from apps.orgs.models import School, SchoolClass

    if request.approver == Approver.CLASS_TEACHER:
        return [uid for uid in SchoolClass.objects.filter(pk=request.person.klass_id)
                .values_list("teacher_id", flat=True) if uid]
    if request.approver == Approver.SCHOOL:
        return list(RoleAssignment.objects.filter(role="school_admin", school_id=request.school_id)
                    .values_list("user_id", flat=True))
    bureau = School.objects.filter(pk=request.school_id).values_list("bureau_id", flat=True)
    return list(RoleAssignment.objects.filter(role="bureau_admin", bureau_id__in=bureau)
                .values_list("user_id", flat=True))


def _requester_ids(request: ApprovalRequest) -> list[int]:
    return [uid for uid in {request.requested_by_id, request.person.user_id} if uid]


def _tell(request: ApprovalRequest, recipients, kind: str, subject, *, severity="info",
          dedupe: str = "") -> int:
    from apps.notifications.services import notification_send

    return notification_send(
        recipient_ids=recipients, kind=kind, link=f"/approvals/{request.pk}/",
        school_id=request.school_id, severity=severity,
        subject=format_lazy(subject, name=request.person.name, kind=request.get_kind_display(),
                            state=request.get_state_display()),
        body=request.decision_reason or request.title,
        dedupe_key=dedupe or f"approval-{request.pk}-{request.state}")


@transaction.atomic
def approval_decide(*, actor, approval_id: int, approve: bool, reason: str = ""
                    ) -> ApprovalRequest:
    """The level the request waits for approves it or refuses it (a refusal says why).
    The same decision again changes nothing."""
    reason = _text("reason", reason, needed=not approve)
    request = get_object_or_404(ApprovalRequest.objects.restrict(actor, VIEW)
                                .select_for_update(of=("self",)).select_related("person"),
                                pk=approval_id)
    if not decides(user=actor, request=request):
        _fail("approval_id", "not_approver", _(
            "This request waits for the decision of: %(level)s.") % {
            "level": request.get_approver_display()})
    wanted = State.APPROVED if approve else State.REFUSED
    if request.state == wanted and request.decided_by_id == actor.pk:
        return request
    if request.state != State.PENDING:
        _fail("approval_id", "decided", _("This request was %(state)s already.") % {
            "state": request.get_state_display()})
    request.state, request.decision_reason = wanted, reason
    request.decided_by, request.decided_at = actor, timezone.now()
    request._history_user = actor
    request.save()
    _after_change(request)
    return request


@transaction.atomic
def approval_withdraw(*, actor, approval_id: int, reason: str = "") -> ApprovalRequest:
    """The person withdraws their request while it waits (or an approved one not begun)."""
    reason = _text("reason", reason, needed=False)
    request = get_object_or_404(ApprovalRequest.objects.restrict(actor, REQUEST)
                                .select_for_update(of=("self",)).select_related("person"),
                                pk=approval_id)
    if request.state == State.WITHDRAWN:
        return request
    if request.state not in (State.PENDING, State.APPROVED):
        _fail("approval_id", "decided", _("This request was %(state)s already.") % {
            "state": request.get_state_display()})
    waiting = request.state == State.PENDING
    request.state, request.decision_reason = State.WITHDRAWN, reason
    request.decided_by, request.decided_at = actor, timezone.now()
    request._history_user = actor
    request.save()
    if waiting:
        _tell(request, approver_user_ids(request), "approvals.withdrawn",
              gettext_lazy("{name} withdrew a request: {kind}"))
    _recompute_if_trip(request)
    return request


def approvals_remind_overdue(*, now: datetime | None = None) -> int:
    """Remind the approvers of each request still pending after its deadline, once: the
    conditional UPDATE claims them, so a second worker (or a rerun) finds nothing left."""
    now = now or timezone.now()
    with transaction.atomic():
        late = list(ApprovalRequest.objects.filter(
            state=State.PENDING, reminded_at__isnull=True, due_at__lt=now,
        ).values_list("pk", flat=True)[:5000])
        if not late:
            return 0
        claimed = ApprovalRequest.objects.filter(pk__in=late, reminded_at__isnull=True).update(
            reminded_at=now)
        for request in ApprovalRequest.objects.filter(pk__in=late).select_related("person"):
            _tell(request, approver_user_ids(request), "approvals.remind",
                  gettext_lazy("Overdue: {name} waits for your decision ({kind})"),
                  severity="warning", dedupe=f"approval-{request.pk}-remind")
    return claimed

