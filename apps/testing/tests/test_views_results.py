"""Results pages with personas: import, coverage, turnaround, positives, overdue, schools,
advice; each role sees its own scope and nothing else."""

import base64
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from apps.followups.models import FollowUp
from apps.rosters.tests.files import csv_bytes, xlsx
from apps.testing.models import RoundMember, Tube
from apps.testing.services.results import results_import
from apps.testing.tests.helpers_results import a_round, closed_tube, rows

pytestmark = pytest.mark.django_db


def _client(world, username) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


@pytest.fixture
def tested(world):
    """Round 1 of school A: everyone planned today; class 1's two students and the staff
    member sampled in a pool that came back positive, class 2 not sampled."""
    r = a_round(world.schools["a"])
    p = world.persons
    for key in ("a1_student", "a1_student2", "a2_student", "a_staff"):
        RoundMember.objects.create(school=r.school, round=r, person=p[key],
                                   planned_day=timezone.localdate())
    closed_tube(r, "P1", [p["a1_student"], p["a1_student2"], p["a_staff"]], hours_ago=5)
    results_import(actor=world.users["school_a_admin"], school=r.school,
                   rows=rows(("P1", "阳性")))
    return r


# ---- import ------------------------------------------------------------------------------


def _upload(client, world, data, name="结果.csv", **extra):
    return client.post("/testing/results/import/", {
        "school": world.schools["a"].pk, "file": SimpleUploadedFile(name, data), **extra})


def test_a_school_admin_checks_a_file_then_imports_it(world):
    closed_tube(a_round(world.schools["a"]), "T1", [world.persons["a1_student"]])
    client = _client(world, "school_a_admin")
    data = csv_bytes([["管码", "结果"], ["T1", "阴性"]])
    checked = _upload(client, world, data, action="check")
    assert checked.status_code == 200
    assert b'id="results-clean"' in checked.content
    assert Tube.objects.get(barcode="T1").result == ""
    applied = client.post("/testing/results/import/", {
        "school": world.schools["a"].pk, "action": "apply", "file_name": "结果.csv",
        "content": base64.b64encode(data).decode()})
    assert applied.status_code == 302
    assert Tube.objects.get(barcode="T1").result == "negative"


def test_the_check_lists_every_bad_row_and_nothing_is_imported(world):
    closed_tube(a_round(world.schools["a"]), "T1", [world.persons["a1_student"]])
    closed_tube(a_round(world.schools["b"]), "B1", [world.persons["b1_student"]])
    client = _client(world, "school_a_admin")
    data = xlsx([["样本管号", "检测结果"], ["T1", "阴性"], ["B1", "阴性"], ["T9", "阳"]])
    response = _upload(client, world, data, name="lab.xlsx", action="apply")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-reason="other_school"' in body and 'data-reason="unknown_tube"' in body
    assert 'id="results-refused"' in body
    assert Tube.objects.get(barcode="T1").result == ""
    valid = _upload(client, world, data, name="lab.xlsx", action="apply", valid_only="on")
    assert valid.status_code == 302
    assert Tube.objects.get(barcode="T1").result == "negative"


def test_an_unreadable_file_is_an_error_on_the_file_field(world):
    response = _upload(_client(world, "school_a_admin"), world, b"<html>", name="x.xls")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert 'class="invalid-feedback d-block"' in response.content.decode()


def test_the_hospital_liaison_imports_for_its_school_only(world):
    response = _client(world, "hospital_a").get("/testing/results/import/")
    body = response.content.decode()
    assert response.status_code == 200
    assert world.schools["a"].name in body and world.schools["b"].name not in body


@pytest.mark.parametrize("username", ["teacher_a1", "reporter_a", "jinshui_bureau", "sampler_a"])
def test_roles_without_the_results_permission_cannot_open_the_import(world, username):
    assert _client(world, username).get("/testing/results/import/").status_code == 404


