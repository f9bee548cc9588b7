"""A regimen ends in a verdict, end to end: closed complete leaves nothing; closed incomplete
leaves a lasting mark and a follow-up for the class teacher, once however often it runs;
a late test or a recorded decision clears it. The person came back from Shanghai 12 days ago
(henan-2022: key population, 3 tests on days 0, 2 and 4, the window through day 7)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.followups.models import FollowUp, FollowUpStatus
from apps.status.models import ClearedBy, PersonStatus, PersonStatusChange, RegimenMark
from apps.status.services import (
    regimen_mark_clear,
    status_recompute_expiring,
    status_recompute_persons,
    status_recompute_schools,
)
from apps.status.tests.conftest import SHANGHAI_PUDONG, days_ago, status_of, trip

pytestmark = pytest.mark.django_db
BACK_DAYS_AGO = 12  # the window ran from 12 to 5 days ago and closed 4 days ago at midnight


def at(day, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def sampled(person, taken_at, result="negative"):
    """A single-tube test of the person taken then, resulted."""
    from apps.testing.models import Sample, TestRound, Tube

    code = f"T{person.pk}-{taken_at:%m%d%H%M}"
    round_ = TestRound.objects.create(school_id=person.school_id, name=code,
                                      day=timezone.localdate(taken_at), kind="antigen")
    tube = Tube.objects.create(school_id=person.school_id, round=round_, barcode=code,
                               pool_size=1, status="resulted", result=result, client_id=code)
    Sample.objects.create(school_id=person.school_id, round=round_, tube=tube, person=person,
                          scanned_at=taken_at, client_id=code, recheck=True)


@pytest.fixture
def returned(henan):
    """a1 back from Shanghai 12 days ago; the status was computed while the window was open."""
    person = henan.persons["a1_student"]
    trip(person, SHANGHAI_PUDONG, back_days_ago=BACK_DAYS_AGO)
    return person


def computed_in_window(person):
    status_recompute_persons(school_id=person.school_id, person_ids=[person.pk],
                             reason="manual", now=at(days_ago(BACK_DAYS_AGO - 1), 20))
    assert status_of(person)[0] == "key_population"


def open_followups(person):
    return FollowUp.objects.filter(person=person, kind="regimen", status=FollowUpStatus.OPEN)


def test_it_leaves_nothing_when_the_regimen_closed_complete(returned):
    for offset in (0, 2, 4):
        sampled(returned, at(days_ago(BACK_DAYS_AGO - offset)))
    computed_in_window(returned)
    status_recompute_expiring()
    assert status_of(returned)[0] == "normal"
    assert not RegimenMark.objects.exists()
    assert not FollowUp.objects.filter(kind="regimen").exists()


def test_it_marks_an_incomplete_regimen_once_and_keeps_the_mark(returned, henan):
    sampled(returned, at(days_ago(BACK_DAYS_AGO)))
    computed_in_window(returned)

    assert status_recompute_expiring() == 1
    assert status_recompute_expiring() == 0  # nothing left to sweep: the mark has no end
    status_recompute_persons(school_id=returned.school_id, person_ids=[returned.pk],
                             reason="manual")

    row = PersonStatus.objects.get(person=returned)
    assert (row.category, row.until, row.compliant) == ("regimen_incomplete", None, False)
    assert "检测未完成：重点人群检测" in row.reasons[0]["zh"]
    assert "1 of 3 tests done" in row.reasons[0]["en"]
    mark = RegimenMark.objects.get(person=returned)
    assert (mark.window_start, mark.window_end, mark.tests, mark.done, mark.cleared_at) == (
        days_ago(BACK_DAYS_AGO), days_ago(BACK_DAYS_AGO - 7), 3, 1, None)
    (followup,) = open_followups(returned)
    assert followup.assignee == henan.users["teacher_a1"]  # the class teacher
    assert "已检1/3次" in followup.title_zh
    assert followup.due_at > timezone.now() + timedelta(hours=23)  # regimen_followup_hours
    # weeks later, a whole-school recompute still shows it
    status_recompute_schools(school_ids=[returned.school_id],
                             now=timezone.now() + timedelta(days=40))
    assert status_of(returned) == ("regimen_incomplete", None)
    assert RegimenMark.objects.count() == 1 and FollowUp.objects.filter(kind="regimen").count() == 1


def test_it_writes_the_verdict_once_when_two_sweeps_run_it(returned):
    """The sweep killed after its commit and run again, or two workers: a second run of the
    same closed window writes no second mark, follow-up or message."""
    from apps.notifications.models import Notification

    computed_in_window(returned)
    stored = PersonStatus.objects.get(person=returned)
    status_recompute_expiring()
    PersonStatus.objects.filter(pk=stored.pk).update(  # as if the first run saw it again
        category=stored.category, until=stored.until, actions=stored.actions,
        next_due=stored.next_due)
    status_recompute_expiring()
    assert RegimenMark.objects.count() == 1
    assert FollowUp.objects.filter(kind="regimen").count() == 1
    assert Notification.objects.filter(kind="followup.regimen").count() == 1


def test_it_clears_the_mark_by_a_late_test(returned):
    computed_in_window(returned)
    status_recompute_expiring()
    assert status_of(returned)[0] == "regimen_incomplete"

    late = timezone.now() - timedelta(hours=2)
    sampled(returned, late)
    status_recompute_persons(school_id=returned.school_id, person_ids=[returned.pk],
                             reason="test_result")

    assert status_of(returned)[0] == "normal"
    mark = RegimenMark.objects.get(person=returned)
    assert mark.cleared_by == ClearedBy.TEST and mark.test_taken_at is not None
    followup = FollowUp.objects.get(person=returned, kind="regimen")
    assert followup.status == FollowUpStatus.DONE
    assert str(timezone.localdate(late)) in followup.outcome
    # and it stays cleared once that test is out of the facts' window
    status_recompute_schools(school_ids=[returned.school_id],
                             now=timezone.now() + timedelta(days=60))
    assert status_of(returned)[0] == "normal"


def test_it_clears_the_mark_by_a_recorded_decision(returned, henan):
    computed_in_window(returned)
    status_recompute_expiring()
    mark = RegimenMark.objects.get(person=returned)
    teacher = henan.users["teacher_a1"]

    with pytest.raises(ValidationFailed) as error:
        regimen_mark_clear(actor=teacher, mark_id=mark.pk, reason="  ")
    assert error.value.errors[0].field == "reason"
    regimen_mark_clear(actor=teacher, mark_id=mark.pk, reason="已在社区医院检测，见报告")
    regimen_mark_clear(actor=teacher, mark_id=mark.pk, reason="已在社区医院检测，见报告")

    mark.refresh_from_db()
    assert (mark.cleared_by, mark.decided_by, mark.reason) == (
        ClearedBy.DECISION, teacher, "已在社区医院检测，见报告")
    (decided,) = mark.history.all()  # the decision is audited: who, when, why
    assert (decided.history_user, decided.history_change_reason, decided.cleared_by) == (
        teacher, "已在社区医院检测，见报告", ClearedBy.DECISION)
    assert status_of(returned)[0] == "normal"
    assert PersonStatusChange.objects.filter(person=returned, cause="decision").count() == 1
    followup = FollowUp.objects.get(person=returned, kind="regimen")
    assert (followup.status, followup.outcome, followup.done_by) == (
        FollowUpStatus.DONE, "已在社区医院检测，见报告", teacher)
    with pytest.raises(ValidationFailed):
        regimen_mark_clear(actor=henan.users["school_a_admin"], mark_id=mark.pk, reason="again")


def test_it_lets_only_those_responsible_for_the_person_clear_the_mark(returned, henan):
    computed_in_window(returned)
    status_recompute_expiring()
    mark = RegimenMark.objects.get(person=returned)
    for outsider in ("teacher_a2", "teacher_b1", "guardian_a1", "student_a1", "gate_a",
                     "school_b_admin"):
        with pytest.raises(RegimenMark.DoesNotExist):
            regimen_mark_clear(actor=henan.users[outsider], mark_id=mark.pk, reason="no")
    assert RegimenMark.objects.get(pk=mark.pk).cleared_at is None
    regimen_mark_clear(actor=henan.users["unit_lead_a"], mark_id=mark.pk, reason="已补检")
    assert status_of(returned)[0] == "normal"


# ---- the pages and the API ---------------------------------------------------------------


@pytest.fixture
def marked(returned):
    computed_in_window(returned)
    status_recompute_expiring()
    return RegimenMark.objects.get(person=returned)


def client_of(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_it_shows_the_mark_on_the_person_page_and_clears_it_by_the_form(marked, henan):
    from django.urls import reverse

    teacher = client_of(henan.users["teacher_a1"])
    page = teacher.get(reverse("web:person_detail", args=[marked.person_id])).content.decode()
    assert 'data-category="regimen_incomplete"' in page and "检测未完成" in page
    assert reverse("status:mark", args=[marked.pk]) in page

    form = teacher.get(reverse("status:mark", args=[marked.pk])).content.decode()
    assert 'id="mark-clear-submit"' in form and "三天两检" not in form and "重点人群检测" in form
    empty = teacher.post(reverse("status:mark", args=[marked.pk]), {"reason": " "})
    assert empty.status_code == 400 and "请说明解除标记的理由" in empty.content.decode()
    done = teacher.post(reverse("status:mark", args=[marked.pk]), {"reason": "已在外院检测"})
    assert done.status_code == 302
    assert RegimenMark.objects.get(pk=marked.pk).cleared_by == ClearedBy.DECISION


def test_it_shows_the_mark_but_no_form_to_those_who_only_see_it(marked, henan):
    from django.urls import reverse

    for username in ("guardian_a1", "jinshui_bureau"):
        page = client_of(henan.users[username]).get(reverse("status:mark", args=[marked.pk]))
        assert page.status_code == 200 and 'id="mark-clear-submit"' not in page.content.decode()
    refused = client_of(henan.users["guardian_a1"]).post(
        reverse("status:mark", args=[marked.pk]), {"reason": "不想检"})
    assert refused.status_code == 404
    other = client_of(henan.users["teacher_a2"]).get(reverse("status:mark", args=[marked.pk]))
    assert other.status_code == 404
    assert RegimenMark.objects.get(pk=marked.pk).cleared_at is None


def test_it_counts_the_marks_on_the_overdue_list(marked, henan):
    from django.urls import reverse

    page = client_of(henan.users["school_a_admin"]).get(
        reverse("testing:results_overdue")).content.decode()
    count = page[page.index('id="not-completed-count"'):]
    assert "1 人有“检测未完成”标记" in count[:200]
    assert f'data-person="{marked.person_id}"' in page and "regimen-not-completed" in page
    other = client_of(henan.users["school_b_admin"]).get(
        reverse("testing:results_overdue")).content.decode()
    assert "0 人有“检测未完成”标记" in other


def test_it_clears_a_mark_through_the_api(marked, henan):
    path = f"/api/v1/status/marks/{marked.pk}"
    outsider = client_of(henan.users["teacher_a2"])
    assert outsider.post(f"{path}/clear", {"reason": "x"},
                         content_type="application/json").status_code == 404
    teacher = client_of(henan.users["teacher_a1"])
    assert teacher.get(path).json()["cleared_at"] is None
    missing = teacher.post(f"{path}/clear", {"reason": ""}, content_type="application/json")
    assert missing.status_code == 422 and "reason" in missing.content.decode()
    done = teacher.post(f"{path}/clear", {"reason": "已在外院检测"},
                        content_type="application/json")
    assert done.status_code == 200, done.content
    assert (done.json()["cleared_by"], done.json()["reason"]) == ("decision", "已在外院检测")
    assert status_of(marked.person)[0] == "normal"
