"""Isolation and care in a real browser: the school's epidemic office adds an isolation room,
isolates a student in it (the room shows 1 / 1, a second student is refused with the room
named); the school's home lists the student as not visited today and the bureau's home
counts it; the class teacher records the day's care visit on a phone, refers the student to
the school counsellor and arranges online study; the home no longer lists them; the office
extends the isolation and releases the student, and the status follows."""

import pytest
from playwright.sync_api import expect

from apps.isolation.models import Isolation
from apps.status.models import PersonStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_a_student_is_isolated_cared_for_and_released(world, login_as, assets_loaded):
    from django.utils import timezone

    today = timezone.localdate()
    admin = login_as("school_a_admin")
    assert assets_loaded(admin)
    admin.goto(admin.base + "/isolation/rooms/")
    admin.fill("#id_name", "隔离室一")
    admin.fill("#id_capacity", "1")
    admin.click("#room-add")
    expect(admin.locator("#room-list .room-occupancy")).to_have_text("0 / 1")

    student = world.persons["a1_student"]
    _open_in_room(admin, student, today + _days(6))
    expect(admin.locator("#isolation-state")).to_be_visible()
    isolation = Isolation.objects.get(person=student)
    assert PersonStatus.objects.get(person=student).category == "isolation"

    _open_in_room(admin, world.persons["a2_student"], today + _days(6))
    expect(admin.locator("#isolation-open-form")).to_contain_text("隔离室一已满")

    admin.goto(admin.base + "/")
    expect(admin.locator("#isolation-unvisited-count")).to_have_text("1")
    bureau = login_as("jinshui_bureau")
    expect(bureau.locator("#isolation-unvisited-total")).to_have_text("1")

    teacher = login_as("teacher_a1", viewport=PHONE)
    teacher.goto(teacher.base + f"/isolation/{isolation.pk}/")
    expect(teacher.locator("#care-missing")).to_be_visible()
    teacher.select_option("#id_mood", "low")
    teacher.select_option("#id_study", "behind")
    teacher.fill("#care-form #id_note", "想家，网课跟不上")
    teacher.click("#care-save")
    expect(teacher.locator("#care-log .care-visit")).to_have_count(1)
    expect(teacher.locator("#care-missing")).to_have_count(0)
    teacher.fill("#id_to_whom", "学校心理老师")
    teacher.fill("#referral-form #id_reason", "情绪低落")
    teacher.click("#referral-save")
    expect(teacher.locator("#referrals .referral")).to_contain_text("学校心理老师")
    teacher.fill("#id_platform", "钉钉")
    teacher.fill("#id_teacher", "王老师")
    teacher.click("#study-save")
    expect(teacher.locator("#online-study")).to_contain_text("钉钉")
    expect(teacher.locator("#close-form")).to_have_count(0)

    admin.goto(admin.base + "/")
    expect(admin.locator("#isolation-unvisited")).to_have_count(0)
    admin.goto(admin.base + f"/isolation/{isolation.pk}/")
    admin.fill("#extend-form #id_planned_end", str(today + _days(9)))
    admin.fill("#extend-form #id_reason", "复检未转阴")
    admin.click("#extend-save")
    expect(admin.locator("#isolation-end")).to_have_text(str(today + _days(9)))
    admin.click("#close-save")
    expect(admin.locator("#isolation-released")).to_contain_text(str(today))
    assert PersonStatus.objects.get(person=student).category == "cleared"
    admin.goto(admin.base + "/isolation/")
    expect(admin.locator("#isolation-rooms .room-occupancy")).to_have_text("0 / 1")


def _days(n):
    from datetime import timedelta

    return timedelta(days=n)


def _open_in_room(page, person, end) -> None:
    page.goto(page.base + f"/isolation/new/?person={person.pk}")
    page.select_option("#id_place_kind", "campus")
    page.select_option("#id_room", label="隔离室一")
    page.fill("#id_planned_end", str(end))
    page.fill("#id_reason", "密切接触者")
    page.click("#isolation-open")
