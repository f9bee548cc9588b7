"""Imports and exports run by the worker: the task functions called directly, as the worker
calls them. Each runs once whoever repeats it, and a dead worker's import runs again."""

import io
import os
import time

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from apps.access.models import AccessLog
from apps.core.crypto import decrypt_text, keyed_hashes
from apps.people.models import Person
from apps.rosters import services, tasks
from apps.rosters.files import upload_delete
from apps.rosters.models import RosterExport, RosterImport
from apps.rosters.services import (
    applying,
    planning,
    roster_apply_request,
    roster_pending_resume,
    roster_upload,
)
from apps.rosters.tests.files import xlsx
from apps.rosters.tests.test_services import HEADER, _id, _student

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def everything_large(settings):
    settings.ROSTER_SYNC_MAX_BYTES = 0
    settings.ROSTER_EXPORT_SYNC_ROWS = 1


def _upload(world, rows, user="school_a_admin"):
    return roster_upload(actor=world.users[user], school=world.schools["a"], kind="student",
                         name="名单.xlsx", data=xlsx([HEADER, *rows]))


def _checked(world, rows, user="school_a_admin"):
    record = _upload(world, rows, user)
    assert tasks.check_import.call(record.pk) == "checked"
    return RosterImport.objects.get(pk=record.pk)


def test_it_keeps_the_upload_encrypted_until_it_is_imported(
        world, roster_files, django_capture_on_commit_callbacks):
    record = _checked(world, [_student("A2025001", "甲", 1)])
    stored = (roster_files / "uploads" / record.stored_name).read_bytes()
    assert _id(1).encode() not in stored and "甲".encode() not in stored
    roster_apply_request(actor=world.users["school_a_admin"], import_id=record.pk)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.apply_import.call(record.pk)
    assert not (roster_files / "uploads" / record.stored_name).exists()


def test_a_check_runs_once(world):
    record = _upload(world, [_student("A2025001", "甲", 1)])
    assert tasks.check_import.call(record.pk) == "checked"
    assert tasks.check_import.call(record.pk) == "done before"
    record.refresh_from_db()
    assert (record.new, record.rows, record.preview[0]["number"]) == (1, 1, "A2025001")


def test_an_import_asked_twice_and_run_twice_writes_once(world):
    admin = world.users["school_a_admin"]
    record = _checked(world, [_student("A2025001", "甲", 1), _student("A2025002", "乙", 3)])
    first = roster_apply_request(actor=admin, import_id=record.pk)
    again = roster_apply_request(actor=admin, import_id=record.pk)
    assert first.status == again.status == "applying"
    assert tasks.apply_import.call(record.pk) == "applied"
    assert tasks.apply_import.call(record.pk) == "done before"
    people = Person.objects.filter(number__in=["A2025001", "A2025002"])
    assert people.count() == 2
    assert sum(p.history.count() for p in people) == 2
    record.refresh_from_db()
    assert (record.status, record.new, record.applied_by) == ("applied", 2, admin)


def test_a_worker_that_dies_leaves_the_import_waiting_to_run_again(
        world, monkeypatch, django_capture_on_commit_callbacks):
    record = _checked(world, [_student("A2025001", "甲", 1)])
    roster_apply_request(actor=world.users["school_a_admin"], import_id=record.pk)

    def dies(*args):
        raise MemoryError("killed")

    monkeypatch.setattr(applying, "_update", dies)
    with pytest.raises(MemoryError):
        tasks.apply_import.call(record.pk)
    record.refresh_from_db()
    assert record.status == "applying" and record.stored_name
    assert not Person.objects.filter(number="A2025001").exists()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks() as queued:
        assert roster_pending_resume(older_than_seconds=0) == 1
    assert len(queued) == 1
    assert tasks.apply_import.call(record.pk) == "applied"
    assert Person.objects.filter(number="A2025001").count() == 1


def test_an_import_that_became_wrong_since_its_check_is_not_imported(world):
    record = _checked(world, [_student("A2025001", "甲", 1), _student("A2025002", "乙", 3)])
    roster_apply_request(actor=world.users["school_a_admin"], import_id=record.pk)
    # meanwhile someone registers the second row's document under another number
    plan = services.roster_check(actor=world.users["school_a_admin"], school=world.schools["a"],
                                 kind="student", name="x.xlsx",
                                 data=xlsx([HEADER, _student("A2025009", "丙", 3)]))
    services.roster_apply(actor=world.users["school_a_admin"], plan=plan)
    with translation.override("en"):
        assert tasks.apply_import.call(record.pk) == "failed"
    record.refresh_from_db()
    assert "1 rows have errors" in record.failure and record.stored_name == ""
    assert not Person.objects.filter(number="A2025001").exists()


