"""A school admin sets up the school's gates: add, rename, close and reopen, each in the gate's
history; a second gate of one name is refused on the field; another school's gate is a 404."""

import pytest
from django.conf import settings
from django.http import Http404
from django.urls import reverse

from apps.core.errors import ValidationFailed
from apps.gate import gates
from apps.gate.models import Gate

pytestmark = pytest.mark.django_db


def test_it_adds_renames_and_closes_a_gate_with_history(world):
    admin, school = world.users["school_a_admin"], world.schools["a"]
    gate = gates.gate_add(actor=admin, school_id=school.pk, name="东门")
    with pytest.raises(ValidationFailed) as refused:
        gates.gate_add(actor=admin, school_id=school.pk, name=" 东门 ")
    assert [(e.field, e.reason) for e in refused.value.errors] == [("name", "duplicate")]
    gates.gate_update(actor=admin, gate_id=gate.pk, name="东大门", active=False)
    gate = Gate.objects.get(pk=gate.pk)
    assert (gate.name, gate.active) == ("东大门", False)
    assert [(h.history_type, h.history_user) for h in gate.history.order_by("history_id")] == [
        ("+", admin), ("~", admin)]
    for persona in ("school_b_admin", "teacher_a1", "gate_a"):
        with pytest.raises(Http404):
            gates.gate_update(actor=world.users[persona], gate_id=gate.pk, name="x", active=True)


def test_it_shows_the_gates_page_to_the_schools_admin_only(client, world):
    school = world.schools["a"]
    client.force_login(world.users["school_a_admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    url = reverse("gate:school_gates", args=[school.pk])
    assert client.post(url, {"name": "北门"}).status_code == 302
    answer = client.post(url, {"name": "北门"})
    assert answer.status_code == 400 and "该学校已有同名校门" in answer.content.decode()
    gate = Gate.objects.get(school=school, name="北门")
    client.post(reverse("gate:gate_edit", args=[gate.pk]), {"name": "北门", "active": ""})
    assert not Gate.objects.get(pk=gate.pk).active
    client.force_login(world.users["school_b_admin"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("gate:gate_edit", args=[gate.pk])).status_code == 404


def test_it_renames_and_closes_a_gate_over_the_api(client, world):
    gate = gates.gate_add(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk,
                          name="东门")
    url = f"/api/v1/gate/gates/{gate.pk}"
    client.force_login(world.users["school_a_admin"])
    answer = client.put(url, {"name": "东大门", "active": False}, content_type="application/json")
    assert answer.json() == {"id": gate.pk, "school_id": gate.school_id, "name": "东大门",
                             "active": False}
    refused = client.put(url, {"name": ""}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "name"
    client.force_login(world.users["school_b_admin"])
    assert client.put(url, {"name": "x"}, content_type="application/json").status_code == 404
