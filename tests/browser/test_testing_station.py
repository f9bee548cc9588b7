"""A sampler on a phone scans several codes into a pool, is told a close contact is never
pooled (and gets a single tube for them), closes both tubes with their barcodes, and goes on
scanning through a network drop."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.people.codes import personal_code_issue
from apps.testing.models import Sample, Tube
from apps.testing.tests.helpers_station import add_pupils, open_round
from apps.travel.models import Exposure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def scan(page, text):
    page.fill("#scan-input", text)
    page.press("#scan-input", "Enter")  # what a handheld scanner does


def test_it_scans_a_pool_refuses_a_close_contact_and_closes_the_tubes(world, login_as,
                                                                      assets_loaded):
    test_round = open_round(world, stations=["东门"])
    pupils = add_pupils(world, "a", "a_c1", 3)
    contact = world.persons["a2_student"]
    Exposure.objects.create(school=contact.school, person=contact, kind="close_contact",
                            on=timezone.localdate() - timedelta(days=1))
    page = login_as("sampler_a", viewport=PHONE)
    page.goto(page.base + "/testing/station/")
    page.wait_for_url(f"{page.base}/testing/station/{test_round.pk}/")
    assert assets_loaded(page)
    page.select_option("#pool-size", "5")
    page.click("#new-tube")
    expect(page.locator("#tube-count")).to_have_text("0 / 5")
    expect(page.locator("#scan-input")).to_be_focused()

    scan(page, personal_code_issue(person=pupils[0]))
    scan(page, pupils[1].number)
    scan(page, personal_code_issue(person=contact))
    warning = page.locator("#message")
    expect(warning).to_contain_text("陈小刚")
    expect(warning).to_contain_text("密切接触者不得混采")  # never pooled: a single tube
    expect(page.locator("#tube-title")).to_have_text("单管")
    expect(page.locator("#prompt")).to_have_text("请扫管码")
    scan(page, "SINGLE-0001")
    expect(page.locator("#message")).to_contain_text("SINGLE-0001")

    # Back to the pool: two swabs in it, one more, a mis-scan undone.
    expect(page.locator("#tube-count")).to_have_text("2 / 5")
    scan(page, personal_code_issue(person=pupils[2]))
    scan(page, world.persons["a1_student"].number)
    expect(page.locator("#scans li[data-status=added]")).to_have_count(4)
    page.locator("#scans li", has_text="张小明").locator("button.undo").click()
    expect(page.locator("#scans li[data-status=added]")).to_have_count(3)
    expect(page.locator("#queue-count")).to_have_text("0")
    page.click("#close-tube")
    scan(page, "POOL-0001")
    expect(page.locator("#message")).to_contain_text("POOL-0001")
    expect(page.locator("#closed-tubes")).to_contain_text("POOL-0001 · 3")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    pool = Tube.objects.get(barcode="POOL-0001")
    single = Tube.objects.get(barcode="SINGLE-0001")
    assert (pool.status, pool.pool_size, pool.station) == ("closed", 5, "东门")
    assert (single.status, single.pool_size, single.single_reason) == ("closed", 1,
                                                                      "close_contact")
    live = Sample.objects.filter(removed_at__isnull=True)
    assert set(live.filter(tube=pool).values_list("person_id", flat=True)) == {
        p.pk for p in pupils}
    assert list(live.filter(tube=single).values_list("person_id", flat=True)) == [contact.pk]


def test_it_keeps_scanning_through_a_network_drop_and_uploads_after(world, login_as):
    test_round = open_round(world)
    pupils = add_pupils(world, "a", "a_c1", 2)
    page = login_as("sampler_a", viewport=PHONE)
    page.goto(f"{page.base}/testing/station/{test_round.pk}/")
    page.select_option("#pool-size", "5")
    page.click("#new-tube")
    expect(page.locator("#queue-count")).to_have_text("0")
    page.context.set_offline(True)
    scan(page, personal_code_issue(person=pupils[0]))
    scan(page, pupils[1].number)
    expect(page.locator("#net-status")).to_contain_text("离线")
    expect(page.locator("#scans li[data-status=pending]")).to_have_count(2)
    page.click("#close-tube")
    scan(page, "DROP-0001")
    assert not Tube.objects.filter(barcode="DROP-0001").exists()
    page.context.set_offline(False)
    expect(page.locator("#closed-tubes")).to_contain_text("DROP-0001 · 2", timeout=15_000)
    expect(page.locator("#queue-count")).to_have_text("0")
    tube = Tube.objects.get(barcode="DROP-0001")
    assert tube.status == "closed" and tube.samples.count() == 2


def test_it_closes_a_pool_by_itself_when_its_barcode_came_first(world, login_as):
    test_round = open_round(world)
    pupils = add_pupils(world, "a", "a_c1", 5)
    page = login_as("sampler_a", viewport=PHONE)
    page.goto(f"{page.base}/testing/station/{test_round.pk}/")
    page.select_option("#pool-size", "5")
    page.click("#close-tube")
    scan(page, "FIRST-0001")
    expect(page.locator("#tube-barcode")).to_have_text("FIRST-0001")
    for pupil in pupils:
        scan(page, personal_code_issue(person=pupil))
    expect(page.locator("#closed-tubes")).to_contain_text("FIRST-0001 · 5")
    expect(page.locator("#tube-count")).to_have_text("0 / 5")  # the next tube is ready
    assert Tube.objects.get(barcode="FIRST-0001").status == "closed"
