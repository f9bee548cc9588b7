"""Writes of concerns: a person under a restriction, or their guardian, raises a concern
(idempotent by client id), due the school's `concern_response_hours` later, on the class
teacher (a student of a class) or the school's first admin; the school's admin names someone
else; the person it is on, or an admin, answers it, and the requester reads the answer and may
reopen it for REOPEN_DAYS. A periodic task escalates late ones: to the school's admins at the
deadline, to the county bureau when late by as long again. Every step is a history row, and
whoever must act hears of it in their inbox.

Each raises ValidationFailed naming the field and reason; nothing is written then."""

from datetime import timedelta

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.concerns import selectors
from apps.concerns.models import (
    Concern,
    ConcernCategory,
    ConcernEvent,
    ConcernState,
    Escalation,
    EventKind,
)
from apps.concerns.selectors import ASSIGN, RAISE
from apps.core.errors import refuse as _fail
from apps.people.validation import text_checked as _text

TEXT_LIMIT = 1000
DEFAULT_RESPONSE_HOURS = 48  # should a pack not give concern_response_hours
NOT_RESTRICTED = gettext_lazy(
    "A concern is raised for someone under a restriction (quarantine, isolation, health "
    "monitoring, or a closed-loop school): this person is under none.")


def response_hours(school_id: int) -> int:
    """The school's effective concern_response_hours (the pack's, or tightened)."""
    from apps.policy.selectors import effective_policies_for_schools

    policy = effective_policies_for_schools([school_id])[school_id]
    return int(policy.params.get("concern_response_hours", DEFAULT_RESPONSE_HOURS))


def _deadlines(concern: Concern, now) -> None:
    hours = timedelta(hours=response_hours(concern.school_id))
    concern.due_at, concern.bureau_due_at = now + hours, now + 2 * hours


def _event(concern: Concern, kind: str, actor=None, note: str = "", at=None) -> ConcernEvent:
    return ConcernEvent.objects.create(school_id=concern.school_id, person_id=concern.person_id,
                                       concern=concern, kind=kind, actor=actor, note=note,
                                       at=at or timezone.now())


@transaction.atomic
def concern_raise(*, actor, person_id: int, category: str, text: str,
                  client_id: str = "") -> Concern:
    """Raise a concern for oneself or one's child under a restriction. The same client id
    again returns the concern it made."""
    text = _text("text", text, TEXT_LIMIT, needed=True)
    client_id = _text("client_id", client_id, 64, needed=False)
    if category not in ConcernCategory.values:
        _fail("category", "bad_choice", _("Choose food, medicine, study, family or other."))
    person = (selectors.persons_to_raise_for(user=actor).filter(pk=person_id)
              .select_related("klass__teacher").first())
    if person is None:
        _fail("person_id", "not_found", _("Nobody you may raise a concern for has this id."))
    if client_id:
        done = Concern.objects.filter(school_id=person.school_id, raised_by=actor,
                                      client_id=client_id).first()
        if done is not None:
            return done
    if not selectors.restriction(person):
        _fail("person_id", "not_restricted", NOT_RESTRICTED)
    now = timezone.now()
    concern = Concern(school_id=person.school_id, person=person, raised_by=actor,
                      client_id=client_id, category=category, text=text, raised_at=now,
                      assignee_id=selectors.default_assignee(person))
    _deadlines(concern, now)
    concern.save()
    _event(concern, EventKind.RAISED, actor, at=now)
    if concern.assignee_id:
        _tell([concern.assignee_id], concern, _subject_new(concern), "new")
    return concern


def _subject_new(concern: Concern):
    return format_lazy(gettext_lazy("A concern to answer by {time}: {name}"),
                       time=timezone.localtime(concern.due_at).strftime("%m-%d %H:%M"),
                       name=concern.person.name)


def _locked(actor, concern_id: int, perm: str) -> Concern:
    return get_object_or_404(Concern.objects.restrict(actor, perm)
                             .select_for_update(of=("self",)), pk=concern_id)


@transaction.atomic
def concern_assign(*, actor, concern_id: int, assignee_id: int) -> Concern:
    """The school's admin names who answers (someone of the school with an account)."""
    concern = _locked(actor, concern_id, ASSIGN)
    if concern.state != ConcernState.OPEN:
        _fail("concern_id", "not_open", _("This concern is answered already."))
    if not selectors.assignee_candidates(school_id=concern.school_id).filter(
            pk=assignee_id).exists():
        _fail("assignee_id", "not_found", _("Nobody of this school with an account has this id."))
    concern.assignee_id = assignee_id
    concern.save(update_fields=["assignee"])
    _event(concern, EventKind.ASSIGNED, actor)
    _tell([assignee_id], concern, _subject_new(concern), f"assigned-{assignee_id}")
    return concern