def test_another_schools_admin_cannot_post_for_school_a(world):
    closed_tube(a_round(world.schools["a"]), "T1", [world.persons["a1_student"]])
    response = _upload(_client(world, "school_b_admin"), world,
                       csv_bytes([["管码", "结果"], ["T1", "阴性"]]), action="apply")
    assert response.status_code == 200  # the form refuses a school not offered to them
    assert Tube.objects.get(barcode="T1").result == ""


# ---- views -------------------------------------------------------------------------------


def test_coverage_per_class_and_day_for_the_school_admin(world, tested):
    response = _client(world, "school_a_admin").get("/testing/results/coverage/")
    body = response.content.decode()
    assert response.status_code == 200
    coverage = response.context["coverage"]
    assert (coverage.planned, coverage.sampled) == (4, 3)
    assert {r.key: (r.planned, r.sampled) for r in coverage.classes} == {
        "七年级1班": (2, 2), "七年级2班": (1, 0), "教务处": (1, 1)}
    assert [(r.planned, r.sampled) for r in coverage.days] == [(4, 3)]
    assert 'id="chart-classes"' in body and "/static/vendor/chart.umd.min." in body


def test_a_class_teacher_sees_their_class_only(world, tested):
    response = _client(world, "teacher_a2").get(f"/testing/results/coverage/?round={tested.pk}")
    coverage = response.context["coverage"]
    assert [(r.key, r.planned, r.sampled) for r in coverage.classes] == [("七年级2班", 1, 0)]
    pools = _client(world, "teacher_a2").get("/testing/results/positives/").context["pools"]
    assert pools == []  # their class had nobody in the positive pool
    mine = _client(world, "teacher_a1").get("/testing/results/positives/").context["pools"]
    assert [m.name for m in mine[0].members] == ["刘小红", "张小明"]


def test_another_schools_round_is_404(world, tested):
    client = _client(world, "school_b_admin")
    assert client.get(f"/testing/results/coverage/?round={tested.pk}").status_code == 404
    assert client.get("/testing/results/positives/").context["pools"] == []


def test_positive_pools_show_each_members_recheck(world, tested):
    FollowUp.objects.update(created_at=timezone.now() - timedelta(hours=2))
    closed_tube(tested, "R1", [world.persons["a1_student"]], hours_ago=1,
                recheck_of=Tube.objects.get(barcode="P1"))
    closed_tube(tested, "R2", [world.persons["a1_student2"]], hours_ago=1,
                recheck_of=Tube.objects.get(barcode="P1"))
    results_import(actor=world.users["hospital_a"], school=tested.school,
                   rows=rows(("R1", "阴性")))
    response = _client(world, "hospital_a").get("/testing/results/positives/")
    pool = response.context["pools"][0]
    assert {m.name: (m.followup, m.recheck) for m in pool.members} == {
        "张小明": ("done", "negative"), "刘小红": ("open", "waiting"), "王建国": ("open", "")}
    assert (pool.cleared, pool.pending) == (1, 2)
    assert 'data-recheck="negative"' in response.content.decode()


def test_turnaround_gives_the_median_and_90th_percentile(world, tested):
    r = tested
    for i, hours in enumerate((2, 4, 30)):
        tube = closed_tube(r, f"Q{i}", [world.persons["a2_student"]], hours_ago=40,
                           recheck_of=Tube.objects.get(barcode="P1"))
        Tube.objects.filter(pk=tube.pk).update(
            status="resulted", result="negative", result_at=tube.closed_at + timedelta(hours=hours))
    closed_tube(r, "W1", [world.persons["a2_student"]], hours_ago=3,
                recheck_of=Tube.objects.get(barcode="P1"))
    response = _client(world, "school_a_admin").get("/testing/results/turnaround/?days=7")
    found = response.context["turnaround"]
    assert found.count == 4  # P1 (5 h before the import) and the three above
    assert found.median_hours == pytest.approx(4.5, abs=0.1)
    assert [n for _label, n in found.buckets] == [3, 0, 0, 1, 0]  # 2, 4, 5 h; 30 h
    assert found.waiting == 1


