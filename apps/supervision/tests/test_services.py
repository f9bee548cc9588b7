"""The inspection's and the rectification's steps: plan, record, complete (failed items become
rectifications on the school's admin, due the checklist's days later), assign to a named person
of the school, answer with photos, verify or reopen; each refusal names its field and reason,
and each step tells the people concerned."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.notifications.models import Notification
from apps.supervision import services
from apps.supervision.models import InspectionState, Photo, Rectification
from apps.supervision.tests.conftest import FAILED, performed, photo, planned, yesterday

pytestmark = pytest.mark.django_db


def _refused(call) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        call()
    error = caught.value.errors[0]
    return error.field, error.reason


def test_it_plans_an_inspection_with_the_checklists_items_and_tells_the_school(world):
    inspection = planned(world)
    assert inspection.state == InspectionState.PLANNED
    assert inspection.items.count() == 12 and inspection.checklist == "directive-2022"
    assert set(inspection.items.values_list("school_id", flat=True)) == {world.schools["a"].pk}
    told = Notification.objects.get(recipient=world.users["school_a_admin"])
    assert told.kind == "supervision" and told.link == f"/supervision/{inspection.pk}/"


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"school": "b"}, ("school_id", "not_found")),  # another county's school
    ({"checklist": "nothing"}, ("checklist", "bad_choice")),
    ({"planned_on": "yesterday"}, ("planned_on", "past")),
    ({"note": "x" * 1001}, ("note", "too_long")),
])
def test_it_refuses_a_plan_naming_the_field(world, kwargs, expected):
    args = {"school_id": world.schools[kwargs.pop("school", "a")].pk,
            "planned_on": timezone.localdate(), **kwargs}
    if args["planned_on"] == "yesterday":
        args["planned_on"] = yesterday()
    assert _refused(lambda: services.inspection_plan(
        actor=world.users["jinshui_bureau"], **args)) == expected


def test_a_school_admin_cannot_plan_and_another_county_cannot_record(world):
    assert _refused(lambda: planned(world, inspector="school_a_admin")) == (
        "school_id", "not_inspector")
    assert _refused(lambda: planned(world, inspector="school_b_admin")) == (
        "school_id", "not_found")
    inspection = planned(world)
    assert _refused(lambda: services.inspection_record(
        actor=world.users["school_a_admin"], inspection_id=inspection.pk, code="plan",
        result="pass")) == ("inspection_id", "not_inspector")
    with pytest.raises(Http404):
        services.inspection_record(actor=world.users["zhongyuan_bureau"],
                                   inspection_id=inspection.pk, code="plan", result="pass")


@pytest.mark.parametrize(("code", "result", "note", "photos", "expected"), [
    ("plan", "maybe", "", (), ("result", "bad_choice")),
    ("plan", "fail", "", (), ("note", "required")),
    ("nothing", "pass", "", (), ("code", "not_found")),
    ("plan", "pass", "", ("gif",), ("photos", "bad_type")),
    ("plan", "pass", "", ("big",), ("photos", "too_large")),
    ("plan", "pass", "", ("png",) * 7, ("photos", "too_many")),
])
def test_it_refuses_a_record_naming_the_field(world, settings, code, result, note, photos,
                                               expected):
    settings.SUPERVISION_PHOTO_MAX_BYTES = 1024
    files = {"gif": lambda: photo("a.gif", b"GIF89a" + b"\0" * 20),
             "big": lambda: photo("b.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 2000),
             "png": photo}
    inspection = planned(world)
    assert _refused(lambda: services.inspection_record(
        actor=world.users["jinshui_bureau"], inspection_id=inspection.pk, code=code,
        result=result, note=note, photos=[files[p]() for p in photos])) == expected
    assert not Photo.objects.exists()


def test_it_keeps_an_items_photos_and_refuses_to_complete_before_every_item(world, photo_dir):
    inspection = planned(world)
    inspector = world.users["jinshui_bureau"]
    item = services.inspection_record(actor=inspector, inspection_id=inspection.pk,
                                      code="supplies", result="fail", note="口罩不足",
                                      photos=[photo(), photo()])
    stored = list(Photo.objects.filter(item=item))
    assert len(stored) == 2 and all(p.school_id == inspection.school_id for p in stored)
    assert all((photo_dir / p.path).read_bytes().startswith(b"\x89PNG") for p in stored)
    assert stored[0].path.startswith(f"{inspection.school_id}/")
    field, reason = _refused(lambda: services.inspection_complete(
        actor=inspector, inspection_id=inspection.pk))
    assert (field, reason) == ("items", "unrecorded")


def test_completing_makes_a_rectification_of_each_failed_item(world):
    inspection = performed(world)
    rects = list(Rectification.objects.filter(inspection=inspection).select_related("item"))
    assert sorted(r.item.code for r in rects) == sorted(FAILED)
    admin = world.users["school_a_admin"]
    today = timezone.localdate()
    assert all(r.assignee == admin and r.due_on == today + timedelta(days=r.item.days)
               and r.state == "open" and r.school_id == inspection.school_id for r in rects)
    assert Notification.objects.filter(recipient=admin, dedupe_key__endswith="-done").exists()
    assert _refused(lambda: services.inspection_complete(
        actor=world.users["jinshui_bureau"], inspection_id=inspection.pk)) == (
        "inspection_id", "done")


def _one(world):
    inspection = performed(world)
    return Rectification.objects.filter(inspection=inspection).order_by("id").first()


# Each step from a state: the actor, and the field and reason it is refused with (None: done).
STEPS = [
    ("assign", "open", "school_a_admin", None),
    ("assign", "verified", "school_a_admin", ("rectification_id", "verified")),
    ("answer", "open", "teacher_a1", None),
    ("answer", "answered", "teacher_a1", ("rectification_id", "not_open")),
    ("answer", "verified", "school_a_admin", ("rectification_id", "not_open")),
    ("verify", "answered", "jinshui_bureau", None),
    ("verify", "open", "jinshui_bureau", ("rectification_id", "not_answered")),
    ("verify", "verified", "jinshui_bureau", ("rectification_id", "not_answered")),
    ("reopen", "answered", "province", None),
    ("reopen", "open", "jinshui_bureau", ("rectification_id", "not_answered")),
    ("verify", "answered", "school_a_admin", ("rectification_id", "not_inspector")),
]


def _bring(world, rect, state):
    teacher, admin = world.users["teacher_a1"], world.users["school_a_admin"]
    services.rectification_assign(actor=admin, rectification_id=rect.pk, assignee_id=teacher.pk)
    if state in ("answered", "verified"):
        services.rectification_answer(actor=teacher, rectification_id=rect.pk,
                                      answer="已补足", photos=[photo()])
    if state == "verified":
        services.rectification_verify(actor=world.users["jinshui_bureau"],
                                      rectification_id=rect.pk)


def _step(world, step, actor, rect):
    user = world.users[actor]
    calls = {
        "assign": lambda: services.rectification_assign(
            actor=user, rectification_id=rect.pk, assignee_id=world.users["reporter_a"].pk),
        "answer": lambda: services.rectification_answer(
            actor=user, rectification_id=rect.pk, answer="已整改", photos=[photo()]),
        "verify": lambda: services.rectification_verify(actor=user, rectification_id=rect.pk),
        "reopen": lambda: services.rectification_reopen(actor=user, rectification_id=rect.pk,
                                                        reason="照片不清楚"),
    }
    return calls[step]


@pytest.mark.parametrize(("step", "state", "actor", "refused"), STEPS)
def test_it_moves_a_rectification_or_refuses_naming_the_reason(world, step, state, actor,
                                                                refused):
    rect = _one(world)
    if state != "open" or step == "answer":
        _bring(world, rect, state)
    call = _step(world, step, actor, rect)
    if refused:
        assert _refused(call) == refused
        return
    call()
    rect.refresh_from_db()
    assert rect.state == {"assign": "open", "answer": "answered", "verify": "verified",
                          "reopen": "open"}[step]


def test_it_assigns_only_someone_of_the_school_and_only_an_earlier_deadline(world):
    rect, admin = _one(world), world.users["school_a_admin"]
    other = world.users["school_b_admin"]
    assert _refused(lambda: services.rectification_assign(
        actor=admin, rectification_id=rect.pk, assignee_id=other.pk)) == (
        "assignee_id", "not_found")
    for due_on in (rect.due_on + timedelta(days=1), yesterday()):
        assert _refused(lambda d=due_on: services.rectification_assign(
            actor=admin, rectification_id=rect.pk, assignee_id=admin.pk, due_on=d)) == (
            "due_on", "out_of_range")
    teacher = world.users["teacher_a1"]
    services.rectification_assign(actor=admin, rectification_id=rect.pk, assignee_id=teacher.pk,
                                  due_on=timezone.localdate())
    assert Notification.objects.filter(recipient=teacher, kind="supervision").count() == 1


def test_the_person_named_answers_and_the_inspector_hears_and_reopens(world):
    rect = _one(world)
    _bring(world, rect, "answered")
    rect.refresh_from_db()
    assert (rect.answered_by, rect.photos.count()) == (world.users["teacher_a1"], 1)
    inspector = world.users["jinshui_bureau"]
    assert Notification.objects.filter(recipient=inspector,
                                       dedupe_key=f"rectification-{rect.pk}-answered-0").exists()
    assert _refused(lambda: services.rectification_reopen(
        actor=inspector, rectification_id=rect.pk, reason="")) == ("reason", "required")
    services.rectification_reopen(actor=inspector, rectification_id=rect.pk, reason="照片不清楚",
                                  due_on=timezone.localdate() + timedelta(days=2))
    rect.refresh_from_db()
    assert (rect.state, rect.reopened, rect.reopen_reason) == ("open", 1, "照片不清楚")
    assert Notification.objects.filter(recipient=world.users["teacher_a1"],
                                       dedupe_key__contains="reopened").exists()


def test_someone_else_cannot_answer_and_overdue_is_an_open_one_past_its_deadline(world):
    rect = _one(world)
    with pytest.raises(Http404):
        services.rectification_answer(actor=world.users["teacher_a2"], rectification_id=rect.pk,
                                      answer="x")
    with pytest.raises(Http404):  # a bureau inspects, it does not answer for the school
        services.rectification_answer(actor=world.users["jinshui_bureau"],
                                      rectification_id=rect.pk, answer="x")
    Rectification.objects.filter(pk=rect.pk).update(due_on=yesterday())
    rect.refresh_from_db()
    assert rect.overdue
    Rectification.objects.filter(pk=rect.pk).update(state="answered")
    rect.refresh_from_db()
    assert not rect.overdue
