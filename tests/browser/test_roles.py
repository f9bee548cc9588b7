"""Delegation in a real browser: a county bureau admin appoints a school admin of one of its
schools, that school admin appoints a class teacher of a class with none, and revokes it;
each from the roles page of its scope, without the Django admin."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newcomers(world):
    """A new account for the school's new admin, and a staff member of the school with an
    account, teaching no class yet, with a class that has no teacher."""
    from apps.access.models import User
    from apps.orgs.models import SchoolClass
    from apps.people.models import Person
    from shaodian.testing.world import PASSWORD

    school = world.schools["a"]
    User.objects.create_user(username="principal_a", password=PASSWORD, display_name="周校长")
    teacher = User.objects.create_user(username="teacher_a3", password=PASSWORD,
                                       display_name="孙老师")
    person = world.persons["a_staff"]
    Person.objects.create(school=school, kind="staff", number="T003", name="孙老师", sex="F",
                          birth_date=person.birth_date, doc_type="resident_id",
                          doc_cipher=person.doc_cipher, doc_hash="h-teacher-a3",
                          doc_masked=person.doc_masked, residence="day",
                          unit=world.units["a_office"], user=teacher)
    return SchoolClass.objects.create(school=school, unit=world.units["a_grade"], name="七年级3班")


def grant(page):
    page.click("#grant-submit")
    expect(page.locator(".alert-success")).to_be_visible()


def test_it_appoints_a_school_admin_who_appoints_and_revokes_a_class_teacher(
        world, newcomers, login_as, click_menu):
    from apps.orgs.models import SchoolClass

    page = login_as("jinshui_bureau")
    page.wait_for_load_state("load")
    click_menu(page, "/roles/")
    expect(page.locator("#roles-title")).to_contain_text("金水区教育局")
    page.select_option("#id_role", "school_admin")
    page.fill("#id_username", "nobody")  # no such account: refused on its field
    page.select_option("#id_school", label="金水区第一中学")
    page.click("#grant-submit")
    expect(page.locator("#grant-form .invalid-feedback")).to_be_visible()
    page.fill("#id_username", "principal_a")
    grant(page)
    expect(page.locator("#holders tr[data-user='principal_a']")).to_contain_text("金水区第一中学")

    page = login_as("principal_a")
    page.wait_for_load_state("load")
    click_menu(page, "/roles/")
    expect(page.locator("#roles-title")).to_contain_text("金水区第一中学")
    page.select_option("#id_role", "class_teacher")
    page.select_option("#id_user", label="孙老师")
    page.select_option("#id_klass", label="七年级3班")
    grant(page)
    row = page.locator("#holders tr[data-user='teacher_a3']")
    expect(row).to_contain_text("七年级3班")
    assert SchoolClass.objects.get(pk=newcomers.pk).teacher.username == "teacher_a3"

    row.locator(".role-revoke").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#holders tr[data-user='teacher_a3']")).to_have_count(0)
    assert SchoolClass.objects.get(pk=newcomers.pk).teacher is None