def test_overdue_lists_people_whose_regimen_test_is_due(world):
    from apps.policy.models import ProvincePolicy
    from apps.policy.selectors import pack_get
    from apps.status.services import status_recompute_persons
    from apps.travel.models import Exposure

    pack = pack_get("henan-2022")
    ProvincePolicy.objects.create(province_code="410000", pack_id=pack.id,
                                  pack_version=str(pack.version), reason="test")
    for key in ("a2_student", "b1_student"):
        person = world.persons[key]
        Exposure.objects.create(school_id=person.school_id, person=person,
                                kind="risk_area_person",
                                on=timezone.localdate() - timedelta(days=1))
        status_recompute_persons(school_id=person.school_id, person_ids=[person.pk],
                                 reason="manual")
    rows_ = _client(world, "school_a_admin").get("/testing/results/overdue/").context["rows"]
    assert [(r.status.person.name, r.index, r.of) for r in rows_] == [("陈小刚", 1, 2)]
    teacher = _client(world, "teacher_a1").get("/testing/results/overdue/").context["rows"]
    assert teacher == []


def test_a_bureau_sees_its_schools_and_not_another_countys(world, tested):
    client = _client(world, "jinshui_bureau")
    assert client.get("/testing/results/").status_code == 302
    response = client.get("/testing/results/schools/")
    found = {r.school.name: (r.planned, r.sampled, r.positive, r.open_rechecks)
             for r in response.context["rows"]}
    assert found == {world.schools["a"].name: (4, 3, 1, 3)}
    province = _client(world, "province").get("/testing/results/schools/")
    assert {r.school.pk for r in province.context["rows"]} == {
        world.schools["a"].pk, world.schools["b"].pk}
    assert _client(world, "luoyang_bureau").get("/testing/results/schools/").context[
        "rows"][0].school == world.schools["b"]


@pytest.mark.parametrize("username", ["guardian_a1", "student_a1", "gate_a", "sampler_a"])
def test_people_without_testing_view_get_404(world, username):
    for url in ("/testing/results/", "/testing/results/coverage/", "/testing/advice/"):
        assert _client(world, username).get(url).status_code == 404


def test_the_advice_page_recommends_and_charts(world):
    response = _client(world, "school_a_admin").get("/testing/advice/?prevalence=0.5")
    body = response.content.decode()
    assert response.context["advice"].best.pool_size == 20
    assert 'data-pool="20" class="table-success' in body and 'id="chart-advice"' in body
    high = _client(world, "school_a_admin").get("/testing/advice/?prevalence=35")
    assert not high.context["advice"].pooling_pays
    assert _client(world, "school_a_admin").get(
        "/testing/advice/?prevalence=150").context["advice"] is None


def test_the_menu_offers_results_and_import_by_permission(world):
    from apps.testing.menu import entries

    def ours(username):
        return [e.url_name for e in entries(world.users[username])
                if e.url_name.startswith("testing:results")]

    assert ours("school_a_admin") == ["testing:results", "testing:results_import"]
    assert ours("hospital_a") == ["testing:results", "testing:results_import"]
    assert ours("teacher_a1") == ["testing:results"]
    assert ours("guardian_a1") == []


def test_a_look_at_positive_pools_is_in_the_access_log_once_per_ten_minutes(world, tested):
    from apps.access.models import AccessLog

    teacher = _client(world, "teacher_a1")
    pools = teacher.get("/testing/results/positives/").context["pools"]
    teacher.get("/testing/results/positives/")  # a second look soon after
    logged = AccessLog.objects.filter(user=world.users["teacher_a1"], action="view_tests")
    assert sorted(logged.values_list("object_type", "object_id")) == sorted(
        ("testing.tube", str(pool.tube.pk)) for pool in pools)
    assert len(pools) == 1
    _client(world, "teacher_a2").get("/testing/results/positives/")  # shown no pool
    assert not AccessLog.objects.filter(user=world.users["teacher_a2"]).exists()
