"""Writes of supervision: a bureau plans an inspection of one of its schools against a
checklist, records each item (pass, fail with a note, not applicable; photos), and completes
it, which makes a rectification of each failed item, due the item's days later, on the
school's admin until they name someone; the school (its admin or the person named) answers
with evidence, the inspector verifies or reopens with a reason. Everyone concerned hears of
each step in their inbox.

Each raises ValidationFailed naming the field and reason; nothing is written then."""

from datetime import date, timedelta

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import ValidationFailed
from apps.core.errors import refuse as _fail
from apps.people.validation import text_checked as _text
from apps.supervision import checklist as checklists
from apps.supervision import photos as photo_files
from apps.supervision.models import (
    Inspection,
    InspectionItem,
    InspectionState,
    ItemResult,
    Photo,
    Rectification,
    RectificationState,
)
from apps.supervision.selectors import (
    INSPECT,
    RECTIFY,
    VIEW,
    assignee_candidates,
    may,
    may_answer,
    schools_to_inspect,
)

NOT_INSPECTOR = gettext_lazy("Only the bureaus above the school inspect it.")
NOTE_LIMIT = 1000
REASON_LIMIT = 200


def _photos(field: str, files) -> list:
    read, errors = photo_files.read_checked(field, files)
    if errors:
        raise ValidationFailed(errors)
    return read


def _save_photos(read, *, actor, inspection, item=None, rectification=None) -> None:
    Photo.objects.bulk_create([
        Photo(school_id=inspection.school_id, inspection=inspection, item=item,
              rectification=rectification, content_type=ctype, size=len(data),
              path=photo_files.store(inspection.school_id, data, ext), uploaded_by=actor)
        for data, ctype, ext in read])


@transaction.atomic
def inspection_plan(*, actor, school_id: int, planned_on: date,
                    checklist: str = "directive-2022", note: str = "") -> Inspection:
    """A bureau plans an inspection of one of its schools on a day, against a checklist."""
    note = _text("note", note, NOTE_LIMIT, needed=False)
    school = schools_to_inspect(user=actor).filter(pk=school_id).first()
    if school is None:
        if may(actor, VIEW, school_id):  # the school's own admin: seen, not inspected
            _fail("school_id", "not_inspector", NOT_INSPECTOR)
        _fail("school_id", "not_found", _("No school you inspect has this id."))
    found = checklists.get(checklist)
    if found is None:
        _fail("checklist", "bad_choice", _("There is no checklist of this name."))
    if planned_on < timezone.localdate():
        _fail("planned_on", "past", _("An inspection is planned for today or later."))
    inspection = Inspection.objects.create(
        school=school, checklist=found.key, checklist_version=found.version,
        planned_on=planned_on, inspector=actor, note=note)
    InspectionItem.objects.bulk_create([
        InspectionItem(school=school, inspection=inspection, position=n, code=item.code,
                       title_zh=item.zh, title_en=item.en, days=item.days)
        for n, item in enumerate(found.items, start=1)])
    _tell(_school_admins(school.pk), inspection.school_id, f"/supervision/{inspection.pk}/",
          format_lazy(gettext_lazy("{school} will be inspected on {day}"),
                      school=school.name, day=planned_on.isoformat()),
          f"inspection-{inspection.pk}-planned")
    return inspection


def _inspection_to_perform(actor, inspection_id: int) -> Inspection:
    """The inspection, locked, if the actor inspects its school; one they only see (the
    school's own admin) is a named refusal, one they cannot see a 404."""
    inspection = get_object_or_404(Inspection.objects.restrict(actor, VIEW)
                                   .select_for_update(of=("self",)), pk=inspection_id)
    if not may(actor, INSPECT, inspection.school_id):
        _fail("inspection_id", "not_inspector", NOT_INSPECTOR)
    if inspection.state != InspectionState.PLANNED:
        _fail("inspection_id", "done", _("This inspection is completed already."))
    return inspection


