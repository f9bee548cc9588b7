"""The sampling station through the API, with personas: open, scan, close, undo, the
never-pooled rule, one sample per person and round, replays, scope."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.health.models import CheckIn
from apps.status.models import PersonStatus
from apps.testing.models import RoundMember, Sample, Tube
from apps.testing.tests.helpers_station import add_pupils, caller, code, open_round, scans
from apps.travel.models import Exposure

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    return caller(world)


@pytest.fixture
def pupils(world):
    return add_pupils(world, "a", "a_c1", 8)


def open_tube(api, test_round, client_id="t-1", user="sampler_a", **body):
    return api(user, "post", f"/rounds/{test_round.pk}/tubes", {"client_id": client_id, **body})


def test_it_scans_codes_and_numbers_into_a_pool_and_closes_it_with_its_barcode(world, api):
    test_round = open_round(world)
    a1, a2 = world.persons["a1_student"], world.persons["a2_student"]
    opened = open_tube(api, test_round, pool_size=5, station="东门")
    assert opened.status_code == 201, opened.content
    tube_id = opened.json()["tube"]["id"]
    body = {"scans": [{"client_id": "s-1", "code": code(a1)},
                      {"client_id": "s-2", "code": a2.number}]}
    added = api("sampler_a", "post", f"/tubes/{tube_id}/scans", body).json()
    assert [(s["status"], s["person_id"], s["name"]) for s in added["scans"]] == [
        ("added", a1.pk, "张小明"), ("added", a2.pk, "陈小刚")]
    assert added["samples"] == 2 and not added["full"]
    closed = api("sampler_a", "post", f"/tubes/{tube_id}/close", {"barcode": "LAB0001"}).json()
    tube = Tube.objects.get(pk=tube_id)
    assert closed["tube"]["status"] == "closed" and tube.barcode == "LAB0001"
    assert tube.closed_at is not None and tube.station == "东门"
    assert set(Sample.objects.filter(tube=tube).values_list("person_id", flat=True)) == {
        a1.pk, a2.pk}


def test_it_closes_a_full_pool_by_itself_when_its_barcode_was_scanned_first(world, api,
                                                                               pupils):
    test_round = open_round(world)
    report = open_tube(api, test_round, pool_size=5, barcode="LAB0002",
                       scans=scans(*pupils[:5])).json()
    assert report["tube"]["status"] == "closed" and report["samples"] == 5


def test_it_asks_for_the_barcode_of_a_full_pool_and_refuses_a_sixth_swab(world, api, pupils):
    test_round = open_round(world)
    report = open_tube(api, test_round, pool_size=5, scans=scans(*pupils[:6])).json()
    assert report["full"] and report["needs_barcode"] and report["tube"]["status"] == "open"
    sixth = report["scans"][5]
    assert (sixth["index"], sixth["status"], sixth["field"], sixth["reason"]) == (
        5, "refused", "code", "tube_full")
    closed = api("sampler_a", "post", f"/tubes/{report['tube']['id']}/scans",
                 {"barcode": "LAB0003"}).json()
    assert closed["tube"]["status"] == "closed"


def test_it_refuses_a_person_already_in_another_tube_of_the_round(world, api):
    test_round = open_round(world)
    a1 = world.persons["a1_student"]
    open_tube(api, test_round, "t-1", pool_size=5, scans=scans(a1, prefix="x"))
    other = open_tube(api, test_round, "t-2", pool_size=5, scans=scans(a1, prefix="y")).json()
    refused = other["scans"][0]
    assert (refused["status"], refused["reason"]) == ("refused", "already_sampled")
    assert Sample.objects.filter(round=test_round, person=a1).count() == 1


def test_it_keeps_one_live_sample_per_person_and_round_in_the_database(world, pupils):
    test_round = open_round(world)
    school = world.schools["a"]
    first, second = (Tube.objects.create(school=school, round=test_round, pool_size=5,
                                         client_id=c) for c in ("d-1", "d-2"))
    person = pupils[0]
    Sample.objects.create(school=school, round=test_round, tube=first, person=person,
                          client_id="d-s1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Sample.objects.create(school=school, round=test_round, tube=second, person=person,
                              client_id="d-s2")
    # A recheck tube is outside the rule; so is an undone sample.
    recheck = Tube.objects.create(school=school, round=test_round, pool_size=1,
                                  client_id="d-3", recheck_of=first)
    Sample.objects.create(school=school, round=test_round, tube=recheck, person=person,
                          client_id="d-s3", recheck=True)
    Sample.objects.filter(client_id="d-s1").update(removed_at=timezone.now())
    Sample.objects.create(school=school, round=test_round, tube=second, person=person,
                          client_id="d-s4")


def test_it_answers_a_double_scan_in_the_same_tube_as_a_duplicate(world, api):
    test_round = open_round(world)
    a1 = world.persons["a1_student"]
    report = open_tube(api, test_round, pool_size=5,
                       scans=[{"client_id": "s-1", "code": code(a1)},
                              {"client_id": "s-2", "code": a1.number}]).json()
    assert [s["status"] for s in report["scans"]] == ["added", "duplicate"]
    assert report["samples"] == 1


@pytest.mark.parametrize("make_single, why", [
    (lambda w, p: Exposure.objects.create(school=p.school, person=p, kind="close_contact",
                                          on=timezone.localdate() - timedelta(days=2)),
     "close_contact"),
    (lambda w, p: PersonStatus.objects.create(school=p.school, person=p,
                                              category="home_quarantine", pack="routine",
                                              pack_version="1"),
     "close_contact"),
    (lambda w, p: CheckIn.objects.create(school=p.school, person=p, day=timezone.localdate(),
                                         slot="morning", abnormal=True, symptoms=["cough"],
                                         submitted_as="self", client_id="c-1"),
     "symptoms"),
])
def test_it_never_pools_a_close_contact_or_a_person_with_symptoms(world, api, pupils,
                                                                   make_single, why):
    test_round = open_round(world)
    contact = pupils[1]
    make_single(world, contact)
    report = open_tube(api, test_round, pool_size=5, scans=scans(pupils[0], contact)).json()
    single = report["scans"][1]
    assert (single["status"], single["reason"], single["person_id"]) == ("single", why,
                                                                         contact.pk)
    assert single["tube_id"] != report["tube"]["id"] and report["samples"] == 1
    tube = Tube.objects.get(pk=single["tube_id"])
    assert (tube.pool_size, tube.single_reason, tube.status) == (1, why, "open")
    assert list(tube.samples.values_list("person_id", flat=True)) == [contact.pk]
    # The single tube is closed with its own barcode, like any other.
    closed = api("sampler_a", "post", f"/tubes/{tube.pk}/close", {"barcode": "SINGLE01"})
    assert closed.json()["tube"]["status"] == "closed"


def test_it_pools_an_old_exposure_and_yesterdays_symptoms(world, api, pupils):
    test_round = open_round(world)
    Exposure.objects.create(school=pupils[0].school, person=pupils[0], kind="close_contact",
                            on=timezone.localdate() - timedelta(days=30))
    CheckIn.objects.create(school=pupils[1].school, person=pupils[1], abnormal=True,
                           day=timezone.localdate() - timedelta(days=1), slot="morning",
                           submitted_as="self", client_id="c-2")
    report = open_tube(api, test_round, pool_size=5, scans=scans(*pupils[:2])).json()
    assert [s["status"] for s in report["scans"]] == ["added", "added"]


def test_it_undoes_a_mis_scan_before_the_tube_closes_and_not_after(world, api, pupils):
    test_round = open_round(world)
    report = open_tube(api, test_round, pool_size=5, scans=scans(*pupils[:3])).json()
    tube_id, wrong = report["tube"]["id"], report["scans"][1]
    undone = api("sampler_a", "post", f"/tubes/{tube_id}/undo", {"sample_id": wrong["sample_id"]})
    assert undone.status_code == 200 and undone.json()["removed_at"]
    again = api("sampler_a", "post", f"/tubes/{tube_id}/undo", {"client_id": "s-1"})
    assert again.json()["id"] == wrong["sample_id"]  # undoing twice is the same
    # The undone person may be scanned again, here or in another tube.
    moved = open_tube(api, test_round, "t-2", pool_size=5, scans=scans(pupils[1], prefix="m"))
    assert moved.json()["scans"][0]["status"] == "added"
    closed = api("sampler_a", "post", f"/tubes/{tube_id}/close", {"barcode": "LAB9"}).json()
    assert closed["samples"] == 2
    late = api("sampler_a", "post", f"/tubes/{tube_id}/undo", {"client_id": "s-0"})
    assert late.status_code == 422 and late.json()["errors"][0]["reason"] == "tube_closed"


def test_it_brings_back_an_undone_scan_of_the_same_person_into_the_same_tube(world, api,
                                                                              pupils):
    test_round = open_round(world)
    report = open_tube(api, test_round, pool_size=5, scans=scans(pupils[0])).json()
    tube_id = report["tube"]["id"]
    api("sampler_a", "post", f"/tubes/{tube_id}/undo", {"client_id": "s-0"})
    back = api("sampler_a", "post", f"/tubes/{tube_id}/scans",
               {"scans": scans(pupils[0], prefix="b")}).json()
    assert back["scans"][0]["status"] == "added" and back["samples"] == 1
    assert Sample.objects.filter(tube_id=tube_id).count() == 1


def test_it_replays_an_upload_without_changing_anything(world, api, pupils):
    test_round = open_round(world)
    body = {"client_id": "t-9", "pool_size": 10, "barcode": "LAB0010",
            "scans": scans(*pupils[:4]), "close": True}
    first = api("sampler_a", "post", f"/rounds/{test_round.pk}/tubes", body).json()
    again = api("sampler_a", "post", f"/rounds/{test_round.pk}/tubes", body).json()
    assert first["tube"]["id"] == again["tube"]["id"] and again["tube"]["status"] == "closed"
    assert [s["status"] for s in again["scans"]] == ["duplicate"] * 4
    assert [s["sample_id"] for s in again["scans"]] == [s["sample_id"] for s in first["scans"]]
    assert Tube.objects.count() == 1 and Sample.objects.count() == 4


def test_it_replays_an_offline_queue_of_open_scans_undo_and_close(world, api, pupils):
    """What the station's localStorage queue sends after a network drop, sent twice (the
    answer to the first upload was lost)."""
    test_round = open_round(world)

    def upload():
        tube = open_tube(api, test_round, "q-tube", pool_size=5).json()["tube"]["id"]
        api("sampler_a", "post", f"/tubes/{tube}/scans", {"scans": scans(*pupils[:3], prefix="q")})
        api("sampler_a", "post", f"/tubes/{tube}/undo", {"client_id": "q-2"})
        api("sampler_a", "post", f"/tubes/{tube}/scans", {"scans": scans(pupils[3], prefix="r")})
        return api("sampler_a", "post", f"/tubes/{tube}/close", {"barcode": "Q001"}).json()

    first, second = upload(), upload()
    assert first == second
    assert first["samples"] == 3 and first["tube"]["status"] == "closed"
    live = Sample.objects.filter(removed_at__isnull=True).values_list("person_id", flat=True)
    assert set(live) == {pupils[0].pk, pupils[1].pk, pupils[3].pk}


def test_it_names_the_index_field_and_reason_of_each_bad_scan(world, api, pupils):
    test_round = open_round(world)
    good = code(pupils[0])
    tampered = good[:-1] + ("A" if good[-1] != "A" else "B")
    expired = code(pupils[1], day=timezone.localdate() - timedelta(days=3))
    report = open_tube(api, test_round, pool_size=5, scans=[
        {"client_id": "e-0", "code": good},
        {"client_id": "e-1", "code": tampered},
        {"client_id": "e-2", "code": expired},
        {"client_id": "e-3", "code": "NOBODY"},
        {"client_id": "e-4", "code": "SD1.garbage"},
        {"client_id": "e-0", "code": code(pupils[2])},
    ]).json()
    assert [(s["index"], s["status"], s["field"], s["reason"]) for s in report["scans"]] == [
        (0, "added", "", ""),
        (1, "refused", "code", "code_tampered"),
        (2, "refused", "code", "code_expired"),
        (3, "refused", "code", "not_found"),
        (4, "refused", "code", "malformed"),
        (5, "refused", "client_id", "repeated"),
    ]
    assert all(s["message"] for s in report["scans"][1:])


def test_it_refuses_a_pool_size_the_round_or_the_policy_does_not_allow(world, api):
    pooled, single = open_round(world), open_round(world, kind="pcr_single")
    assert open_tube(api, pooled, "p-1", pool_size=3).json()["errors"][0]["reason"] == (
        "not_allowed")
    assert open_tube(api, single, "p-2", pool_size=5).json()["errors"][0]["reason"] == (
        "single_round")
    default = open_tube(api, single, "p-3").json()["tube"]
    assert default["pool_size"] == 1
    assert open_tube(api, pooled, "p-4").json()["tube"]["pool_size"] == 10  # the pack's


def test_it_refuses_tubes_and_scans_when_the_round_is_not_open(world, api, pupils):
    test_round = open_round(world)
    tube = open_tube(api, test_round, pool_size=5).json()["tube"]["id"]
    test_round.status = "closed"
    test_round.save()
    assert open_tube(api, test_round, "t-2").json()["errors"][0]["reason"] == "round_not_open"
    late = api("sampler_a", "post", f"/tubes/{tube}/scans", {"scans": scans(pupils[0])}).json()
    assert late["scans"][0]["reason"] == "round_not_open"


def test_it_refuses_someone_not_on_a_planned_rounds_list(world, api, pupils):
    test_round = open_round(world)
    RoundMember.objects.create(school=test_round.school, round=test_round, person=pupils[0],
                               planned_day=test_round.day)
    report = open_tube(api, test_round, pool_size=5, scans=scans(*pupils[:2])).json()
    assert [s["reason"] for s in report["scans"]] == ["", "not_in_round"]


def test_it_refuses_a_barcode_another_tube_has(world, api, pupils):
    test_round = open_round(world)
    open_tube(api, test_round, "t-1", barcode="DUP1")
    taken = open_tube(api, test_round, "t-2", barcode="DUP1").json()
    assert (taken["errors"][0]["field"], taken["errors"][0]["reason"]) == ("barcode",
                                                                           "barcode_taken")
    empty = open_tube(api, test_round, "t-3", barcode="E1").json()["tube"]["id"]
    refused = api("sampler_a", "post", f"/tubes/{empty}/close", {"barcode": ""}).json()
    assert refused["errors"][0]["reason"] == "empty"


def test_it_keeps_samplers_to_their_own_school(world, api):
    round_a, round_b = open_round(world, "a"), open_round(world, "b")
    assert open_tube(api, round_b, "x-1").status_code == 404
    b_person = world.persons["b1_student"]
    report = open_tube(api, round_a, pool_size=5, scans=scans(b_person, b_person.number,
                                                               prefix="b")).json()
    assert [s["reason"] for s in report["scans"]] == ["not_found", "not_found"]
    b_tube = Tube.objects.create(school=round_b.school, round=round_b, pool_size=5,
                                 client_id="b-t")
    assert api("sampler_a", "post", f"/tubes/{b_tube.pk}/scans", {"scans": []}).status_code == 404
    assert api("sampler_a", "get", f"/rounds/{round_b.pk}/tubes").status_code == 404


def test_it_lets_a_class_teacher_see_tubes_but_not_sample(world, api):
    test_round = open_round(world)
    assert open_tube(api, test_round, user="teacher_a1").status_code == 404
    open_tube(api, test_round, "t-1", pool_size=5, scans=scans(world.persons["a1_student"]))
    listed = api("teacher_a1", "get", f"/rounds/{test_round.pk}/tubes").json()
    assert listed["count"] == 1 and listed["items"][0]["samples"] == 1
    assert api("hospital_a", "get", f"/rounds/{test_round.pk}/tubes").json()["count"] == 1
    assert api("guardian_a1", "get", f"/rounds/{test_round.pk}/tubes").status_code == 404


def test_it_pools_close_contacts_when_the_rounds_rules_allow_it(world, api, pupils):
    test_round = open_round(world, pooling={"pool_size_default": 5, "pool_size_max": 10,
                                            "pool_close_contacts": True})
    Exposure.objects.create(school=pupils[0].school, person=pupils[0], kind="close_contact",
                            on=timezone.localdate())
    report = open_tube(api, test_round, scans=scans(pupils[0])).json()
    assert report["tube"]["pool_size"] == 5 and report["scans"][0]["status"] == "added"
    assert open_tube(api, test_round, "t-2", pool_size=20).json()["errors"][0]["reason"] == (
        "over_policy")


def test_it_answers_by_name_when_it_loses_a_race_for_the_same_person(world, api, pupils,
                                                                     monkeypatch):
    """Two stations scan one person at the same moment: the loser's check ran before the
    winner's insert, so its insert hits the partial unique constraint; the whole call runs
    again and refuses the scan with its reason, keeping the others."""
    from apps.testing.services import station

    test_round = open_round(world)
    winner = open_tube(api, test_round, "t-1", pool_size=5, scans=scans(pupils[0], prefix="w"))
    assert winner.json()["scans"][0]["status"] == "added"
    real, calls = station._Batch._check_round, []

    def stale_then_real(self, fresh, people, elsewhere):
        calls.append(len(elsewhere))
        return real(self, fresh, people, {} if len(calls) == 1 else elsewhere)

    monkeypatch.setattr(station._Batch, "_check_round", stale_then_real)
    loser = open_tube(api, test_round, "t-2", pool_size=5,
                      scans=scans(pupils[0], pupils[1], prefix="l")).json()
    assert [s["reason"] for s in loser["scans"]] == ["already_sampled", ""]
    assert calls == [1, 1] and loser["samples"] == 1


def test_it_names_the_other_tubes_barcode_when_a_person_is_already_sampled(world, api):
    test_round = open_round(world)
    a1 = world.persons["a1_student"]
    open_tube(api, test_round, "t-1", pool_size=5, barcode="TB-0001", scans=scans(a1))
    other = open_tube(api, test_round, "t-2", pool_size=5, scans=scans(a1, prefix="y")).json()
    assert "TB-0001" in other["scans"][0]["message"]


def _signed_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def test_it_runs_the_same_queries_for_one_scan_or_a_pools_worth(world, api, pupils):
    test_round = open_round(world)
    client, counts = _signed_in(world, "sampler_a"), []
    for n, batch in enumerate((pupils[:1], pupils[1:6])):
        tube = open_tube(api, test_round, f"t-{n}", pool_size=10).json()["tube"]
        with CaptureQueriesContext(connection) as captured:
            answer = client.post(f"/api/v1/testing/tubes/{tube['id']}/scans",
                                 {"scans": scans(*batch, prefix=f"b{n}")},
                                 content_type="application/json")
        assert [s["status"] for s in answer.json()["scans"]] == ["added"] * len(batch)
        counts.append(len(captured.captured_queries))
    # the session's, the grants', then the tube's (locked), the people's, the samples', one
    # insert, and the transaction's
    assert counts == [10, 10]


def test_it_closes_a_tube_with_its_barcode_in_one_update(world, api, pupils):
    test_round = open_round(world)
    tube = open_tube(api, test_round, pool_size=5, scans=scans(*pupils[:3])).json()["tube"]
    client = _signed_in(world, "sampler_a")
    with CaptureQueriesContext(connection) as captured:
        closed = client.post(f"/api/v1/testing/tubes/{tube['id']}/close",
                             {"barcode": "TB-0002"}, content_type="application/json")
    assert closed.json()["tube"]["status"] == "closed"
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and "TB-0002" in updates[0]
    assert Tube.objects.get(pk=tube["id"]).barcode == "TB-0002"
