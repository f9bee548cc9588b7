"""The orgs and regions routers as mounted under /api/v1, with the API's own auth, and the
admin pages of both apps."""

import pytest

from shaodian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_it_asks_anonymous_callers_to_sign_in(w, client):
    assert client.get("/api/v1/regions/410105").status_code == 401
    assert client.get(f"/api/v1/schools/{w.schools['a'].pk}").status_code == 401


def test_it_serves_regions_to_any_signed_in_user(w, client):
    signed_in(client, w.users["guardian_a1"])
    response = client.get("/api/v1/regions/371200")
    assert response.status_code == 200
    assert "莱芜市" in response.content.decode()  # Chinese is not escaped
    children = client.get("/api/v1/regions/410100/children").json()
    assert "410105" in [r["code"] for r in children]
    assert client.get("/api/v1/regions?q=金水&level=county").json()["count"] == 1


def test_it_answers_404_with_a_json_code_out_of_scope(w, client):
    signed_in(client, w.users["zhongyuan_bureau"])
    response = client.get(f"/api/v1/schools/{w.schools['a'].pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    signed_in(client, w.users["jinshui_bureau"])
    assert client.get(f"/api/v1/schools/{w.schools['a'].pk}").json()["name"] == "金水区第一中学"


def test_it_lists_only_the_teachers_class(w, client):
    signed_in(client, w.users["teacher_a2"])
    body = client.get(f"/api/v1/schools/{w.schools['a'].pk}/classes").json()
    assert [c["name"] for c in body["items"]] == ["七年级2班"]


def test_it_shows_the_admin_pages_read_only_for_regions(w, client):
    from apps.access.models import User

    root = User.objects.create_superuser("root", password=PASSWORD)
    signed_in(client, root)
    for path in ("/admin/regions/region/", "/admin/regions/region/371200/change/",
                 "/admin/orgs/school/", f"/admin/orgs/school/{w.schools['a'].pk}/change/",
                 f"/admin/orgs/school/{w.schools['a'].pk}/history/", "/admin/orgs/bureau/",
                 "/admin/orgs/schoolclass/", "/admin/orgs/hospital/", "/admin/orgs/dormroom/",
                 "/admin/orgs/unit/", "/admin/orgs/hospitalcontact/"):
        assert client.get(path).status_code == 200, path
    assert client.get("/admin/regions/region/add/").status_code == 403
    assert client.get("/admin/regions/region/?q=莱芜").content.decode().count("371200") >= 1
