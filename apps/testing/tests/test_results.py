"""Importing lab results: checks, all or nothing, positive pools, rechecks, personas."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.followups.models import FollowUp
from apps.notifications.models import Notification
from apps.testing.models import Tube
from apps.testing.services.results import lab_time, result_word, results_import
from apps.testing.tests.helpers_results import a_round, closed_tube, rows, status_of
from apps.testing.tests.helpers_station import add_pupils

pytestmark = pytest.mark.django_db


def _import(world, username, rows_, school="a", **kwargs):
    return results_import(actor=world.users[username], school=world.schools[school],
                          rows=rows_, **kwargs)


@pytest.fixture
def pools(world):
    """Two pools of school A: T1 (class 1's two students), T2 (class 2's student, staff)."""
    r = a_round(world.schools["a"])
    p = world.persons
    return {
        "round": r,
        "T1": closed_tube(r, "T1", [p["a1_student"], p["a1_student2"]]),
        "T2": closed_tube(r, "T2", [p["a2_student"], p["a_staff"]]),
    }


def test_it_records_negative_results_and_leaves_normal_people_normal(world, pools):
    outcome = _import(world, "school_a_admin", rows(("T1", "阴性"), ("T2", "neg")))
    assert (outcome.applied, outcome.resulted, outcome.positive_tubes, outcome.errors) == (
        True, 2, 0, [])
    t1 = Tube.objects.get(pk=pools["T1"].pk)
    assert (t1.status, t1.result, t1.result_imported_by) == (
        "resulted", "negative", world.users["school_a_admin"])
    assert status_of(world.persons["a1_student"]) == "normal"
    assert not FollowUp.objects.exists()


def test_it_isolates_a_positive_pools_members_and_opens_a_recheck_for_each(world, pools):
    outcome = _import(world, "school_a_admin", rows(("T1", "阳性"), ("T2", "-")))
    assert (outcome.positive_tubes, outcome.isolated, outcome.rechecks_created) == (1, 2, 2)
    a1, a1b, a2 = (world.persons[k] for k in ("a1_student", "a1_student2", "a2_student"))
    assert (status_of(a1), status_of(a1b), status_of(a2)) == ("isolation", "isolation", "normal")
    followups = FollowUp.objects.order_by("person_id")
    assert [(f.person_id, f.kind, f.source, f.assignee_id) for f in followups] == [
        (a1.pk, "recheck", "tube:T1", world.users["teacher_a1"].pk),
        (a1b.pk, "recheck", "tube:T1", world.users["teacher_a1"].pk)]
    assert followups[0].due_at > timezone.now() + timedelta(hours=23)
    # The class teacher is told, once for the pool.
    told = Notification.objects.filter(recipient=world.users["teacher_a1"])
    assert told.count() == 1 and told.get().kind == "followup.recheck"
    # So is the school's epidemic office, of the positive result itself.
    office = Notification.objects.filter(kind="testing.positive")
    assert sorted(n.recipient.username for n in office) == ["reporter_a", "school_a_admin"]
    assert office.first().severity == "urgent"
    # A repeated import tells nobody again.
    _import(world, "school_a_admin", rows(("T1", "阳性")))
    assert Notification.objects.count() == 3


def test_it_clears_a_member_whose_single_tube_recheck_is_negative(world, pools):
    _import(world, "school_a_admin", rows(("T1", "positive")))
    FollowUp.objects.update(created_at=timezone.now() - timedelta(hours=1))
    a1, a1b = world.persons["a1_student"], world.persons["a1_student2"]
    closed_tube(pools["round"], "R1", [a1], hours_ago=0.5, recheck_of=pools["T1"])
    closed_tube(pools["round"], "R2", [a1b], hours_ago=0.5, recheck_of=pools["T1"])
    outcome = _import(world, "hospital_a", rows(("R1", "阴性"), ("R2", "阳性")))
    assert (outcome.rechecks_closed, outcome.rechecks_created, outcome.recomputed) == (2, 0, 2)
    assert (status_of(a1), status_of(a1b)) == ("normal", "isolation")
    done = {f.person_id: (f.status, f.outcome, f.done_by_id) for f in FollowUp.objects.all()}
    assert done[a1.pk][0] == done[a1b.pk][0] == "done"
    assert done[a1.pk][2] == world.users["hospital_a"].pk
    assert "Negative" in done[a1.pk][1] or "阴性" in done[a1.pk][1]


def test_it_leaves_open_a_recheck_whose_single_tube_was_sampled_before_the_pool_was_positive(
        world, pools):
    a1 = world.persons["a1_student"]
    early = closed_tube(a_round(world.schools["a"], name="早"), "E1", [a1], hours_ago=1)
    _import(world, "school_a_admin", rows(("T1", "positive")))
    FollowUp.objects.update(created_at=timezone.now() - timedelta(minutes=30))
    outcome = _import(world, "school_a_admin", rows((early.barcode, "negative")))
    assert outcome.rechecks_closed == 0
    assert FollowUp.objects.filter(person=a1, status="open").exists()


def test_it_refuses_the_whole_file_naming_each_bad_row(world, pools):
    other = closed_tube(a_round(world.schools["b"]), "B1", [world.persons["b1_student"]])
    closed_tube(pools["round"], "OPEN1", [world.persons["a1_student"]], closed=False,
                recheck_of=pools["T1"])
    closed_tube(pools["round"], "DONE1", [world.persons["a2_student"]], result="negative",
                recheck_of=pools["T2"])
    future = timezone.localtime() + timedelta(days=1)
    outcome = _import(world, "school_a_admin", rows(
        ("T1", "阴性"),  # good
        ("NOPE", "阴性"),  # unknown
        (other.barcode, "阴性"),  # another school's tube
        ("OPEN1", "阴性"),  # never closed
        ("DONE1", "阳性"),  # disagrees with the stored result
        ("T1", "阳性"),  # disagrees with row 2
        ("T2", "maybe"),  # no result word
        ("T2", "阴性", "yesterday"),  # no time
        ("T2", "阴性", future.strftime("%Y-%m-%d %H:%M")),  # in the future
        ("", "阴性"),  # no barcode
    ))
    assert not outcome.applied
    assert [(e.row, e.field, e.reason) for e in outcome.errors] == [
        (3, "barcode", "unknown_tube"), (4, "barcode", "other_school"),
        (5, "barcode", "not_closed"), (6, "result", "conflict"), (7, "result", "conflict"),
        (8, "result", "bad_result"), (9, "tested_at", "bad_time"), (10, "tested_at", "future"),
        (11, "barcode", "required")]
    assert outcome.rejected == 9
    assert all(e.message for e in outcome.errors)
    assert not Tube.objects.filter(barcode="T1", result="negative").exists()


def test_it_applies_the_good_rows_only_when_asked(world, pools):
    outcome = _import(world, "school_a_admin", rows(("T1", "阳性"), ("NOPE", "阴性")),
                      valid_only=True)
    assert (outcome.applied, outcome.resulted, outcome.rejected) == (True, 1, 1)
    assert Tube.objects.get(barcode="T1").result == "positive"
    assert FollowUp.objects.count() == 2


def test_a_dry_run_writes_nothing(world, pools):
    outcome = _import(world, "school_a_admin", rows(("T1", "阳性")), dry_run=True)
    assert (outcome.applied, outcome.resulted) == (False, 1)
    assert Tube.objects.get(barcode="T1").result == ""


def test_it_is_idempotent_and_a_repeated_row_is_a_no_op(world, pools):
    first = _import(world, "school_a_admin", rows(("T1", "阳性"), ("T1", "+")))
    assert (first.resulted, first.unchanged, first.rechecks_created) == (1, 1, 2)
    again = _import(world, "hospital_a", rows(("T1", "positive"), ("T2", "阴性")))
    assert (again.applied, again.resulted, again.unchanged, again.rechecks_created) == (
        True, 1, 1, 0)
    assert FollowUp.objects.count() == 2
    assert Tube.objects.get(barcode="T1").result_imported_by == world.users["school_a_admin"]


def test_it_keeps_the_labs_time_as_the_result_time(world, pools):
    tested = timezone.localtime() - timedelta(hours=1)
    _import(world, "school_a_admin", rows(("T1", "阴性", tested.strftime("%Y/%m/%d %H:%M"))))
    assert Tube.objects.get(barcode="T1").result_at == tested.replace(second=0, microsecond=0)


def test_it_refuses_a_time_before_the_tube_was_closed(world, pools):
    before = timezone.localtime() - timedelta(days=2)
    outcome = _import(world, "school_a_admin", rows(("T1", "阴性", before)))
    assert [e.reason for e in outcome.errors] == ["before_closed"]


def test_a_drill_rounds_rechecks_are_drills(world):
    r = a_round(world.schools["a"], drill=True)
    closed_tube(r, "D1", [world.persons["a1_student"], world.persons["a1_student2"]])
    _import(world, "school_a_admin", rows(("D1", "阳性")))
    assert set(FollowUp.objects.values_list("drill", flat=True)) == {True}


@pytest.mark.parametrize("username", ["school_a_admin", "hospital_a"])
def test_the_school_admin_and_the_designated_hospital_import_for_the_school(
        world, pools, username):
    assert _import(world, username, rows(("T1", "阴性"))).applied


@pytest.mark.parametrize("username", ["teacher_a1", "school_b_admin", "reporter_a",
                                      "sampler_a", "jinshui_bureau", "guardian_a1"])
def test_others_cannot_import_for_the_school(world, pools, username):
    with pytest.raises(ValidationFailed) as refused:
        _import(world, username, rows(("T1", "阴性")))
    assert refused.value.errors[0].reason == "out_of_scope"
    assert Tube.objects.get(barcode="T1").result == ""


def test_the_hospital_cannot_import_for_a_school_it_is_not_paired_with(world):
    closed_tube(a_round(world.schools["b"]), "B1", [world.persons["b1_student"]])
    with pytest.raises(ValidationFailed):
        _import(world, "hospital_a", rows(("B1", "阴性")), school="b")


def test_it_imports_many_tubes_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    r = a_round(world.schools["a"])
    pupils = add_pupils(world, "a", "a_c1", 60)

    def batch(prefix: str, first: int, n: int):
        for i in range(first, first + n):
            closed_tube(r, f"{prefix}{i}", pupils[i * 3: i * 3 + 3])
        return rows(*((f"{prefix}{i}", "阴性") for i in range(first, first + n)))

    few, many = batch("F", 0, 2), batch("M", 2, 18)
    with django_assert_max_num_queries(30) as few_queries:
        _import(world, "school_a_admin", few)
    with django_assert_max_num_queries(len(few_queries)):
        assert _import(world, "school_a_admin", many).resulted == 18


@pytest.mark.parametrize(("word", "result"), [
    ("阴性", "negative"), (" NEGATIVE ", "negative"), ("neg", "negative"), ("-", "negative"),
    ("－", "negative"), ("阳性", "positive"), ("Positive", "positive"), ("pos", "positive"),
    ("+", "positive"), ("＋", "positive"), ("无效", "invalid"), ("invalid", "invalid"),
    ("阴 性", "negative"), ("maybe", None), ("", None), (None, None), ("0", None),
])
def test_it_reads_the_result_words_labs_write(word, result):
    assert result_word(word) == result


@pytest.mark.parametrize("value", ["2022-03-16 14:30", "2022/3/16 14:30", "2022年3月16日 14时30分",
                                   "2022-03-16T14:30:00+08:00", 44636.6041666667])
def test_it_reads_the_times_labs_write_in_shanghai_time(value):
    assert timezone.localtime(lab_time(value)).strftime("%Y-%m-%d %H:%M") == "2022-03-16 14:30"


def test_it_reads_a_date_alone_as_its_start_and_an_empty_time_as_none():
    assert timezone.localtime(lab_time("2022-03-16")).hour == 0
    assert lab_time("") is None and lab_time(None) is None
    with pytest.raises(ValueError):
        lab_time("next tuesday")


def test_results_count_towards_two_tests_in_three_days(world, settings,
                                                       django_capture_on_commit_callbacks):
    """Under the 2022 pack a contact of a person from a risk area must test twice in three
    days, 24 h apart: two negative tubes make the status compliant (by the task queued on
    commit for members whose stored status may hold a regimen)."""
    from apps.policy.models import ProvincePolicy
    from apps.policy.selectors import pack_get
    from apps.status.models import PersonStatus
    from apps.status.services import status_recompute_persons
    from apps.travel.models import Exposure

    pack = pack_get("henan-2022")
    ProvincePolicy.objects.create(province_code="410000", pack_id=pack.id,
                                  pack_version=str(pack.version), reason="test")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    a2 = world.persons["a2_student"]
    Exposure.objects.create(school_id=a2.school_id, person=a2, kind="risk_area_person",
                            on=timezone.localdate() - timedelta(days=2))
    status_recompute_persons(school_id=a2.school_id, person_ids=[a2.pk], reason="manual")
    before = PersonStatus.objects.get(person=a2)
    assert before.category == "key_population" and not before.compliant
    first = a_round(world.schools["a"], days_ago=2)
    second = a_round(world.schools["a"], name="第二次")
    closed_tube(first, "K1", [a2, world.persons["a_staff"]], hours_ago=40)
    closed_tube(second, "K2", [a2, world.persons["a_staff"]], hours_ago=2)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = _import(world, "school_a_admin", rows(("K1", "阴性"), ("K2", "阴性")))
    assert outcome.recomputed == 0  # no positive, no recheck: nothing urgent
    after = PersonStatus.objects.get(person=a2)
    tests = [a for a in after.actions if a["kind"] == "test"]
    assert [a["done"] for a in tests] == [True, True]
    assert after.compliant
