"""The schools' emergency readiness printed and exported: each school the user sees with its
task force, plan version, last drill and hospital, what it lacks, and the three counts;
scoped as the readiness page is, each print and workbook one access-log row naming the
user's bureau. The workbook is written by the worker (apps.reports.exports), called here as
`manage.py worker` calls it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.access.models import AccessLog
from apps.emergency import readiness
from apps.emergency.drills import drill_finish, drill_schedule, drill_start
from apps.emergency.models import Drill
from apps.emergency.taskforce import task_force_member_add
from apps.reports import tasks
from apps.reports.models import ExportJob
from shaodian.testing.outputs import client_for, header_row, read_xlsx, refused_unlogged

pytestmark = pytest.mark.django_db
HEADERS = ["#", "School", "School type", "Task force members", "Plan version", "Last drill",
           "Designated hospital", "Lacking"]


def school_a_ready(world, *, drilled_days_ago: int = 3):
    admin, a = world.users["school_a_admin"], world.schools["a"]
    task_force_member_add(actor=admin, school_id=a.pk, user_id=admin.pk, duty="leader")
    drill = drill_schedule(actor=admin, school_id=a.pk, scenario="演练",
                           scheduled_for=timezone.now())
    drill_start(actor=admin, drill_id=drill.pk)
    drill_finish(actor=admin, drill_id=drill.pk, participants=5, findings="")
    Drill.objects.filter(pk=drill.pk).update(
        finished_at=timezone.now() - timedelta(days=drilled_days_ago))


def workbook(client) -> dict:
    """Ask for the workbook, run the worker's task, download the file."""
    asked = client.get(reverse("emergency:readiness_xlsx"))
    job = ExportJob.objects.get(kind="emergency_readiness")
    assert asked.status_code == 302 and asked.url == reverse("reports:export_job", args=[job.pk])
    assert tasks.run_export.call(job.pk) == "done"
    response = client.get(reverse("reports:export_file", args=[job.pk]))
    assert response.status_code == 200
    return read_xlsx(b"".join(response.streaming_content))


def test_it_exports_every_school_the_province_sees_with_what_each_lacks(world):
    school_a_ready(world)
    rows = workbook(client_for(world, "province", "en"))["Readiness"]
    top = header_row(rows, "#")
    assert rows[top] == HEADERS
    by_name = {row[1]: row for row in rows[top + 1:]}
    assert set(by_name) == {world.schools["a"].name, world.schools["b"].name}
    a, b = by_name[world.schools["a"].name], by_name[world.schools["b"].name]
    assert a[3] == 1 and a[6] == world.hospital.name and a[7] == ""
    assert b[3] == 0 and b[4] == "" and b[6] == ""
    assert "task force" in b[7] and "drill in the last year" in b[7]
    lead = [row[0] for row in rows[:top]]
    assert "Schools: 2" in lead and "Without a task force: 1" in lead
    assert "No drill in the last year: 1" in lead
    log = AccessLog.objects.get()
    assert (log.action, log.object_type, log.object_id) == (
        "export_list", "orgs.bureau", str(world.bureaus["province"].pk))
    assert log.fields.endswith("rows=2")


def test_a_drill_over_a_year_ago_counts_as_missing(world):
    school_a_ready(world, drilled_days_ago=400)
    rows = workbook(client_for(world, "province", "en"))["Readiness"]
    a = next(r for r in rows if r[1] == world.schools["a"].name)
    assert a[5] and a[7] == "drill in the last year"


def test_a_city_prints_only_its_own_schools_in_chinese(world):
    school_a_ready(world)
    client = client_for(world, "luoyang_bureau")
    page = client.get(reverse("emergency:readiness_print"))
    assert page.status_code == 200
    text = page.content.decode()
    table = text.split('id="print-readiness"')[1]
    assert world.schools["b"].name in table and world.schools["a"].name not in table
    assert "专班人数" in table.split("</thead>")[0] and "缺少" in table
    assert reverse("emergency:readiness_xlsx") in text
    meta = text.split('id="print-meta"')[1].split("</dl>")[0]
    assert world.bureaus["luoyang"].name in meta
    log = AccessLog.objects.get()
    assert (log.action, log.object_id) == ("print_list", str(world.bureaus["luoyang"].pk))
    assert 'id="print-cut"' not in text


def test_a_print_longer_than_its_limit_says_so_and_points_to_the_workbook(world, monkeypatch):
    monkeypatch.setattr(readiness, "PRINT_LIMIT", 1)
    text = client_for(world, "province", "en").get(
        reverse("emergency:readiness_print")).content.decode()
    table = text.split('id="print-readiness"')[1]
    assert table.count("<tr>") == 2  # the titles and one school
    cut = text.split('id="print-cut"')[1].split("</div>")[0]
    assert "Only the first 1 of 2 schools are printed" in cut
    assert reverse("emergency:readiness_xlsx") in cut
    assert AccessLog.objects.get().fields.endswith("rows=1")


def test_the_workbook_is_asked_for_once_while_it_is_written(world):
    client = client_for(world, "province")
    first = client.get(reverse("emergency:readiness_xlsx"))
    assert client.get(reverse("emergency:readiness_xlsx")).url == first.url
    assert ExportJob.objects.count() == 1 and not AccessLog.objects.exists()


def test_the_readiness_page_links_its_print_and_workbook(world):
    page = client_for(world, "province").get(reverse("emergency:plans")).content.decode()
    assert f'href="{reverse("emergency:readiness_print")}" id="readiness-print"' in page
    assert f'href="{reverse("emergency:readiness_xlsx")}" id="readiness-xlsx"' in page


@pytest.mark.parametrize("persona", ["guardian_a1", "school_a_admin", "teacher_a1"])
def test_it_keeps_the_readiness_list_from_those_who_hold_no_bureau(world, persona):
    assert refused_unlogged(client_for(world, persona), *(
        (reverse(name), None) for name in ("emergency:readiness_print",
                                           "emergency:readiness_xlsx")))
