"""Who reads which daily reports: restricted querysets, personas."""

import pytest
from django.http import Http404

from apps.reports.drafting import reports_draft
from apps.reports.models import DailyReport
from apps.reports.selectors import bureau_get, bureau_schools, own_bureaus, school_report
from apps.reports.services import report_submit
from apps.reports.tests.conftest import DAY, at

pytestmark = pytest.mark.django_db


def visible(world, username):
    return set(DailyReport.objects.restrict(world.users[username], "reports.view")
               .values_list("school__code", flat=True))


def test_it_shows_each_persona_its_own_schools_reports(world, morning):
    reports_draft(day=DAY)
    assert visible(world, "reporter_a") == {"4101050001"}
    assert visible(world, "school_b_admin") == {"4103050001"}
    assert visible(world, "jinshui_bureau") == {"4101050001"}
    assert visible(world, "zhongyuan_bureau") == set()
    assert visible(world, "luoyang_bureau") == {"4103050001"}
    assert visible(world, "province") == {"4101050001", "4103050001"}
    for nobody in ("guardian_a1", "student_a1", "teacher_a1", "gate_a", "hospital_a"):
        assert visible(world, nobody) == set()


def test_it_refuses_another_schools_report(world, morning):
    with pytest.raises(Http404):
        school_report(user=world.users["school_b_admin"], school_id=world.schools["a"].pk,
                      day=DAY)
    with pytest.raises(Http404):
        bureau_get(user=world.users["zhongyuan_bureau"], bureau_id=world.bureaus["jinshui"].pk)
    assert [b.name for b in own_bureaus(world.users["jinshui_bureau"])] == ["金水区教育局"]
    assert own_bureaus(world.users["school_a_admin"]) == []


def test_it_lists_a_bureaus_schools_submitted_late_or_missing(world, clock):
    clock.move_to(at(9))
    reports_draft(day=DAY)
    user = world.users["province"]
    province = world.bureaus["province"]
    assert bureau_schools(user=user, bureau=province, day=DAY) == []
    jinshui = world.bureaus["jinshui"]
    [line] = bureau_schools(user=user, bureau=jinshui, day=DAY)
    assert line.state == "due"
    clock.move_to(at(10, 5))
    [line] = bureau_schools(user=user, bureau=jinshui, day=DAY)
    assert line.state == "missing"
    report_submit(actor=world.users["reporter_a"], school_id=world.schools["a"].pk, day=DAY)
    [line] = bureau_schools(user=user, bureau=jinshui, day=DAY)
    assert line.state == "late"
