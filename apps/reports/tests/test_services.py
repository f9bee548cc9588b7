"""Drafting set-based, submitting, zero reports, corrections, reminders and bureau reports,
with personas."""

import pytest
from django.http import Http404

from apps.absence.services import absence_register
from apps.access.models import RoleAssignment
from apps.core.errors import ValidationFailed
from apps.notifications.models import Notification
from apps.reports.drafting import reports_draft
from apps.reports.models import BureauReport, DailyReport, DailyReportVersion
from apps.reports.services import (
    bureau_report_aggregate,
    bureau_report_submit,
    report_correct,
    report_remind,
    report_submit,
)
from apps.reports.tests.conftest import DAY, at

pytestmark = pytest.mark.django_db


def submit(world, user="reporter_a", school="a", **extra):
    return report_submit(actor=world.users[user], school_id=world.schools[school].pk, day=DAY,
                         **extra)


def test_it_drafts_every_school_once_and_refreshes_the_drafts(world, morning):
    assert reports_draft(day=DAY) == {"drafted": 2, "refreshed": 0, "frozen": 0}
    a = DailyReport.objects.get(school=world.schools["a"], day=DAY)
    assert a.figures["persons"] == 4 and a.figures["present"] == 4
    assert a.figures["checkin_morning_expected"] == 4 and a.figures["absent"] == 0
    assert a.due_at == at(10)  # routine's daily_report_deadline, 600 minutes
    absence_register(actor=world.users["teacher_a1"], person_id=world.persons["a1_student"].pk,
                     first_day=DAY, symptoms=["fever"])
    assert reports_draft(day=DAY) == {"drafted": 0, "refreshed": 2, "frozen": 0}
    a.refresh_from_db()
    assert DailyReport.objects.count() == 2
    figures = a.figures
    assert (figures["absent"], figures["absent_cause_pending"], figures["present"]) == (1, 1, 3)


def test_it_submits_on_time_once_however_often_it_is_tapped(world, morning):
    first = submit(world)
    again = submit(world)
    assert first.pk == again.pk and again.version == 1 and not again.late
    assert DailyReportVersion.objects.filter(report=first).count() == 1
    assert first.submitted_by == world.users["reporter_a"]


def test_it_marks_a_submission_after_the_deadline_late(world, clock):
    clock.move_to(at(10, 30))
    report = submit(world, user="school_a_admin")
    assert report.late and report.versions.get().late


def test_it_refuses_a_zero_report_when_there_is_something_to_report(world, morning):
    absence_register(actor=world.users["teacher_a1"], person_id=world.persons["a1_student"].pk,
                     first_day=DAY, symptoms=["fever"])
    with pytest.raises(ValidationFailed) as refused:
        submit(world, zero=True)
    assert refused.value.errors[0].field == "zero"
    assert refused.value.errors[0].reason == "something_to_report"
    assert not DailyReportVersion.objects.exists()
    assert submit(world, school="b", user="school_b_admin", zero=True).zero


def test_it_freezes_a_submitted_report_and_corrects_it_as_a_new_version(world, morning):
    report = submit(world, zero=True)
    absence_register(actor=world.users["teacher_a1"], person_id=world.persons["a1_student"].pk,
                     first_day=DAY, symptoms=["fever"])
    assert reports_draft(day=DAY)["frozen"] == 1
    report.refresh_from_db()
    assert report.figures["absent"] == 0
    with pytest.raises(ValidationFailed) as refused:
        report_correct(actor=world.users["reporter_a"], school_id=report.school_id, day=DAY,
                       reason=" ")
    assert refused.value.errors[0].field == "reason"
    corrected = report_correct(actor=world.users["reporter_a"], school_id=report.school_id,
                               day=DAY, reason="漏报一名因病缺勤学生")
    assert corrected.version == 2 and corrected.figures["absent"] == 1 and not corrected.zero
    first, second = DailyReportVersion.objects.filter(report=report)
    assert first.zero and first.figures["absent"] == 0
    assert second.reason == "漏报一名因病缺勤学生" and second.figures["absent"] == 1


@pytest.mark.parametrize("persona", ["school_b_admin", "guardian_a1", "teacher_a1",
                                     "jinshui_bureau", "zhongyuan_bureau"])
def test_it_lets_only_the_schools_epidemic_office_submit(world, morning, persona):
    with pytest.raises(Http404):
        submit(world, user=persona)
    assert not DailyReportVersion.objects.exists()


def test_it_reminds_a_missing_school_once_a_day(world, clock):
    clock.move_to(at(10, 30))
    a = world.schools["a"]
    assert report_remind(actor=world.users["jinshui_bureau"], school_id=a.pk, day=DAY) == 2
    assert report_remind(actor=world.users["jinshui_bureau"], school_id=a.pk, day=DAY) == 0
    recipients = set(Notification.objects.filter(kind="reports.remind")
                     .values_list("recipient__username", flat=True))
    assert recipients == {"reporter_a", "school_a_admin"}
    assert DailyReport.objects.get(school=a, day=DAY).reminded_at is not None
    with pytest.raises(Http404):  # a county bureau of another county
        report_remind(actor=world.users["zhongyuan_bureau"], school_id=a.pk, day=DAY)
    submit(world)
    with pytest.raises(ValidationFailed):
        report_remind(actor=world.users["jinshui_bureau"], school_id=a.pk, day=DAY)


def test_it_sums_submitted_reports_up_the_tree(world, morning):
    reports_draft(day=DAY)
    submit(world)
    county = world.users["jinshui_bureau"]
    jinshui = world.bureaus["jinshui"]
    draft = bureau_report_aggregate(actor=county, bureau_id=jinshui.pk, day=DAY)
    assert draft.status == "draft" and draft.figures["persons"] == 4
    assert draft.counts["schools"] == draft.counts["schools_submitted"] == 1
    sent = bureau_report_submit(actor=county, bureau_id=jinshui.pk, day=DAY)
    assert sent.status == "submitted" and sent.versions.count() == 1
    assert bureau_report_submit(actor=county, bureau_id=jinshui.pk, day=DAY).version == 1
    with pytest.raises(Http404):  # a county bureau does not keep another county's report
        bureau_report_aggregate(actor=world.users["zhongyuan_bureau"], bureau_id=jinshui.pk,
                                day=DAY)
    city = world.users["province"]
    zz = world.bureaus["zhengzhou"]
    RoleAssignment.objects.create(user=city, role="bureau_admin", bureau=zz)
    city = type(city).objects.get(pk=city.pk)
    city_report = bureau_report_aggregate(actor=city, bureau_id=zz.pk, day=DAY)
    assert city_report.figures["persons"] == 4
    assert city_report.counts == {"schools": 0, "schools_submitted": 0, "schools_late": 0,
                                  "bureaus": 2, "bureaus_submitted": 1, "schools_below": 1,
                                  "schools_below_submitted": 1}
    assert BureauReport.objects.count() == 2
