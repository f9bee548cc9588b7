"""A guardian's first five minutes on a phone (issue 17, item 10): the home page says at the
top whether each of today's checks is done, due or missed; one tap opens the check to answer
now; a check-in after its slot was due is accepted with a late notice the guardian and the
class teacher both see; the personal code takes its status's colour, said in words too.

Expectations come from the suite's clock (SHAODIAN_TEST_NOW: 07:10, 10:00, 12:30, 18:40) and
the slots' configured times, never from the real hour."""

from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.health import conf
from apps.health.models import CheckIn
from apps.status.models import PersonStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
LABELS = {"morning": "晨检", "noon": "午检"}


def expected_states(now) -> dict[str, str]:
    """A day student's morning and noon checks at `now`, from the configured times."""
    day = timezone.localdate(now)
    states = {}
    for slot in ("morning", "noon"):
        if now < conf.opens_at(day, slot):
            states[slot] = "upcoming"
        else:
            states[slot] = "due" if now <= conf.due_at(day, slot) else "missed"
    return states


def current_slot(now) -> str:
    return "noon" if now >= conf.opens_at(timezone.localdate(now), "noon") else "morning"


def test_it_shows_todays_checks_at_the_top_of_a_guardians_home(world, login_as):
    now = timezone.now()
    page = login_as("guardian_a1", viewport=PHONE)
    today = page.locator("#today-checkins")
    expect(today).to_be_visible()
    # first on the page, above the personal code, on the phone's first screen
    box = today.bounding_box()
    assert box["y"] < page.locator(".person-card").first.bounding_box()["y"]
    assert box["y"] < PHONE["height"] / 2
    child = today.locator(f".today-person[data-person='{world.persons['a1_student'].pk}']")
    expect(child).to_contain_text("张小明")
    for slot, state in expected_states(now).items():
        expect(child.locator(f".today-slot[data-slot={slot}]")).to_have_attribute(
            "data-state", state)
    # once the current check is done, the home says so, with the time and the result
    from apps.health import services

    slot = current_slot(now)
    services.checkin_submit(actor=world.users["guardian_a1"], person=world.persons["a1_student"],
                            slot=slot, temperature="36.6", household_symptoms=False,
                            household_travel=False, client_id="home-shows-it")
    page.reload()
    done = child.locator(f".today-slot[data-slot={slot}]")
    expect(done).to_have_attribute("data-state", "done")
    expect(done).to_contain_text("36.6")
    expect(done).to_contain_text("正常")
    row = CheckIn.objects.get()
    expect(done).to_contain_text(f"{timezone.localtime(row.submitted_at):%H:%M}")
    expect(child.locator(".today-go")).to_contain_text(f"更正{LABELS[slot]}")


def test_it_opens_the_current_check_of_a_child_in_one_tap(world, login_as):
    slot = current_slot(timezone.now())
    page = login_as("guardian_a1", viewport=PHONE)
    button = page.locator(".today-go")
    expect(button).to_have_text(f"填报{LABELS[slot]}")
    box = button.bounding_box()
    assert box["width"] > 300 and box["height"] >= 44  # a big target on a phone
    button.click()
    expect(page.locator("#checkin-person")).to_have_text("张小明")
    expect(page.locator("#checkin-form input[name=slot]")).to_have_value(slot)
    expect(page.locator("label[for=id_temperature]")).to_contain_text(LABELS[slot])
    page.fill("#id_temperature", "36.5")
    page.click("#healthy")
    expect(page.locator(".alert-success")).to_contain_text("36.5")
    assert CheckIn.objects.get().slot == slot


def test_it_accepts_a_noon_check_at_18_47_as_late_and_says_so_everywhere(
        world, login_as, clock):
    clock.move_to(conf.at(timezone.localdate(), time(18, 47)))
    page = login_as("guardian_a1", viewport=PHONE)
    noon = page.locator(".today-slot[data-slot=noon]")
    expect(noon).to_have_attribute("data-state", "missed")
    page.locator(".today-go").click()
    expect(page.locator("#late-now")).to_contain_text("13:00")
    page.fill("#id_temperature", "36.5")
    page.click("#healthy")
    # accepted, with a late notice beside the confirmation
    expect(page.locator(".alert-success")).to_contain_text("36.5")
    expect(page.locator(".alert-warning")).to_contain_text("迟报")
    expect(page.locator(".alert-warning")).to_contain_text("13:00")
    row = CheckIn.objects.get()
    assert (row.slot, row.late) == ("noon", True)
    # the guardian's home marks it late
    page.goto(page.base + "/")
    expect(noon).to_have_attribute("data-state", "done")
    expect(noon.locator(".today-late")).to_contain_text("迟报")
    # the class teacher's list shows it as late
    teacher = login_as("teacher_a1")
    teacher.goto(teacher.base + "/health/class/?slot=noon")
    expect(teacher.locator("#late-list")).to_contain_text("张小明")
    expect(teacher.locator("#count-late")).to_have_text("1")
    expect(teacher.locator("#done-list tr", has_text="张小明")).to_contain_text("迟报")


@pytest.mark.parametrize("category, colour, words, border", [
    (None, "green", "绿码", "rgb(25, 135, 84)"),
    ("key_population", "yellow", "黄码", "rgb(255, 193, 7)"),
    ("home_quarantine", "red", "红码", "rgb(220, 53, 69)"),
])
def test_it_colours_the_personal_code_by_status_with_words(world, login_as, category, colour,
                                                           words, border):
    person = world.persons["a1_student"]
    if category:
        PersonStatus.objects.create(school_id=person.school_id, person=person,
                                    category=category, pack="henan-2022", pack_version="x")
    page = login_as("guardian_a1")
    code = page.locator(".person-card .personal-code")
    expect(code).to_have_attribute("data-colour", colour)
    assert code.evaluate("e => getComputedStyle(e).borderTopColor") == border
    label = page.locator(".person-card .personal-code-label")
    expect(label).to_contain_text(words)  # never colour alone
    page.click("#switch-language")
    expect(label).to_contain_text(f"{colour.capitalize()} code")
