"""The risk-area pages, with personas."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.risk.models import RiskArea

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
START = TODAY - timedelta(days=2)


@pytest.fixture
def as_user(client, world):
    def login(username):
        client.force_login(world.users[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


def test_it_designates_lists_and_lifts_through_the_pages(world, as_user):
    client = as_user("jinshui_bureau")
    response = client.post(reverse("risk:designate"), {
        "region": "金水区", "sub_area": "", "level": "high", "start": START.isoformat(),
        "end": "", "source": "通告"})
    assert response.status_code == 302
    area = RiskArea.objects.get()
    listing = client.get(reverse("risk:list")).content.decode()
    assert "河南省郑州市金水区" in listing
    response = client.post(reverse("risk:lift", args=[area.pk]),
                           {"lifted_on": TODAY.isoformat(), "reason": "解除"})
    assert response.status_code == 302
    detail = client.get(reverse("risk:detail", args=[area.pk])).content.decode()
    assert "解除" in detail and 'id="lift"' not in detail


def test_it_shows_field_errors_on_the_form(world, as_user):
    client = as_user("zhongyuan_bureau")
    response = client.post(reverse("risk:designate"), {
        "region": "410105", "level": "high", "start": START.isoformat(),
        "end": (START - timedelta(days=1)).isoformat(), "source": "通告"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "outside your region" in page and "The end is before the start." in page


def test_it_shows_the_list_to_a_teacher_but_no_designation_form(world, as_user):
    client = as_user("teacher_a1")
    assert client.get(reverse("risk:list")).status_code == 200
    assert client.get(reverse("risk:designate")).status_code == 404
    assert as_user("student_a1").get(reverse("risk:list")).status_code == 404


def test_it_checks_an_import_before_applying_it(world, as_user):
    client = as_user("province")
    text = f"地区,风险等级,起始日期,来源\n410105,高,{START},通告\n火星,高,{START},通告\n"
    upload = SimpleUploadedFile("a.csv", text.encode("gbk"))
    checked = client.post(reverse("risk:import"), {"file": upload, "action": "check"})
    page = checked.content.decode()
    assert "2 rows read: 1 good, 1 bad" in page and "火星" in page
    assert not RiskArea.objects.exists()
    content = checked.context["content"]
    applied = client.post(reverse("risk:import"), {"content": content, "action": "apply",
                                                   "apply_valid_only": "on"})
    assert applied.status_code == 302 and RiskArea.objects.count() == 1
