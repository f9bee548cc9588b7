"""A check-in submitted after its slot was due is accepted and marked late, on the page's
path and the API's; a retry or a correction keeps the mark of the slot's first answer; the
class roll and the completion counts read the mark; a guardian's home says what today's checks
are (done, due, missed, not open) with one tap to the one to answer now."""

import json

import pytest
from django.test import Client

from apps.health import selectors
from apps.health.models import CheckIn
from apps.health.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slot, hour, minute, late", [
    ("morning", 7, 10, False),
    ("morning", 8, 0, False),  # at the due time itself: on time
    ("morning", 8, 1, True),
    ("noon", 12, 30, False),
    ("noon", 18, 47, True),  # a noon check at 18:47
])
def test_it_marks_a_check_in_after_its_slot_was_due_late(submit, slot, hour, minute, late):
    row = submit(slot=slot, now=at(hour, minute))
    assert row.outcome == "created" and row.late is late
    assert CheckIn.objects.get().late is late


def test_it_keeps_the_first_answers_mark_through_a_retry_and_a_correction(submit):
    on_time = submit(slot="noon", client_id="one", now=at(12, 30))
    retry = submit(slot="noon", client_id="one", now=at(18, 47))
    assert retry.outcome == "replayed" and retry.pk == on_time.pk and not retry.late
    fixed = submit(slot="noon", client_id="two", temperature="36.9", now=at(18, 50))
    assert fixed.outcome == "corrected" and not fixed.late
    assert CheckIn.objects.get().late is False


def test_it_keeps_a_late_check_in_late_when_it_is_corrected(submit):
    submit(slot="noon", client_id="one", now=at(18, 47))
    fixed = submit(slot="noon", client_id="two", temperature="36.9", now=at(18, 50))
    assert fixed.outcome == "corrected" and fixed.late
    assert submit(slot="noon", client_id="one", now=at(19)).outcome == "replayed"
    assert CheckIn.objects.count() == 1 and CheckIn.objects.get().late


def test_it_marks_the_apis_late_check_in_and_says_so(world, clock):
    clock.move_to(at(18, 47))
    client = Client()
    client.force_login(world.users["guardian_a1"])
    payload = {"person_id": world.persons["a1_student"].pk, "slot": "noon",
               "temperature": "36.6", "household_symptoms": False, "household_travel": False,
               "client_id": "app-late"}
    post = lambda: client.post("/api/v1/health/checkins", json.dumps(payload),  # noqa: E731
                               content_type="application/json")
    first = post()
    assert first.status_code == 201 and first.json()["late"] is True
    again = post()
    assert again.status_code == 200 and again.json()["outcome"] == "replayed"
    assert again.json()["late"] is True and CheckIn.objects.get().late


def test_it_tells_the_guardian_on_the_page_that_a_check_in_was_late(world, clock):
    clock.move_to(at(18, 47))
    client = Client()
    client.force_login(world.users["guardian_a1"])
    person = world.persons["a1_student"].pk
    page = client.get(f"/health/?person={person}&slot=noon").content.decode()
    assert 'id="late-now"' in page
    response = client.post("/health/", {
        "person": person, "slot": "noon", "temperature": "36.6", "quick": "1",
        "client_id": "page-late"}, follow=True)
    text = response.content.decode()
    assert "alert-warning" in text and "18:47" in text and "13:00" in text
    assert CheckIn.objects.get().late


def test_the_roll_and_the_completion_count_the_mark(world, submit):
    submit(slot="noon", client_id="late", now=at(18, 47))
    submit(person="a1_student2", slot="noon", client_id="on-time", now=at(12, 30))
    klass = world.classes["a_c1"]
    roll = selectors.class_roll(user=world.users["teacher_a1"], klass=klass,
                                day=at(7).date(), slot="noon", now=at(19))
    assert [r["name"] for r in roll.late] == ["张小明"] and len(roll.done) == 2
    school = selectors.school_completion(user=world.users["school_a_admin"],
                                         school=world.schools["a"], day=at(7).date(),
                                         slot="noon")
    assert (school["total"].done, school["total"].late) == (2, 1)
    bureau = selectors.bureau_completion(user=world.users["jinshui_bureau"],
                                         day=at(7).date(), slot="noon")
    assert (bureau["total"].done, bureau["total"].late) == (2, 1)


# Today, on the home page --------------------------------------------------------------


def states(world, user="guardian_a1", person="a1_student", *, hour, minute=0):
    today = selectors.persons_today(user=world.users[user], persons=[world.persons[person]],
                                    now=at(hour, minute))
    (found,) = today
    return {s.slot: s.state for s in found.slots}, found.current and found.current.slot


@pytest.mark.parametrize("hour, minute, expected, current", [
    (7, 10, {"morning": "due", "noon": "upcoming"}, "morning"),
    (12, 30, {"morning": "missed", "noon": "due"}, "noon"),
    (18, 40, {"morning": "missed", "noon": "missed"}, "noon"),
])
def test_it_says_which_of_todays_checks_are_due_missed_or_not_open(world, hour, minute,
                                                                    expected, current):
    assert states(world, hour=hour, minute=minute) == (expected, current)


def test_it_shows_a_done_check_with_its_mark(world, submit):
    submit(user="guardian_a1", slot="morning", now=at(7, 5))
    submit(user="guardian_a1", slot="noon", client_id="late", now=at(18, 47))
    (today,) = selectors.persons_today(user=world.users["guardian_a1"],
                                       persons=[world.persons["a1_student"]], now=at(18, 50))
    done = {s.slot: (s.state, s.checkin.late) for s in today.slots}
    assert done == {"morning": ("done", False), "noon": ("done", True)}


def test_it_adds_the_evening_check_for_a_boarder_and_nothing_for_someone_out_of_reach(world):
    boarder = world.persons["a1_student"]
    boarder.residence = "boarder"
    boarder.save()
    assert states(world, hour=12, minute=30)[0]["evening"] == "upcoming"
    assert states(world, hour=18, minute=40) == (
        {"morning": "missed", "noon": "missed", "evening": "due"}, "evening")
    assert selectors.persons_today(user=world.users["guardian_a1"],
                                   persons=[world.persons["a2_student"]], now=at(9)) == []
