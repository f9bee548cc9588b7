"""Versions in force: a switch of the province's pack scheduled for a time, applied exactly
once by the periodic task (a conditional UPDATE claims it), cancelled, refused when its file
changed, and the statuses it changes recomputed in its transaction, each change naming the
pack, version and layer that decided it."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.policy import selectors
from apps.policy.models import PolicySwitch, ProvincePolicy
from apps.policy.services import (
    policy_switch_cancel,
    policy_switch_schedule,
    policy_switches_apply_due,
)
from apps.status.models import PersonStatusChange
from apps.status.tests.conftest import SHANGHAI_PUDONG, status_of, trip

pytestmark = pytest.mark.django_db
PROVINCE = "410000"


def schedule(world, pack_id="henan-2022", *, hours=2, who="province", reason="疫情升级",
             version=None):
    return policy_switch_schedule(
        actor=world.users[who], province_code=PROVINCE, pack_id=pack_id,
        pack_version=version or str(selectors.pack_get(pack_id).version),
        effective_from=timezone.now() + timedelta(hours=hours), reason=reason)


def later(hours):
    return timezone.now() + timedelta(hours=hours)


def in_force():
    return selectors.active_pack(PROVINCE).id


@pytest.mark.parametrize(("apply_after_hours", "applied", "pack"), [
    (1, 0, "routine"),  # before its time: nothing changes
    (2.5, 1, "henan-2022"),  # after it: applied
])
def test_it_applies_a_switch_only_once_its_time_has_come(world, apply_after_hours, applied,
                                                         pack):
    switch = schedule(world)
    assert (switch.state, in_force()) == ("scheduled", "routine")
    assert len(policy_switches_apply_due(now=later(apply_after_hours))) == applied
    assert in_force() == pack


def test_it_applies_a_switch_exactly_once(world):
    switch = schedule(world)
    first = policy_switches_apply_due(now=later(3))
    again = policy_switches_apply_due(now=later(4))
    assert [s.pk for s in first] == [switch.pk] and again == []
    switch.refresh_from_db()
    assert (switch.state, switch.previous_pack_id, switch.pack_id) == (
        "applied", "routine", "henan-2022")
    assert switch.applied_at == first[0].applied_at
    choice = ProvincePolicy.objects.get(province_code=PROVINCE)
    assert choice.history.count() == 1  # one choice written
    assert choice.chosen_by == world.users["province"] and choice.reason == "疫情升级"


def test_it_cancels_a_scheduled_switch_and_never_applies_it(world):
    switch = schedule(world)
    cancelled = policy_switch_cancel(actor=world.users["province"], switch=switch.pk)
    assert (cancelled.state, cancelled.cancelled_by) == ("cancelled", world.users["province"])
    assert policy_switch_cancel(actor=world.users["province"], switch=switch.pk).state == (
        "cancelled")  # again: the same
    assert policy_switches_apply_due(now=later(3)) == []
    assert in_force() == "routine"


def test_it_refuses_to_cancel_a_switch_already_applied(world):
    switch = schedule(world)
    policy_switches_apply_due(now=later(3))
    with pytest.raises(ValidationFailed) as caught:
        policy_switch_cancel(actor=world.users["province"], switch=switch.pk)
    assert [(e.field, e.reason) for e in caught.value.errors] == [("switch", "applied")]


@pytest.mark.parametrize(("kwargs", "field", "reason"), [
    ({"hours": -1}, "effective_from", "past"),
    ({"version": "1999"}, "pack_version", "stale"),
    ({"pack_id": "nope", "version": "1"}, "pack_id", "unknown"),
    ({"reason": " "}, "reason", "required"),
])
def test_it_refuses_a_bad_schedule(world, kwargs, field, reason):
    with pytest.raises(ValidationFailed) as caught:
        schedule(world, **kwargs)
    assert (field, reason) in [(e.field, e.reason) for e in caught.value.errors]
    assert not PolicySwitch.objects.exists()


def test_it_keeps_one_switch_scheduled_at_a_time(world):
    at = later(2)
    same = {"actor": world.users["province"], "province_code": PROVINCE,
            "pack_id": "henan-2022", "pack_version": str(selectors.pack_get("henan-2022").version),
            "effective_from": at, "reason": "疫情升级"}
    first = policy_switch_schedule(**same)
    assert policy_switch_schedule(**same).pk == first.pk  # the same submission again
    with pytest.raises(ValidationFailed) as caught:
        schedule(world, hours=5)
    assert [(e.field, e.reason) for e in caught.value.errors] == [("effective_from", "pending")]


def test_it_refuses_a_switch_whose_pack_file_changed_since(world, monkeypatch):
    switch = schedule(world)
    pack = selectors.pack_get("henan-2022")
    newer = replace(pack, version="2099.1.0")
    monkeypatch.setattr(selectors, "pack_get",
                        lambda pack_id: newer if pack_id == "henan-2022" else pack)
    assert [s.state for s in policy_switches_apply_due(now=later(3))] == ["refused"]
    monkeypatch.undo()
    assert in_force() == "routine"
    switch.refresh_from_db()
    assert switch.state == "refused"


@pytest.mark.parametrize("persona", ["jinshui_bureau", "school_a_admin", "teacher_a1"])
def test_it_lets_only_the_province_admin_schedule_and_cancel(world, persona):
    with pytest.raises(Http404):
        schedule(world, who=persona)
    switch = schedule(world)
    with pytest.raises(Http404):
        policy_switch_cancel(actor=world.users[persona], switch=switch.pk)
    assert PolicySwitch.objects.get().state == "scheduled"


def test_it_recomputes_and_names_the_version_and_layer_of_each_change(world):
    a1, b1 = world.persons["a1_student"], world.persons["b1_student"]
    trip(a1, SHANGHAI_PUDONG, back_days_ago=3)  # back from another province
    schedule(world)
    [switch] = policy_switches_apply_due(now=later(3))
    henan = selectors.pack_get("henan-2022")
    assert status_of(a1)[0] == "key_population"  # the layer's rule
    assert status_of(b1) is None  # nothing about them: not even looked at
    assert switch.recomputed == 1
    change = PersonStatusChange.objects.get(person=a1)
    assert (change.pack, change.pack_version, change.layer, change.cause) == (
        "henan-2022", str(henan.version), "henan-2022", "policy")

    schedule(world, "routine", hours=5, reason="疫情结束")  # the layer off, the base kept
    [off] = policy_switches_apply_due(now=later(6))
    assert (off.previous_pack_id, off.pack_id, in_force()) == ("henan-2022", "routine",
                                                               "routine")
    assert status_of(a1)[0] == "normal"
    latest = PersonStatusChange.objects.filter(person=a1).first()  # newest first
    assert (latest.category, latest.pack, latest.layer) == ("normal", "routine", "routine")


def test_it_counts_a_choice_made_now_in_the_history_of_switches(world):
    from apps.policy.services import policy_choose_pack

    policy_choose_pack(actor=world.users["province"], province_code=PROVINCE,
                       pack_id="henan-2022", reason="两触发")
    [switch] = selectors.switches_for(PROVINCE)
    assert (switch.state, switch.pack_id, switch.previous_pack_id) == (
        "applied", "henan-2022", "routine")


# ---- pages and API -------------------------------------------------------------------


def test_the_policy_page_shows_the_switch_with_cancel_to_the_province_admin_only(world,
                                                                               client):
    switch = schedule(world)
    client.force_login(world.users["province"])
    page = client.get(reverse("policy:index")).content.decode()
    assert 'id="scheduled-switch"' in page and 'id="switch-cancel"' in page
    assert "henan-2022" in page and "疫情升级" in page
    client.force_login(world.users["jinshui_bureau"])
    page = client.get(reverse("policy:index")).content.decode()
    assert 'id="scheduled-switch"' in page and 'id="switch-cancel"' not in page
    cancel = reverse("policy:switch_cancel", args=[switch.pk])
    assert client.post(cancel).status_code == 404
    client.force_login(world.users["province"])
    assert client.post(cancel).status_code == 302
    assert PolicySwitch.objects.get().state == "cancelled"


def test_the_choose_page_schedules_a_switch_for_a_time_given(world, client):
    pack = selectors.pack_get("henan-2022")
    client.force_login(world.users["province"])
    when = timezone.localtime(later(24)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("policy:choose"), {
        "pack": f"henan-2022@{pack.version}", "effective_from": when, "reason": "明日起",
        "confirmed": "1"})
    assert response.status_code == 302
    switch = PolicySwitch.objects.get()
    assert (switch.state, timezone.localtime(switch.effective_from).strftime(
        "%Y-%m-%dT%H:%M")) == ("scheduled", when)
    assert in_force() == "routine"


def test_the_api_schedules_cancels_and_shows_the_version_in_force(world, client):
    base = "/api/v1/policy"
    version = str(selectors.pack_get("henan-2022").version)
    body = {"province_code": PROVINCE, "pack_id": "henan-2022", "pack_version": version,
            "effective_from": later(2).isoformat(), "reason": "疫情升级"}
    client.force_login(world.users["jinshui_bureau"])
    assert client.post(f"{base}/switches", body, content_type="application/json"
                       ).status_code == 404
    client.force_login(world.users["province"])
    created = client.post(f"{base}/switches", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["state"] == "scheduled"
    for persona in ("province", "jinshui_bureau", "school_a_admin"):
        client.force_login(world.users[persona])
        shown = client.get(f"{base}/in-force", {"province_code": PROVINCE}).json()
        assert (shown["pack"], shown["scheduled"]["pack_id"]) == ("routine", "henan-2022")
    assert client.get(f"{base}/in-force", {"province_code": "310000"}).status_code == 404
    client.force_login(world.users["province"])
    switch_id = created.json()["id"]
    cancelled = client.post(f"{base}/switches/{switch_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert client.get(f"{base}/in-force", {"province_code": PROVINCE}).json()[
        "scheduled"] is None


def test_it_tells_the_caches_of_policy_and_enqueues_no_second_recompute(world,
                                                                         django_capture_on_commit_callbacks):
    from apps.policy.signals import policy_changed

    heard = []

    def listen(sender, school_ids, **kwargs):
        heard.append((sender, len(school_ids)))

    policy_changed.connect(listen)
    try:
        schedule(world)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            policy_switches_apply_due(now=later(3))
    finally:
        policy_changed.disconnect(listen)
    assert heard == [(PolicySwitch, 2)]  # both schools of the province
    assert len(callbacks) == 1  # the signal only: the status receiver enqueued nothing
