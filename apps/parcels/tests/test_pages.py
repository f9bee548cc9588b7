"""Delivery point pages and API, by persona: the school's epidemic office records, the
bureau above reads, another school, another county and a class teacher find nothing."""

import pytest
from django.test import Client

from apps.parcels import services
from apps.parcels.models import ParcelBatch
from shaodian.testing.world import staff_member

pytestmark = pytest.mark.django_db
SEE = ["school_a_admin", "reporter_a", "jinshui_bureau", "province"]
DO_NOT_SEE = ["school_b_admin", "zhongyuan_bureau", "luoyang_bureau", "teacher_a1",
              "teacher_a2", "guardian_a1", "gate_a"]


def _client(world, username):
    client = Client()
    client.force_login(world.users[username])
    return client


@pytest.mark.parametrize("username", SEE + DO_NOT_SEE)
def test_it_shows_a_schools_deliveries_only_in_scope(world, username):
    batch = services.batch_receive(actor=world.users["school_a_admin"],
                                   school_id=world.schools["a"].pk, count=4, courier="京东")
    client, seen = _client(world, username), username in SEE
    page = client.get(f"/parcels/schools/{world.schools['a'].pk}/")
    assert page.status_code == (200 if seen else 404)
    if seen:
        assert "京东" in page.content.decode()
    assert client.get(f"/api/v1/parcels/{batch.pk}").status_code == (200 if seen else 404)
    listed = client.get("/api/v1/parcels").json()["items"]
    assert [b["id"] for b in listed] == ([batch.pk] if seen else [])


def test_the_office_records_a_batch_and_its_disinfection_on_the_page(world):
    client, school = _client(world, "reporter_a"), world.schools["a"]
    staff = staff_member(world, "a")
    answer = client.post(f"/parcels/schools/{school.pk}/receive/",
                         {"count": "7", "courier": "邮政", "client_id": "page-1"})
    assert answer.status_code == 302
    client.post(f"/parcels/schools/{school.pk}/receive/", {"count": "7", "client_id": "page-1"})
    batch = ParcelBatch.objects.get()
    client.post(f"/parcels/batches/{batch.pk}/disinfect/", {"person": str(staff.pk)})
    client.post(f"/parcels/batches/{batch.pk}/place/")
    batch.refresh_from_db()
    assert (batch.count, batch.disinfected_by, batch.state) == (7, staff, "placed")
    bad = client.post(f"/parcels/schools/{school.pk}/receive/", {"count": "0"})
    assert bad.status_code == 400


def test_a_bureau_reads_but_does_not_record(world):
    client = _client(world, "jinshui_bureau")
    answer = client.post(f"/parcels/schools/{world.schools['a'].pk}/receive/", {"count": "1"})
    assert answer.status_code == 404
    answer = client.post("/api/v1/parcels", {"school_id": world.schools["a"].pk, "count": 1},
                         content_type="application/json")
    assert answer.status_code == 422
    assert ParcelBatch.objects.count() == 0


def test_the_api_records_disinfects_and_places(world):
    client, staff = _client(world, "school_a_admin"), staff_member(world, "a")
    made = client.post("/api/v1/parcels", {"school_id": world.schools["a"].pk, "count": 2,
                                           "client_id": "api-1"},
                       content_type="application/json")
    assert made.status_code == 201
    batch_id = made.json()["id"]
    done = client.post(f"/api/v1/parcels/{batch_id}/disinfect", {"person_id": staff.pk},
                       content_type="application/json").json()
    assert done["disinfected_by_id"] == staff.pk and done["state"] == "disinfected"
    placed = client.post(f"/api/v1/parcels/{batch_id}/place").json()
    assert placed["state"] == "placed"
