"""The roster import pages with the personas of the test province."""

import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from apps.people.models import Person
from apps.rosters.models import RosterImport
from apps.rosters.tests.files import xlsx
from apps.rosters.tests.test_services import HEADER, _student


def _client(world, username):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.users[username])
    return client


def _form(world, rows, **extra):
    upload = SimpleUploadedFile("名单.xlsx", xlsx([HEADER, *rows]))
    return {"school": world.schools["a"].pk, "kind": "student", "file": upload, **extra}


ROWS = [_student("A2025001", "甲", 1), _student("A2025002", "乙", 3, 班级="无此班")]


def test_it_checks_then_imports_from_the_stored_file(world):
    client = _client(world, "school_a_admin")
    checked = client.post(reverse("rosters:import"), _form(world, ROWS))
    record = RosterImport.objects.get()
    assert checked.status_code == 302 and checked.url == reverse("rosters:detail",
                                                                 args=[record.pk])
    text = client.get(checked.url).content.decode()
    assert 'id="import-errors"' in text and "A2025001" in text
    assert 'data-reason="unknown_class"' in text and ">unknown_class<" not in text  # no code
    assert record.status == "checked" and record.stored_name
    assert not Person.objects.filter(number="A2025001").exists()
    apply = reverse("rosters:apply", args=[record.pk])
    refused = client.post(apply, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "1 rows have errors: fix them, or import only the valid rows."]
    assert not Person.objects.filter(number="A2025001").exists()
    done = client.post(apply, {"valid_only": "1"})
    assert done.status_code == 302 and Person.objects.filter(number="A2025001").exists()
    record.refresh_from_db()
    assert (record.status, record.new, record.rejected, record.stored_name) == (
        "applied", 1, 1, "")
    assert record.applied_by == world.users["school_a_admin"] and record.applied_at
    history = client.get(reverse("rosters:history")).content.decode()
    assert "名单.xlsx" in history and record.sha256[:12] in history


def test_it_downloads_the_rows_to_fix_and_the_error_list(world):
    client = _client(world, "school_a_admin")
    client.post(reverse("rosters:import"), _form(world, ROWS))
    record = RosterImport.objects.get()
    response = client.get(reverse("rosters:rows_to_fix", args=[record.pk]))
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    assert [line[0] for line in sheet.to_python()[1:]] == ["A2025002"]
    listed = client.get(reverse("rosters:errors", args=[record.pk]))
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(listed.content)).get_sheet_by_index(0)
    assert [line[4] for line in sheet.to_python()[1:]] == ["unknown_class"]


def test_an_unreadable_file_shows_why(world):
    client = _client(world, "school_a_admin")
    upload = SimpleUploadedFile("名单.xls", b"<html><table></table></html>")
    page = client.post(reverse("rosters:import"), {"school": world.schools["a"].pk,
                                                   "kind": "student", "file": upload})
    assert "invalid-feedback" in page.content.decode()
    assert RosterImport.objects.get().status == "refused"


def test_a_file_that_fails_its_check_shows_why_on_the_form(world):
    client = _client(world, "school_a_admin")
    upload = SimpleUploadedFile("名单.xlsx", xlsx([["学号", "姓名"], ["A1", "甲"]]))
    page = client.post(reverse("rosters:import"), {"school": world.schools["a"].pk,
                                                   "kind": "student", "file": upload})
    assert "invalid-feedback" in page.content.decode() and "班级" in page.content.decode()
    record = RosterImport.objects.get()
    assert (record.status, record.stored_name) == ("refused", "")


def test_the_menu_and_pages_are_for_importers_only(world):
    teacher = _client(world, "teacher_a1")
    assert "/rosters/import/" in teacher.get(reverse("web:home")).content.decode()
    assert teacher.get(reverse("rosters:template", args=["student"])).status_code == 200
    gate = _client(world, "gate_a")
    assert "/rosters/import/" not in gate.get(reverse("web:home")).content.decode()
    for name, args in (("rosters:import", []), ("rosters:history", []),
                       ("rosters:template", ["staff"])):
        assert gate.get(reverse(name, args=args)).status_code == 404