def test_an_import_takes_the_rows_its_check_kept_without_reading_the_file_again(
        world, monkeypatch, roster_files, django_capture_on_commit_callbacks):
    from apps.rosters.services import jobs

    record = _checked(world, [_student("A2025001", "甲", 1), _student("A2025002", "乙", 3)])
    kept = roster_files / "uploads" / f"checked-{record.pk}.bin"
    assert _id(1).encode() not in kept.read_bytes()  # kept encrypted, as the upload
    roster_apply_request(actor=world.users["school_a_admin"], import_id=record.pk)

    def not_again(*args):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(jobs, "read_table", not_again)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.apply_import.call(record.pk) == "applied"
    person = Person.objects.get(number="A2025002")
    assert decrypt_text(person.doc_cipher) == _id(3)
    assert Person.objects.filter(school=world.schools["a"], doc_hash__in=keyed_hashes(_id(3)))
    assert not kept.exists()
    assert tasks.apply_import.call(record.pk) == "done before"


def test_the_rows_a_check_keeps_are_the_files_not_filled_from_the_stored_people(
        world, django_capture_on_commit_callbacks):
    """A column the file lacks (address) is filled from the stored person when the rows
    are compared; the kept rows are taken before that, so the import compares them with
    the people as they are then, not as they were at the check."""
    import pickle

    from apps.rosters.files import checked_load

    first = _checked(world, [_student("A2025001", "甲", 1)])
    roster_apply_request(actor=world.users["school_a_admin"], import_id=first.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.apply_import.call(first.pk) == "applied"
    Person.objects.filter(number="A2025001").update(address="旧地址甲")
    again = _checked(world, [_student("A2025001", "甲", 1)])
    _head, rows = pickle.loads(checked_load(again.pk))  # noqa: S301 - the test's own file
    [(_row, number, values, *_rest)] = rows
    assert number == "A2025001" and "旧地址甲" not in values.values()


def test_an_import_checked_before_the_hash_key_rotated_reads_the_file_again(
        world, settings, django_capture_on_commit_callbacks):
    """The kept rows hold ID hashes under the key of their check: after a rotation they
    are not used, and the person is hashed with the new key."""
    record = _checked(world, [_student("A2025002", "乙", 3)])
    roster_apply_request(actor=world.users["school_a_admin"], import_id=record.pk)
    settings.FIELD_HASH_KEYS_OLD = [settings.FIELD_HASH_KEY]
    settings.FIELD_HASH_KEY = b"r" * 32
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.apply_import.call(record.pk) == "applied"
    person = Person.objects.get(number="A2025002")
    assert person.doc_hash == keyed_hashes(_id(3))[0]


def test_an_import_whose_kept_rows_name_a_class_closed_since_checks_the_file_again(world):
    from apps.orgs.models import SchoolClass

    record = _checked(world, [_student("A2025001", "甲", 1),
                              _student("A2025002", "乙", 3, klass="七年级2班")])
    roster_apply_request(actor=world.users["school_a_admin"], import_id=record.pk)
    SchoolClass.objects.filter(school=world.schools["a"], name="七年级2班").update(
        closed_at=timezone.now())
    with translation.override("en"):
        assert tasks.apply_import.call(record.pk) == "failed"
    record.refresh_from_db()
    assert "1 rows have errors" in record.failure
    assert not Person.objects.filter(number__in=["A2025001", "A2025002"]).exists()


def test_an_upload_no_longer_kept_fails_with_its_reason(world):
    record = _checked(world, [_student("A2025001", "甲", 1)])
    roster_apply_request(actor=world.users["school_a_admin"], import_id=record.pk)
    upload_delete(record.stored_name)
    with translation.override("en"):
        assert tasks.apply_import.call(record.pk) == "failed"
    assert "no longer kept" in RosterImport.objects.get(pk=record.pk).failure


def test_only_a_checked_import_with_no_errors_or_the_box_ticked_is_imported(world):
    from apps.rosters.reading import RosterError

    admin = world.users["school_a_admin"]
    record = _checked(world, [_student("A2025001", "甲", 1), _student("A2025002", "乙", 3,
                                                                     班级="无此班")])
    with pytest.raises(RosterError) as caught:
        roster_apply_request(actor=admin, import_id=record.pk)
    assert caught.value.reason == "has_errors"
    queued = _upload(world, [_student("A2025003", "丙", 5)])
    with pytest.raises(RosterError) as caught:
        roster_apply_request(actor=admin, import_id=queued.pk)
    assert caught.value.reason == "not_checked"


def test_the_housekeeping_deletes_old_files_but_not_waiting_ones(world, settings, roster_files):
    settings.ROSTER_FILES_KEEP_HOURS = 0
    done = _checked(world, [_student("A2025001", "甲", 1)])
    waiting = _upload(world, [_student("A2025002", "乙", 3)])
    # the file system dates files by the machine's clock: date them by the suite's
    for path in roster_files.rglob("*"):
        os.utime(path, (time.time(), time.time()))
    assert tasks.roster_housekeeping.call() >= 1
    assert not (roster_files / "uploads" / done.stored_name).exists()
    assert (roster_files / "uploads" / waiting.stored_name).exists()
    assert RosterImport.objects.get(pk=done.pk).stored_name == ""


# Exports -------------------------------------------------------------------------------


def _rows(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def test_a_large_unmasked_export_runs_once_in_the_worker_with_one_log_row(client, world):
    client.force_login(world.users["school_a_admin"])
    klass = world.classes["a_c1"].pk
    response = client.post(reverse("rosters_export:people"),
                           {"klass": klass, "reveal": "1", "reason": "疾控核对"})
    record = RosterExport.objects.get()
    assert response.status_code == 302 and response.url == reverse("rosters_export:job",
                                                                   args=[record.pk])
    assert not AccessLog.objects.exists() and record.reveal
    page = client.get(response.url).content.decode()
    assert 'id="job-progress"' in page
    assert client.get(reverse("rosters_export:job_file", args=[record.pk])).status_code == 404
    assert tasks.run_export.call(record.pk) == "done"
    assert tasks.run_export.call(record.pk) == "done before"
    log = AccessLog.objects.get()
    assert (log.action, log.reason) == ("export_unmasked", "疾控核对")
    download = client.get(reverse("rosters_export:job_file", args=[record.pk]))
    rows = _rows(b"".join(download.streaming_content))
    documents = {decrypt_text(p.doc_cipher) for p in Person.objects.filter(klass_id=klass)}
    assert {row[7] for row in rows[1:]} == documents and len(rows) - 1 == len(documents) > 1


def test_a_large_export_is_its_requesters_only(client, world):
    client.force_login(world.users["school_a_admin"])
    client.get(reverse("rosters_export:households"))
    record = RosterExport.objects.get()
    tasks.run_export.call(record.pk)
    client.force_login(world.users["school_b_admin"])
    for name in ("job", "job_progress", "job_file"):
        assert client.get(reverse(f"rosters_export:{name}", args=[record.pk])).status_code == 404


def test_a_large_export_without_the_right_to_reveal_is_refused_at_once(client, world):
    client.force_login(world.users["teacher_a1"])
    response = client.post(reverse("rosters_export:people"), {"reveal": "1", "reason": "CDC"})
    assert response.status_code == 404 and not RosterExport.objects.exists()


def test_a_masked_large_export_keeps_a_typed_document_out_of_its_record(client, world,
                                                                        settings):
    settings.ROSTER_EXPORT_SYNC_ROWS = 0
    person = world.persons["a1_student"]
    client.force_login(world.users["school_a_admin"])
    client.post(reverse("rosters_export:people"), {"q": person.plain_document})
    record = RosterExport.objects.get()
    assert person.plain_document not in str(record.filters)
    tasks.run_export.call(record.pk)
    assert RosterExport.objects.get(pk=record.pk).rows == 1


def test_an_export_file_is_readable_by_its_owner_account_only(client, world, roster_files):
    client.force_login(world.users["school_a_admin"])
    client.get(reverse("rosters_export:classes"))
    record = RosterExport.objects.get()
    tasks.run_export.call(record.pk)
    mode = (roster_files / "exports" / f"export-{record.pk}.xlsx").stat().st_mode
    assert mode & 0o077 == 0


def test_a_large_export_through_the_api_is_202_with_where_to_follow_it(client, world):
    client.force_login(world.users["school_a_admin"])
    response = client.get("/api/v1/exports/people.xlsx",
                          {"klass": world.classes["a_c1"].pk})
    record = RosterExport.objects.get()
    body = response.json()
    assert response.status_code == 202
    assert (body["export_id"], body["status"], body["list_name"], body["reveal"]) == (
        record.pk, "queued", "people", False)
    assert body["url"] == f"/api/v1/exports/jobs/{record.pk}"
    assert body["file_url"] == f"/api/v1/exports/jobs/{record.pk}/file"
    assert client.get(body["file_url"]).status_code == 404  # not written yet
    assert client.get(body["url"]).json()["status"] == "queued"
    assert tasks.run_export.call(record.pk) == "done"
    status = client.get(body["url"]).json()
    in_class = Person.objects.filter(klass=world.classes["a_c1"]).count()
    assert (status["status"], status["rows"]) == ("done", in_class) and in_class > 1
    download = client.get(body["file_url"])
    assert download.status_code == 200 and download["X-Export-Rows"] == str(status["rows"])
    rows = _rows(b"".join(download.streaming_content))
    assert len(rows) - 1 == status["rows"] and "*" in rows[1][7]  # masked
    client.force_login(world.users["school_b_admin"])
    assert client.get(body["url"]).status_code == 404
    assert client.get(body["file_url"]).status_code == 404


def test_a_large_unmasked_export_through_the_api_checks_the_reason_at_once(client, world):
    client.force_login(world.users["school_a_admin"])
    missing = client.post("/api/v1/exports/people.xlsx", {"reason": " "},
                          content_type="application/json")
    assert missing.status_code in (400, 422) and not RosterExport.objects.exists()
    response = client.post("/api/v1/exports/people.xlsx",
                           {"klass": world.classes["a_c1"].pk, "reason": "疾控核对"},
                           content_type="application/json")
    assert response.status_code == 202 and response.json()["reveal"] is True
    assert not AccessLog.objects.exists()
    export_id = response.json()["export_id"]
    tasks.run_export.call(export_id)
    rows = _rows(b"".join(client.get(f"/api/v1/exports/jobs/{export_id}/file")
                          .streaming_content))
    documents = {decrypt_text(p.doc_cipher)
                 for p in Person.objects.filter(klass=world.classes["a_c1"])}
    assert {row[7] for row in rows[1:]} == documents
    assert AccessLog.objects.get().reason == "疾控核对"
    client.force_login(world.users["teacher_a1"])
    refused = client.post("/api/v1/exports/people.xlsx", {"reason": "CDC"},
                          content_type="application/json")
    assert refused.status_code == 404 and RosterExport.objects.count() == 1


@pytest.mark.parametrize("name", ["classes", "households"])
def test_other_large_lists_through_the_api_are_202_too(client, world, name):
    client.force_login(world.users["school_a_admin"])
    response = client.get(f"/api/v1/exports/{name}.xlsx")
    assert response.status_code == 202 and response.json()["list_name"] == name
    tasks.run_export.call(response.json()["export_id"])
    assert client.get(response.json()["file_url"]).status_code == 200


def test_a_small_export_through_the_api_is_answered_at_once(client, world, settings):
    settings.ROSTER_EXPORT_SYNC_ROWS = 20_000
    client.force_login(world.users["school_a_admin"])
    response = client.get("/api/v1/exports/people.xlsx")
    assert response.status_code == 200 and not RosterExport.objects.exists()


@pytest.fixture
def another_thread():
    """A thread running beside the test, as the worker's heartbeat runs beside its tasks."""
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    yield thread
    stop.set()
    thread.join()


def test_a_large_upload_is_checked_and_imported_in_a_process_of_its_own_beside_threads(
        world, monkeypatch, another_thread):
    import subprocess

    from django.core.management import call_command

    calls = []

    def run(argv, env, **kwargs):  # the new process, played here
        calls.append((argv[-3:], env["SHAODIAN_ROSTER_FILES_DIR"]))
        out = io.StringIO()
        call_command(*argv[-3:], stdout=out)
        return subprocess.CompletedProcess(argv, 0, stdout=out.getvalue(), stderr="")

    from apps.rosters.management.commands import roster_stored

    monkeypatch.setattr(tasks, "OWN_PROCESS_BYTES", 1)
    monkeypatch.setattr(tasks.subprocess, "run", run)
    # The new process closes its connections as it ends; here that is the test's.
    monkeypatch.setattr(roster_stored.connections, "close_all", lambda: None)
    record = _upload(world, [_student("A2025001", "甲", 1)])
    assert tasks.check_import.call(record.pk) == "checked"
    roster_apply_request(actor=world.users["school_a_admin"], import_id=record.pk)
    assert tasks.apply_import.call(record.pk) == "applied"
    assert tasks.apply_import.call(record.pk) == "done before"
    assert [argv for argv, _dir in calls] == [["roster_stored", "check", str(record.pk)],
                                              ["roster_stored", "apply", str(record.pk)],
                                              ["roster_stored", "apply", str(record.pk)]]
    assert Person.objects.filter(number="A2025001").count() == 1


def test_a_failed_process_of_its_own_fails_the_task(world, monkeypatch, another_thread):
    import subprocess

    monkeypatch.setattr(tasks, "OWN_PROCESS_BYTES", 1)
    monkeypatch.setattr(tasks.subprocess, "run", lambda argv, **kwargs: (
        subprocess.CompletedProcess(argv, 1, stdout="", stderr="Traceback: boom")))
    record = _upload(world, [_student("A2025001", "甲", 1)])
    with pytest.raises(RuntimeError, match="boom"):
        tasks.check_import.call(record.pk)


def test_rows_are_never_checked_in_a_forked_child_beside_threads(world, monkeypatch,
                                                                  another_thread):
    import warnings

    monkeypatch.setattr(planning, "PARALLEL_ROWS", 10)
    rows = [_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 31)]
    rows[20] = _student("A2025021", "乙", 21, 班级="无此班")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record = _checked(world, rows)
    assert not [w for w in caught if "fork" in str(w.message)]
    assert (record.new, record.rejected) == (29, 1)
