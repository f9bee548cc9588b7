"""The top of the home page says what is late or due now: a school's daily report to submit
and its overdue follow-ups (a class teacher's only for their class), a bureau's schools
ranked by what they have let run late — each linked to the object, each within scope."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.emergency.models import SchoolTrigger
from apps.emergency.reports import case_report_enter
from apps.emergency.triggers import alert_fire
from apps.followups.models import FollowUp
from apps.reports.drafting import reports_draft
from apps.reports.models import DailyReport
from apps.web import urgent
from apps.web.lateness import lateness_refresh

pytestmark = pytest.mark.django_db


def home(world, username) -> str:
    client = Client()
    client.force_login(world.users[username])
    return client.get("/").content.decode()


def overdue(world, key, hours=2) -> FollowUp:
    person = world.persons[key]
    return FollowUp.objects.create(
        school_id=person.school_id, person=person, kind="return_check", source=f"t:{key}",
        title_zh="返校复查", title_en="Return check",
        due_at=timezone.now() - timedelta(hours=hours))


def reports_of_today(world, *, late_for=()):
    """Today's reports drafted, due in an hour but for the schools named (due 5 min ago)."""
    reports_draft(day=timezone.localdate(), school_ids=[s.pk for s in world.schools.values()])
    DailyReport.objects.update(due_at=timezone.now() + timedelta(hours=1))
    late = DailyReport.objects.filter(school__in=[world.schools[k] for k in late_for])
    late.update(due_at=timezone.now() - timedelta(minutes=5))


def late_trigger(world, school_key) -> SchoolTrigger:
    report = case_report_enter(actor=world.users["province"], region="310115",
                               reported_on=timezone.localdate(), cases=1, source="通报")
    alert = alert_fire(report_id=report.pk)
    trigger = SchoolTrigger.objects.get(alert_id=alert.alert_id, school=world.schools[school_key])
    SchoolTrigger.objects.filter(pk=trigger.pk).update(
        deadline=timezone.now() - timedelta(minutes=1))
    return trigger


def test_it_tells_the_school_admin_todays_report_and_overdue_follow_ups_first(world):
    reports_of_today(world)
    followup = overdue(world, "a1_student")
    overdue(world, "b1_student")
    page = home(world, "school_a_admin")
    assert page.index('id="reports-due"') < page.index('id="overdue-followups"')
    assert page.count('class="list-group-item d-flex flex-wrap justify-content-between gap-2 '
                      'report-due"') == 1
    assert f'href="/reports/school/{world.schools["a"].pk}/"' in page
    assert f'href="/followups/{followup.pk}/"' in page and 'id="overdue-count">1<' in page
    assert "今日日报待提交" in page and "逾期的跟进与复查" in page


def test_a_class_teacher_sees_only_her_classs_overdue_follow_ups(world):
    mine = overdue(world, "a1_student")
    other = overdue(world, "a2_student")
    page = home(world, "teacher_a1")
    assert f"/followups/{mine.pk}/" in page and f"/followups/{other.pk}/" not in page
    assert 'id="reports-due"' not in page


def test_a_follow_up_not_yet_due_is_not_overdue(world):
    overdue(world, "a1_student", hours=-3)
    assert 'id="overdue-followups"' not in home(world, "school_a_admin")


def test_it_ranks_the_bureaus_schools_by_what_is_late(world, henan):
    reports_of_today(world, late_for=("a", "b"))
    late_trigger(world, "b")
    overdue(world, "a1_student")
    overdue(world, "a2_student")
    assert urgent.late_schools(user=world.users["province"]).total == 0  # not counted yet
    lateness_refresh()
    found = urgent.late_schools(user=world.users["province"])
    assert [s.school.name for s in found.shown] == [world.schools["b"].name,
                                                   world.schools["a"].name]
    b, a = found.shown
    assert (b.triggers, b.report, b.followups) == (1, True, 0)
    assert (a.triggers, a.report, a.followups) == (0, True, 2) and found.total == 2
    page = home(world, "province")
    assert 'id="late-schools"' in page and 'id="late-schools-count">2<' in page
    assert 'id="late-schools-counted"' in page and "学校处理后即从列表移除" in page
    assert page.index(world.schools["b"].name, page.index('id="late-schools"')) < page.index(
        world.schools["a"].name, page.index('id="late-schools"'))


def test_a_county_bureau_ranks_only_its_own_schools(world, henan):
    reports_of_today(world, late_for=("a", "b"))
    lateness_refresh()
    found = urgent.late_schools(user=world.users["luoyang_bureau"])
    assert [s.school_id for s in found.shown] == [world.schools["b"].pk]
    assert urgent.late_schools(user=world.users["zhongyuan_bureau"]).shown == []


def test_a_report_submitted_or_not_yet_due_is_not_late(world):
    from apps.reports.services import report_submit

    reports_of_today(world, late_for=("a",))
    lateness_refresh()
    assert urgent.late_schools(user=world.users["province"]).total == 1
    report_submit(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk,
                  day=timezone.localdate(), zero=True)
    assert urgent.late_schools(user=world.users["province"]).total == 0  # no sweep needed
    assert 'id="late-schools"' not in home(world, "province")


def test_the_school_home_draws_the_last_14_days_of_its_reports(world):
    import json

    from apps.reports.selectors import schools_trend

    today = timezone.localdate()
    a, b = world.schools["a"], world.schools["b"]
    for school, ago, abnormal in ((a, 0, 2), (a, 3, 5), (a, 20, 9), (b, 0, 7)):
        DailyReport.objects.create(school=school, day=today - timedelta(days=ago),
                                   figures={"abnormal": abnormal, "absent": 1,
                                            "checkin_morning_done": 30},
                                   due_at=timezone.now())
    trend = schools_trend(user=world.users["school_a_admin"], school_ids=[a.pk, b.pk])
    assert len(trend["days"]) == 14 and trend["days"][-1] == today
    assert trend["abnormal"][-1] == 2 and trend["abnormal"][-4] == 5  # b's and day -20 not
    assert sum(trend["absent"]) == 2
    page = home(world, "school_a_admin")
    data = json.loads(page.split('id="chart-data" type="application/json">')[1]
                      .split("</script>")[0])
    assert data["trend"]["labels"][-1] == today.strftime("%m-%d")
    assert [d["values"][-1] for d in data["trend"]["datasets"]] == [30, 2, 1]
    assert 'id="chart-trend"' in page and "近14天" in page


def test_a_school_without_reports_draws_no_trend(world):
    assert 'id="chart-trend"' not in home(world, "school_a_admin")


def test_an_account_without_a_grant_to_see_late_rows_gets_an_empty_ranking(world):
    found = urgent.late_schools(user=world.users["guardian_a1"])
    assert found.shown == [] and found.total == 0