def test_history_and_an_import_are_seen_only_in_the_users_schools(world):
    _client(world, "school_a_admin").post(reverse("rosters:import"),
                                          _form(world, [_student("A2025001", "甲", 1)]))
    record = RosterImport.objects.get()
    other = _client(world, "school_b_admin")
    assert "名单.xlsx" not in other.get(reverse("rosters:history")).content.decode()
    for name in ("rosters:detail", "rosters:progress", "rosters:errors", "rosters:rows_to_fix"):
        assert other.get(reverse(name, args=[record.pk])).status_code == 404
    assert other.post(reverse("rosters:apply", args=[record.pk])).status_code == 404
    assert not Person.objects.filter(number="A2025001").exists()


def test_a_large_file_waits_for_the_worker_with_a_progress_bar(world, settings,
                                                               django_capture_on_commit_callbacks):
    from apps.rosters import tasks

    settings.ROSTER_SYNC_MAX_BYTES = 0  # every file is large
    client = _client(world, "school_a_admin")
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("rosters:import"), _form(world, ROWS[:1]))
    record = RosterImport.objects.get()
    assert record.status == "queued" and len(queued) == 1
    page = client.get(response.url).content.decode()
    assert 'id="job-progress"' in page and 'aria-valuenow="0"' in page
    progress = reverse("rosters:progress", args=[record.pk])
    htmx = {"HX-Request": "true"}
    assert 'id="job-progress"' in client.get(progress, headers=htmx).content.decode()
    assert tasks.check_import.call(record.pk) == "checked"
    polled = client.get(progress, headers=htmx)
    assert polled.status_code == 204 and polled["HX-Refresh"] == "true"
    with django_capture_on_commit_callbacks() as queued:
        client.post(reverse("rosters:apply", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == "applying" and len(queued) == 1
    assert not Person.objects.filter(number="A2025001").exists()
    assert tasks.apply_import.call(record.pk) == "applied"
    assert tasks.apply_import.call(record.pk) == "done before"
    assert Person.objects.filter(number="A2025001").count() == 1


def test_the_admin_shows_imports_and_changes_nothing(world, admin_client):
    _client(world, "school_a_admin").post(reverse("rosters:import"),
                                          _form(world, [_student("A2025001", "甲", 1)]))
    record = RosterImport.objects.get()
    listing = admin_client.get(reverse("admin:rosters_rosterimport_changelist"))
    assert listing.status_code == 200 and "名单.xlsx" in listing.content.decode()
    page = admin_client.get(reverse("admin:rosters_rosterimport_change", args=[record.pk]))
    assert page.status_code == 200 and 'type="submit" value="Save"' not in page.content.decode()
    assert admin_client.get(reverse("admin:rosters_rosterimport_add")).status_code == 403
    assert admin_client.post(reverse("admin:rosters_rosterimport_delete", args=[record.pk]),
                             {"post": "yes"}).status_code == 403
    assert RosterImport.objects.filter(pk=record.pk).exists()


def test_a_file_over_the_limit_is_refused_before_it_is_stored(world, settings, roster_files):
    settings.ROSTER_MAX_BYTES = 50 * 1024 * 1024
    client = _client(world, "school_a_admin")
    upload = SimpleUploadedFile("名单.xlsx", b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024))
    page = client.post(reverse("rosters:import"), {"school": world.schools["a"].pk,
                                                   "kind": "student", "file": upload})
    assert "50 MB" in page.content.decode() and "invalid-feedback" in page.content.decode()
    record = RosterImport.objects.get()
    assert (record.status, record.errors[0]["reason"], record.stored_name) == (
        "refused", "too_large", "")
    assert not (roster_files / "uploads").exists() or not any(
        (roster_files / "uploads").iterdir())


def test_an_english_reader_sees_the_errors_the_chinese_worker_wrote_in_english(world):
    office = _client(world, "school_a_admin")
    office.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    office.post(reverse("rosters:import"), _form(world, ROWS))
    record = RosterImport.objects.get()
    assert record.errors[0]["message"] == "本校没有此名称的班级。"
    office.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = office.get(reverse("rosters:detail", args=[record.pk])).content.decode()
    assert "This school has no class with this name." in page
    assert "本校没有此名称的班级。" not in page