@transaction.atomic
def inspection_record(*, actor, inspection_id: int, code: str, result: str, note: str = "",
                      photos=()) -> InspectionItem:
    """One item's result on the spot: pass, fail (a note says what is wrong) or not
    applicable; photos of what was seen are kept with it. Recording again replaces it."""
    note = _text("note", note, NOTE_LIMIT, needed=False)
    if result not in ItemResult.values:
        _fail("result", "bad_choice", _("Choose pass, fail or not applicable."))
    if result == ItemResult.FAIL and not note:
        _fail("note", "required", _("Say what is wrong: the school rectifies from this note."))
    read = _photos("photos", photos)
    inspection = _inspection_to_perform(actor, inspection_id)
    item = InspectionItem.objects.filter(school_id=inspection.school_id, inspection=inspection,
                                         code=code).first()
    if item is None:
        _fail("code", "not_found", _("This inspection's checklist has no such item."))
    item.result, item.note, item.recorded_at = result, note, timezone.now()
    item.save(update_fields=["result", "note", "recorded_at"])
    _save_photos(read, actor=actor, inspection=inspection, item=item)
    return item


@transaction.atomic
def inspection_complete(*, actor, inspection_id: int) -> Inspection:
    """Every item recorded: the inspection is done and each failed item becomes a
    rectification, due the checklist's days for it from today, on the school's first admin
    until the school names someone."""
    inspection = _inspection_to_perform(actor, inspection_id)
    items = list(InspectionItem.objects.filter(school_id=inspection.school_id,
                                               inspection=inspection))
    missing = [i.code for i in items if not i.result]
    if missing:
        _fail("items", "unrecorded", _("Record every item first: %(codes)s")
              % {"codes": ", ".join(missing)})
    inspection.state, inspection.performed_at = InspectionState.DONE, timezone.now()
    inspection.save(update_fields=["state", "performed_at"])
    admins = _school_admins(inspection.school_id)
    today = timezone.localdate()
    Rectification.objects.bulk_create([
        Rectification(school_id=inspection.school_id, inspection=inspection, item=item,
                      assignee_id=admins[0] if admins else None,
                      due_on=today + timedelta(days=item.days))
        for item in items if item.result == ItemResult.FAIL])
    failed = sum(1 for i in items if i.result == ItemResult.FAIL)
    _tell(admins, inspection.school_id, f"/supervision/{inspection.pk}/",
          format_lazy(gettext_lazy("Inspection done: {n} findings to rectify"), n=failed),
          f"inspection-{inspection.pk}-done")
    return inspection


def _rectification(actor, rectification_id: int, perm: str) -> Rectification:
    rect = get_object_or_404(Rectification.objects.restrict(actor, perm)
                             .select_for_update(of=("self",)), pk=rectification_id)
    return rect


@transaction.atomic
def rectification_assign(*, actor, rectification_id: int, assignee_id: int,
                         due_on: date | None = None) -> Rectification:
    """The school's admin names who rectifies (someone of the school with an account), and
    may bring the deadline forward (never later than the inspector set it)."""
    rect = _rectification(actor, rectification_id, RECTIFY)
    if rect.state == RectificationState.VERIFIED:
        _fail("rectification_id", "verified", _("This rectification is verified already."))
    if not assignee_candidates(school_id=rect.school_id).filter(pk=assignee_id).exists():
        _fail("assignee_id", "not_found", _("Nobody of this school with an account has this id."))
    if due_on is not None:
        if due_on < timezone.localdate() or due_on > rect.due_on:
            _fail("due_on", "out_of_range",
                  _("The deadline may only be brought forward, to today at the earliest."))
        rect.due_on = due_on
    rect.assignee_id = assignee_id
    rect.save(update_fields=["assignee", "due_on"])
    _tell([assignee_id], rect.school_id, f"/supervision/rectifications/{rect.pk}/",
          format_lazy(gettext_lazy("A finding to rectify by {day}"), day=rect.due_on.isoformat()),
          f"rectification-{rect.pk}-assigned-{assignee_id}-{rect.reopened}")
    return rect


