"""The delivery point and the disinfection log in a real browser (issue 15, part 4): the
school's epidemic office records a batch of parcels with a photo, names who disinfected it and
places it for pickup; adds its usual areas, which fall overdue under henan-2022 and show on
the school's home and as a count on the bureau's; records the canteen's ventilation; and
prints the day's log with both parts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.disinfection.models import Area
from apps.disinfection.schedule import due_refresh
from shaodian.testing.world import staff_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_a_batch_of_parcels_is_received_disinfected_and_placed(
        henan, login_as, assets_loaded, click_menu):
    staff = staff_member(henan, "a")
    office = login_as("reporter_a")
    click_menu(office, "/parcels/")
    expect(office.locator("#receive-form")).to_be_visible()
    assert assets_loaded(office)
    office.fill("#id_count", "12")
    office.fill("#id_courier", "顺丰速运")
    office.set_input_files("#id_photos", files=[
        {"name": "parcels.png", "mimeType": "image/png", "buffer": PNG}])
    office.click("#receive-submit")
    expect(office.locator(".alert-success")).to_be_visible()
    row = office.locator("#batches tr.batch").first
    expect(row).to_have_attribute("data-state", "received")
    expect(row).to_contain_text("顺丰速运")
    row.locator(".disinfect-form select").select_option(str(staff.pk))
    row.locator(".disinfect-form button").click()
    expect(row).to_have_attribute("data-state", "disinfected")
    expect(row).to_contain_text(staff.name)
    row.locator(".place-form button").click()
    expect(row).to_have_attribute("data-state", "placed")
    expect(office.locator("#parcel-total")).to_have_text("12")


def test_overdue_areas_show_on_the_homes_and_the_daily_log_prints(
        henan, login_as, assets_loaded, click_menu):
    school, staff = henan.schools["a"], staff_member(henan, "a")
    office = login_as("school_a_admin")
    click_menu(office, "/disinfection/")
    office.click("#seed-submit")
    expect(office.locator(".alert-success")).to_be_visible()
    expect(office.locator("#areas tr.area")).to_have_count(
        Area.objects.filter(school=school).count())
    # added ten hours ago: every area's ventilation is overdue (henan-2022: 8 hours, normal)
    Area.objects.filter(school=school).update(created_at=timezone.now() - timedelta(hours=10))
    due_refresh(school_ids=[school.pk])
    office.goto(office.base + "/")
    expect(office.locator("#disinfection-overdue")).to_be_visible()
    expect(office.locator("#disinfection-overdue-count")).to_have_text(
        str(Area.objects.filter(school=school).count()))

    bureau = login_as("jinshui_bureau")
    expect(bureau.locator("#disinfection-schools-overdue")).to_contain_text("1")

    office.goto(office.base + f"/disinfection/schools/{school.pk}/")
    canteen = Area.objects.get(school=school, name="食堂")
    office.select_option("#id_area", str(canteen.pk))
    office.select_option("#id_kind", "ventilation")
    office.select_option("#id_person", str(staff.pk))
    office.fill("#id_note", "开窗30分钟")
    office.click("#entry-submit")
    expect(office.locator(".alert-success")).to_be_visible()
    row = office.locator(f"#areas tr.area[data-area='{canteen.pk}']")
    expect(row.locator(".due-ventilation .overdue")).to_have_count(0)
    expect(row.locator(".due-disinfection .overdue")).to_have_count(0)
    expect(office.locator("#entries .entry")).to_contain_text("开窗30分钟")

    office.click("#daily-log-link")
    expect(office.locator("#print-entries")).to_contain_text("食堂")
    expect(office.locator("#print-entries")).to_contain_text(staff.name)
    expect(office.locator("#print-parcels")).to_be_visible()
    expect(office.locator("#xlsx-link")).to_be_visible()
