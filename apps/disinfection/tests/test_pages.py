"""Disinfection pages, API, home page items and the printable daily log, by persona: the
school's epidemic office records, the bureau above reads, another school, another county, a
class teacher and a guardian find nothing; the log and its workbook are access-logged."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.access.models import AccessLog
from apps.disinfection import services
from apps.disinfection.models import Area, AreaEntry
from apps.parcels import services as parcels
from shaodian.testing.world import staff_member

pytestmark = pytest.mark.django_db
SEE = ["school_a_admin", "reporter_a", "jinshui_bureau", "province"]
DO_NOT_SEE = ["school_b_admin", "zhongyuan_bureau", "luoyang_bureau", "teacher_a1",
              "guardian_a1", "gate_a"]


def _client(world, username):
    client = Client()
    client.force_login(world.users[username])
    return client


def _day(world):
    school, admin, staff = world.schools["a"], world.users["school_a_admin"], staff_member(
        world, "a")
    services.areas_seed(actor=admin, school_id=school.pk)
    area = Area.objects.get(school=school, name="食堂")
    services.entry_record(actor=admin, area_id=area.pk, kind="disinfection",
                          person_id=staff.pk, note="含氯消毒液")
    batch = parcels.batch_receive(actor=admin, school_id=school.pk, count=6, courier="中通")
    parcels.batch_disinfect(actor=admin, batch_id=batch.pk, person_id=staff.pk)
    return school, area


@pytest.mark.parametrize("username", SEE + DO_NOT_SEE)
def test_it_shows_areas_and_the_daily_log_only_in_scope(world, username):
    school, area = _day(world)
    client, seen = _client(world, username), username in SEE
    ok = 200 if seen else 404
    assert client.get(f"/disinfection/schools/{school.pk}/").status_code == ok
    log = client.get(f"/disinfection/schools/{school.pk}/log/")
    assert log.status_code == ok
    assert client.get(f"/disinfection/schools/{school.pk}/log.xlsx").status_code == ok
    listed = client.get(f"/api/v1/disinfection/areas?school_id={school.pk}").json()["items"]
    assert (area.pk in [a["id"] for a in listed]) == seen
    logged = AccessLog.objects.filter(user=world.users[username]).count()
    assert logged == (2 if seen else 0)
    if seen:
        text = log.content.decode()
        assert "中通" in text and "含氯消毒液" in text and staff_member(world, "a").name in text


def test_the_workbook_holds_both_sheets(world):
    import io

    from python_calamine import CalamineWorkbook

    school, _area = _day(world)
    answer = _client(world, "reporter_a").get(f"/disinfection/schools/{school.pk}/log.xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(answer.content))
    assert len(book.sheet_names) == 2
    cells = [c for n in range(2) for row in book.get_sheet_by_index(n).to_python()
             for c in row]
    assert "中通" in cells and "食堂" in cells


def test_the_office_records_on_the_page(world):
    school = world.schools["a"]
    client, staff = _client(world, "reporter_a"), staff_member(world, "a")
    client.post(f"/disinfection/schools/{school.pk}/areas/seed/")
    area = Area.objects.get(school=school, name="卫生间")
    data = {"area": str(area.pk), "kind": "ventilation", "person": str(staff.pk),
            "client_id": "p1"}
    assert client.post(f"/disinfection/schools/{school.pk}/record/", data).status_code == 302
    client.post(f"/disinfection/schools/{school.pk}/record/", data)
    assert AreaEntry.objects.filter(area=area).count() == 1
    bad = client.post(f"/disinfection/schools/{school.pk}/record/",
                      {**data, "client_id": "p2", "person": "999999"})
    assert bad.status_code == 400
    answer = client.post(f"/disinfection/schools/{school.pk}/areas/",
                         {"kind": "gym", "name": "体育馆"})
    assert answer.status_code == 302 and Area.objects.filter(name="体育馆").exists()


def test_the_homes_show_overdue_items(henan, clock):
    school, _area = _day(henan)
    clock.move_to(timezone.now() + timedelta(hours=9))
    home = _client(henan, "school_a_admin").get("/").content.decode()
    assert 'id="disinfection-overdue"' in home and "卫生间" in home
    bureau = _client(henan, "jinshui_bureau").get("/").content.decode()
    assert 'id="disinfection-schools-overdue"' in bureau
    other = _client(henan, "school_b_admin").get("/").content.decode()
    assert "disinfection-overdue" not in other


def test_the_api_records_and_lists_overdue(henan, clock):
    school = henan.schools["a"]
    client, staff = _client(henan, "school_a_admin"), staff_member(henan, "a")
    made = client.post("/api/v1/disinfection/areas", {"school_id": school.pk, "kind": "canteen",
                                                      "name": "二食堂"},
                       content_type="application/json")
    assert made.status_code == 201
    area_id = made.json()["id"]
    entry = client.post("/api/v1/disinfection/entries",
                        {"area_id": area_id, "kind": "disinfection", "person_id": staff.pk},
                        content_type="application/json")
    assert entry.status_code == 201
    clock.move_to(timezone.now() + timedelta(hours=9))
    client = _client(henan, "school_a_admin")  # a new sign-in after the hours passed
    overdue = client.get("/api/v1/disinfection/overdue").json()
    assert overdue["count"] == 1 and overdue["items"][0]["kind"] == "ventilation"
    other = _client(henan, "school_b_admin").post(
        "/api/v1/disinfection/entries",
        {"area_id": area_id, "kind": "disinfection", "person_id": staff.pk},
        content_type="application/json")
    assert other.status_code == 422