@transaction.atomic
def concern_answer(*, actor, concern_id: int, answer: str) -> Concern:
    """The person it is on (or the school's admin) answers; the requester reads it."""
    answer = _text("answer", answer, TEXT_LIMIT, needed=True)
    concern = get_object_or_404(Concern.objects.select_for_update(of=("self",)), pk=concern_id)
    if not selectors.may_answer(actor, concern):
        raise Http404
    if concern.state != ConcernState.OPEN:
        _fail("concern_id", "not_open", _("This concern is answered already."))
    concern.state, concern.answer = ConcernState.ANSWERED, answer
    concern.answered_at, concern.answered_by = timezone.now(), actor
    concern.save(update_fields=["state", "answer", "answered_at", "answered_by"])
    _event(concern, EventKind.ANSWERED, actor, note=answer)
    if concern.raised_by_id:
        _tell([concern.raised_by_id], concern, gettext_lazy("Your concern was answered"),
              "answered")
    return concern


@transaction.atomic
def concern_reopen(*, actor, concern_id: int, reason: str) -> Concern:
    """The requester is not helped: the concern is open again, with a new deadline, on the
    same person, for REOPEN_DAYS after its answer."""
    reason = _text("reason", reason, 200, needed=True)
    concern = _locked(actor, concern_id, RAISE)
    if not selectors.may_reopen(actor, concern):
        _fail("concern_id", "not_reopenable", _(
            "Only an answered concern is reopened, within %(days)s days of its answer.")
            % {"days": selectors.REOPEN_DAYS})
    now = timezone.now()
    concern.state, concern.reopened = ConcernState.OPEN, concern.reopened + 1
    concern.escalation, concern.escalated_at = Escalation.NONE, None
    _deadlines(concern, now)
    concern.save(update_fields=["state", "reopened", "escalation", "escalated_at", "due_at",
                                "bureau_due_at"])
    _event(concern, EventKind.REOPENED, actor, note=reason, at=now)
    if concern.assignee_id:
        _tell([concern.assignee_id], concern, _subject_new(concern), "reopened")
    return concern


def concerns_escalate(*, now=None) -> dict:
    """Escalate every open concern past its deadline: to the school's admins (level 1), and
    past the bureau's deadline to the county bureau (level 2). Each step once: the rows are
    claimed locked (a second worker skips them) and updated only where still below the level."""
    now = now or timezone.now()
    return {"school": _escalate(Escalation.SCHOOL, "due_at", now),
            "bureau": _escalate(Escalation.BUREAU, "bureau_due_at", now)}


def _escalate(level: int, deadline: str, now) -> int:
    with transaction.atomic():
        claimed = list(Concern.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            state=ConcernState.OPEN, escalation__lt=level, **{f"{deadline}__lt": now},
        ).select_related("person", "school").order_by("id")[:5000])
        if not claimed:
            return 0
        Concern.objects.filter(pk__in=[c.pk for c in claimed], escalation__lt=level).update(
            escalation=level, escalated_at=now)
        ConcernEvent.objects.bulk_create([
            ConcernEvent(school_id=c.school_id, person_id=c.person_id, concern=c,
                         kind=EventKind.ESCALATED, at=now,
                         note="bureau" if level == Escalation.BUREAU else "school")
            for c in claimed])
        for concern in claimed:
            _tell_escalation(concern, level)
    return len(claimed)


def _tell_escalation(concern: Concern, level: int) -> None:
    from apps.access.models import RoleAssignment
    from apps.access.roles import Role

    admins = set(RoleAssignment.objects.filter(role=Role.SCHOOL_ADMIN, school_id=concern.school_id)
                 .values_list("user_id", flat=True))
    if level == Escalation.BUREAU:
        admins |= set(RoleAssignment.objects.filter(role=Role.BUREAU_ADMIN,
                                                    bureau_id=concern.school.bureau_id)
                      .values_list("user_id", flat=True))
    if concern.assignee_id:
        admins.add(concern.assignee_id)
    _tell(sorted(admins), concern, format_lazy(
        gettext_lazy("A concern is late: {name}, {school}"), name=concern.person.name,
        school=concern.school.name), f"escalated-{level}", severity="warning")


def _tell(recipients, concern: Concern, subject, step: str, severity: str = "info") -> None:
    from apps.notifications.services import notification_send

    notification_send(recipient_ids=recipients, kind="concerns", link=f"/concerns/{concern.pk}/",
                      subject=subject, school_id=concern.school_id, severity=severity,
                      dedupe_key=f"concern-{concern.pk}-{step}-{concern.reopened}")
