"""A transfer in a real browser: the sending school's admin asks for one with the student's
number and the receiving school's code, the receiving school's admin accepts the student into
a class, and the class teacher there finds the child in their people list."""

import pytest
from playwright.sync_api import expect

from apps.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_student_requested_and_accepted_appears_in_the_new_class(
        world, login_as, click_menu, assets_loaded):
    sender = login_as("school_a_admin")
    click_menu(sender, "/transfers/")
    sender.fill("#id_number", "A2024001")
    sender.fill("#id_to_school_code", world.schools["b"].code)
    sender.fill("#id_reason", "随父母工作调动")
    sender.click("#transfer-request")
    expect(sender.locator("#transfer-state")).to_have_text("已申请")
    assert assets_loaded(sender)

    receiver = login_as("school_b_admin")
    click_menu(receiver, "/transfers/")
    receiver.locator("#transfer-list a", has_text="张小明").click()
    receiver.select_option("#id_to_class", str(world.classes["b_c1"].pk))
    receiver.click("#transfer-accept")
    expect(receiver.locator("#transfer-state")).to_have_text("已接收")
    expect(receiver.locator("#transfer-to-class")).to_have_text("七年级1班")

    teacher = login_as("teacher_b1")
    teacher.goto(teacher.base + "/people/")
    row = teacher.locator("#person-results tr", has_text="张小明")
    expect(row).to_contain_text("涧西区实验中学")
    expect(row).to_contain_text("七年级1班")
    child = Person.objects.get(pk=world.persons["a1_student"].pk)
    assert (child.school_id, child.klass_id) == (world.schools["b"].pk,
                                                 world.classes["b_c1"].pk)
    sender.goto(sender.base + "/people/")
    expect(sender.locator("#person-results")).not_to_contain_text("张小明")