@transaction.atomic
def rectification_answer(*, actor, rectification_id: int, answer: str,
                         photos=()) -> Rectification:
    """The school says what it did, with photos as evidence (the page sends them; an answer
    without any is the inspector's to reopen); the inspector is told."""
    answer = _text("answer", answer, NOTE_LIMIT, needed=True)
    read = _photos("photos", photos)
    rect = get_object_or_404(Rectification.objects.select_for_update(of=("self",))
                             .select_related("inspection"), pk=rectification_id)
    if not may_answer(actor, rect):
        raise Http404
    if rect.state != RectificationState.OPEN:
        _fail("rectification_id", "not_open",
              _("This rectification is not waiting for an answer."))
    rect.state, rect.answer = RectificationState.ANSWERED, answer
    rect.answered_at, rect.answered_by = timezone.now(), actor
    rect.save(update_fields=["state", "answer", "answered_at", "answered_by"])
    _save_photos(read, actor=actor, inspection=rect.inspection, rectification=rect)
    if rect.inspection.inspector_id:
        _tell([rect.inspection.inspector_id], rect.school_id,
              f"/supervision/rectifications/{rect.pk}/",
              gettext_lazy("A school answered a finding: verify it"),
              f"rectification-{rect.pk}-answered-{rect.reopened}")
    return rect


def _answered(actor, rectification_id: int) -> Rectification:
    rect = _rectification(actor, rectification_id, VIEW)
    if not may(actor, INSPECT, rect.school_id):
        _fail("rectification_id", "not_inspector", NOT_INSPECTOR)
    if rect.state != RectificationState.ANSWERED:
        _fail("rectification_id", "not_answered",
              _("Only an answered rectification is verified or reopened."))
    return rect


@transaction.atomic
def rectification_verify(*, actor, rectification_id: int) -> Rectification:
    """The inspector accepts the answer: the finding is closed."""
    rect = _answered(actor, rectification_id)
    rect.state, rect.verified_at, rect.verified_by = (RectificationState.VERIFIED,
                                                      timezone.now(), actor)
    rect.save(update_fields=["state", "verified_at", "verified_by"])
    _tell(_people_of(rect), rect.school_id, f"/supervision/rectifications/{rect.pk}/",
          gettext_lazy("A rectification was verified"), f"rectification-{rect.pk}-verified")
    return rect


@transaction.atomic
def rectification_reopen(*, actor, rectification_id: int, reason: str,
                         due_on: date | None = None) -> Rectification:
    """The inspector sends it back with a reason (and maybe a new deadline)."""
    reason = _text("reason", reason, REASON_LIMIT, needed=True)
    rect = _answered(actor, rectification_id)
    if due_on is not None:
        if due_on < timezone.localdate():
            _fail("due_on", "past", _("A deadline is today or later."))
        rect.due_on = due_on
    rect.state, rect.reopen_reason, rect.reopened = (RectificationState.OPEN, reason,
                                                     rect.reopened + 1)
    rect.save(update_fields=["state", "reopen_reason", "reopened", "due_on"])
    _tell(_people_of(rect), rect.school_id, f"/supervision/rectifications/{rect.pk}/",
          format_lazy(gettext_lazy("A rectification was reopened: {reason}"), reason=reason),
          f"rectification-{rect.pk}-reopened-{rect.reopened}")
    return rect


def _people_of(rect: Rectification) -> list[int]:
    named = [rect.assignee_id] if rect.assignee_id else []
    return sorted({*_school_admins(rect.school_id), *named})


def _school_admins(school_id: int) -> list[int]:
    from apps.access.models import RoleAssignment

    return list(RoleAssignment.objects.filter(role="school_admin", school_id=school_id)
                .order_by("id").values_list("user_id", flat=True))


def _tell(recipients, school_id: int, link: str, subject, dedupe_key: str) -> None:
    from apps.notifications.services import notification_send

    notification_send(recipient_ids=recipients, kind="supervision", link=link, subject=subject,
                      school_id=school_id, dedupe_key=dedupe_key)

