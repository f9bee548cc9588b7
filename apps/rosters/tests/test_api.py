"""/api/v1/rosters/{school_id}/import through the whole stack, with personas."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.people.models import Person
from apps.rosters.tests.files import xlsx
from apps.rosters.tests.test_services import HEADER, _student


def _post(world, username, school, rows, query="", name="名单.xlsx", data=None):
    client = Client()
    client.force_login(world.users[username])
    upload = SimpleUploadedFile(name, data if data is not None else xlsx([HEADER, *rows]))
    return client.post(f"/api/v1/rosters/{world.schools[school].pk}/import{query}",
                       {"file": upload})


def test_it_checks_by_default_then_applies(world):
    rows = [_student("A2025001", "甲", 1)]
    checked = _post(world, "school_a_admin", "a", rows)
    assert checked.status_code == 200
    body = checked.json()
    assert (body["dry_run"], body["new"], body["errors"]) == (True, 1, [])
    assert body["ignored_columns"] == ["备注"]
    assert not Person.objects.filter(number="A2025001").exists()
    applied = _post(world, "school_a_admin", "a", rows, "?dry_run=false")
    assert (applied.json()["dry_run"], applied.json()["new"]) == (False, 1)
    assert Person.objects.filter(number="A2025001").exists()


def test_it_refuses_a_file_with_errors_whole(world):
    rows = [_student("A2025001", "甲", 1), _student("A2025002", "乙", 3, 班级="无")]
    response = _post(world, "school_a_admin", "a", rows, "?dry_run=false")
    assert response.status_code == 422
    assert response.json()["errors"][0]["reason"] == "unknown_class"
    assert response.json()["dry_run"] is True
    assert not Person.objects.filter(number="A2025001").exists()
    valid = _post(world, "school_a_admin", "a", rows, "?dry_run=false&valid_only=true")
    assert (valid.status_code, valid.json()["new"], valid.json()["rejected"]) == (200, 1, 1)


def test_an_unreadable_file_is_a_400_with_its_reason(world):
    response = _post(world, "school_a_admin", "a", [], name="x.xls", data=b"<html><table>")
    assert response.status_code == 400 and response.json()["code"] == "html_as_excel"


def test_another_school_is_404(world):
    response = _post(world, "school_b_admin", "a", [_student("A2025001", "甲", 1)])
    assert response.status_code == 404
    assert _post(world, "school_a_admin", "a", [], query="", name="x.csv",
                 data=b"x").status_code != 404


def test_a_large_file_is_checked_and_imported_by_the_worker(world, settings,
                                                            django_capture_on_commit_callbacks):
    from apps.rosters import tasks

    settings.ROSTER_SYNC_MAX_BYTES = 0
    client = Client()
    client.force_login(world.users["school_a_admin"])
    with django_capture_on_commit_callbacks() as queued:
        queued_answer = _post(world, "school_a_admin", "a", [_student("A2025001", "甲", 1)])
    assert queued_answer.status_code == 202 and len(queued) == 1
    import_id = queued_answer.json()["import_id"]
    tasks.check_import.call(import_id)
    status = client.get(f"/api/v1/rosters/imports/{import_id}").json()
    assert (status["status"], status["new"], status["errors"]) == ("checked", 1, [])
    applying = client.post(f"/api/v1/rosters/imports/{import_id}/apply")
    again = client.post(f"/api/v1/rosters/imports/{import_id}/apply")
    assert applying.status_code == again.status_code == 202
    tasks.apply_import.call(import_id)
    assert client.get(f"/api/v1/rosters/imports/{import_id}").json()["status"] == "applied"
    assert Person.objects.filter(number="A2025001").count() == 1
    other = Client()
    other.force_login(world.users["school_b_admin"])
    assert other.get(f"/api/v1/rosters/imports/{import_id}").status_code == 404
    assert other.post(f"/api/v1/rosters/imports/{import_id}/apply").status_code == 404
