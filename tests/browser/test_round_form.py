"""The testing-round form as the school office sees it in Chinese: the first day is filled in,
only the chosen scope's fields show; a sampler with no round open is told who opens one."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_round_form_fills_the_first_day_and_shows_only_the_scopes_fields(world, login_as):
    page = login_as("school_a_admin")
    page.goto(page.base + "/testing/rounds/new/")
    expect(page.locator("#id_day")).to_have_value(timezone.localdate().isoformat())
    classes, numbers, share = (page.locator(f"#wrap-{name}")
                               for name in ("klass_ids", "numbers", "share_percent"))
    page.select_option("#id_scope", "school")
    for field in (classes, numbers, share):
        expect(field).to_be_hidden()
    page.select_option("#id_scope", "klass")
    expect(classes).to_be_visible()
    expect(numbers).to_be_hidden()
    page.select_option("#id_scope", "list")
    expect(numbers).to_be_visible()
    expect(classes).to_be_hidden()
    page.select_option("#id_scope", "share")
    expect(share).to_be_visible()


def test_a_sampler_with_no_open_round_is_told_who_opens_one(world, login_as):
    page = login_as("sampler_a")
    page.goto(page.base + "/testing/station/")
    expect(page.locator("#no-open-rounds")).to_contain_text("学校办公室")
