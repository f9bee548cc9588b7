"""Round pages with personas: list, new round, detail with its plan, open and close."""

import pytest
from django.test import Client
from django.utils import timezone

from apps.testing.models import TestRound
from apps.testing.tests.helpers_station import open_round

pytestmark = pytest.mark.django_db


def client_for(world, username):
    client = Client()
    client.force_login(world.users[username])
    return client


def test_it_creates_plans_and_opens_a_round_from_the_pages(world):
    office = client_for(world, "school_a_admin")
    assert office.get("/testing/rounds/new/").status_code == 200
    response = office.post("/testing/rounds/new/", {
        "school": world.schools["a"].pk, "name": "一周轮检", "kind": "pcr_pooled",
        "scope": "school", "day": timezone.localdate().isoformat(), "days": 5,
        "daily_share": 20, "stations": "东门\n操场"})
    made = TestRound.objects.get()
    assert response.status_code == 302 and response.url == f"/testing/rounds/{made.pk}/"
    assert made.stations == ["东门", "操场"] and made.members.count() == 4
    page = office.get(response.url).content.decode()
    assert 'id="open-round"' in page and "plan-data" in page
    office.post(f"/testing/rounds/{made.pk}/open/")
    made.refresh_from_db()
    assert made.status == "open"
    listed = office.get("/testing/rounds/").content.decode()
    assert "一周轮检" in listed


def test_it_proposes_the_testing_cycle_of_the_schools_policy(world):
    """henan-2022: the whole school within 2 days, then at least 20 % a day (everyone within
    5 days); routine asks for no cycle. A proposal fills the form, which plans it."""
    from apps.policy.selectors import pack_get
    from apps.policy.services import policy_choose_pack

    office = client_for(world, "school_a_admin")
    assert 'id="testing-cycle"' not in office.get("/testing/rounds/new/").content.decode()
    policy_choose_pack(actor=world.users["province"], province_code="410000",
                       pack_id="henan-2022", pack_version=str(pack_get("henan-2022").version),
                       reason="全员核酸检测")
    page = office.get("/testing/rounds/new/").content.decode()
    cycle = page[page.index('id="testing-cycle"'):]
    cycle = cycle[: cycle.index("</div>")]
    assert "2天内全校检测一遍" in cycle and "?scope=school&amp;days=2" in cycle
    assert "此后每天至少检测20%" in cycle and "days=5&amp;daily_share=20" in cycle
    filled = office.get("/testing/rounds/new/?scope=school&days=5&daily_share=20")
    form = filled.context["form"]
    assert (form["scope"].value(), form["days"].value(), form["daily_share"].value()) == (
        "school", "5", "20")
    odd = office.get("/testing/rounds/new/?days=5%3Cb%3E&daily_share=-3").context["form"]
    # not taken: the pack's whole-school round over 2 days stays the default
    assert (odd["days"].value(), odd["daily_share"].value()) == (2, None)


def test_it_shows_a_bad_round_form_with_the_fields_reasons(world):
    office = client_for(world, "school_a_admin")
    response = office.post("/testing/rounds/new/", {
        "school": world.schools["a"].pk, "name": "x", "kind": "pcr_pooled", "scope": "list",
        "numbers": "NOPE", "day": timezone.localdate().isoformat(), "days": 1})
    assert response.status_code == 200 and not TestRound.objects.exists()
    assert "NOPE" in response.content.decode()


@pytest.mark.parametrize("username, status", [
    ("teacher_a1", 200), ("school_b_admin", 404), ("guardian_a1", 404), ("hospital_a", 200),
])
def test_it_shows_a_round_only_in_scope(world, username, status):
    test_round = open_round(world)
    assert client_for(world, username).get(f"/testing/rounds/{test_round.pk}/").status_code == (
        status)


def test_it_lets_no_one_but_the_office_open_or_close(world):
    test_round = open_round(world)
    response = client_for(world, "teacher_a1").post(f"/testing/rounds/{test_round.pk}/close/")
    assert response.status_code == 404
    test_round.refresh_from_db()
    assert test_round.status == "open"
    assert client_for(world, "teacher_a1").get("/testing/rounds/new/").status_code == 404


def test_it_offers_the_classes_by_grade_in_the_round_form(world):
    from shaodian.testing.world import add_grades

    add_grades(world, "a")
    form = client_for(world, "school_a_admin").get("/testing/rounds/new/").context["form"]
    names = [name for _, name in form.fields["klass_ids"].choices]
    assert names[:4] == ["七年级1班", "七年级2班", "八年级1班", "九年级1班"]
