"""The worker killed (SIGKILL) in the middle of its work, then started again: each job ends
exactly once. A new worker finds the dead one's task RUNNING with a silent heartbeat and
queues it again (apps.operations.services.tasks_orphaned_requeue); what the dead one had
half-written is rolled back (one transaction) or claimed and finished without repeats."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.db.models import Count

from tests.faults.conftest import task_rows, wait_for, workers

ROSTER_ROWS = 100_000  # the figure
APPLY = "apps.rosters.tasks.apply_import"
FIRE = "apps.emergency.tasks.fire_alert"
DELIVERIES = 600  # 10 ms each at the receiver: a batch of several seconds


@pytest.fixture
def roster_files(settings, tmp_path):
    settings.ROSTER_FILES_DIR = tmp_path / "rosters"
    return settings.ROSTER_FILES_DIR


def _checked_import(tmp_path, start_worker):
    """A 100,000-row upload, checked by a worker (the check is not what is killed)."""
    from apps.rosters.models import ImportStatus, RosterImport
    from apps.rosters.services import roster_upload
    from bench.roster_import import _school_and_admin, write_xlsx
    from shaodian.testing.world import ensure_regions

    ensure_regions()
    school, admin = _school_and_admin()
    record = roster_upload(actor=admin, school=school, kind="student", name="students.xlsx",
                           data=write_xlsx(ROSTER_ROWS))
    checker = start_worker()
    wait_for(lambda: task_rows("apps.rosters.tasks.check_import").filter(status="SUCCESSFUL")
             .exists(), timeout=120, what="the check", log=tmp_path / "worker.log")
    checker.kill()
    assert RosterImport.objects.get(pk=record.pk).status == ImportStatus.CHECKED
    return school, admin, record


def _writing(import_id: int) -> bool:
    """The import is past its check and writing people (progress counts both steps)."""
    from apps.rosters.files import progress_read

    progress = progress_read(f"import-{import_id}") or {}
    return progress.get("phase") == "apply" and progress.get("done", 0) > ROSTER_ROWS + 5_000


def _import_writing(tmp_path, start_worker):
    """A checked import asked for, and a worker writing it: (school, import, worker)."""
    from apps.rosters.services import roster_apply_request

    school, admin, record = _checked_import(tmp_path, start_worker)
    roster_apply_request(actor=admin, import_id=record.pk)
    worker = start_worker()
    wait_for(lambda: _writing(record.pk), timeout=120, what="the import writing",
             log=tmp_path / "worker.log")
    return school, record, worker


def _imported_once(school):
    """Every row of the file is a person of the school, once."""
    from apps.people.models import Person

    people = Person.objects.filter(school=school)
    assert people.count() == ROSTER_ROWS
    assert not people.values("number").annotate(n=Count("id")).filter(n__gt=1).exists()


@pytest.mark.django_db(transaction=True)
def test_it_imports_100000_rows_once_when_the_worker_dies_while_writing(tmp_path, roster_files):
    from apps.people.models import Person
    from apps.rosters.models import ImportStatus, RosterImport

    log = tmp_path / "worker.log"
    with workers(tmp_path) as start_worker:
        school, record, doomed = _import_writing(tmp_path, start_worker)
        doomed.kill()
        assert not Person.objects.filter(school=school).exists()  # rolled back whole
        assert RosterImport.objects.get(pk=record.pk).status == ImportStatus.APPLYING

        start_worker()
        wait_for(lambda: task_rows(APPLY).filter(status__in=["SUCCESSFUL", "FAILED"]).exists(),
                 timeout=150, what="the import after restart", every=0.5, log=log)

    _imported_once(school)
    assert RosterImport.objects.get(pk=record.pk).status == ImportStatus.APPLIED
    run = task_rows(APPLY).get()  # one task, claimed by both workers
    assert (run.status, len(run.worker_ids)) == ("SUCCESSFUL", 2)



def _import_processes(import_id: int) -> list[int]:
    """The pids of `manage.py roster_stored apply IMPORT_ID` (its forked checker, which has
    the same command line, left out)."""
    from pathlib import Path

    found = {}
    for entry in Path("/proc").iterdir():
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"roster_stored" in words and words[-3:-1] == [b"apply", str(import_id).encode()]:
            found[int(entry.name)] = parent
    return sorted(pid for pid, parent in found.items() if parent not in found)


@pytest.mark.django_db(transaction=True)
def test_it_imports_once_when_the_worker_dies_but_its_import_process_lives_on(
        tmp_path, roster_files):
    """The worker killed alone (its import's own process lives on and commits); the next
    worker queues the silent task again, and that run finds the import done."""
    from apps.rosters.models import ImportStatus, RosterImport

    log = tmp_path / "worker.log"
    with workers(tmp_path) as start_worker:
        school, record, doomed = _import_writing(tmp_path, start_worker)
        survivor = _import_processes(record.pk)
        doomed.kill(alone=True)
        assert survivor and _import_processes(record.pk) == survivor  # it lives on
        start_worker()  # at once: its rerun may meet the survivor still writing
        wait_for(lambda: task_rows(APPLY).filter(status__in=["SUCCESSFUL", "FAILED"]).exists(),
                 timeout=150, what="the rerun of the import task", every=0.5, log=log)
        wait_for(lambda: not _import_processes(record.pk), timeout=60,
                 what="the import processes to end", log=log)

    _imported_once(school)
    done = RosterImport.objects.get(pk=record.pk)
    assert (done.status, done.new) == (ImportStatus.APPLIED, ROSTER_ROWS)
    run = task_rows(APPLY).get()  # one task: the dead worker's claim, then the rerun
    assert (run.status, len(run.worker_ids)) == ("SUCCESSFUL", 2)
    assert run.return_value == "done before"  # the survivor had imported it

def _lock_table(model):
    """Another session's SHARE lock on `model`'s table: writes to it wait until release()."""
    import psycopg

    s = connection.settings_dict
    holder = psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432,
                             user=s["USER"], password=s.get("PASSWORD") or None,
                             dbname=s["NAME"])
    holder.execute(f'LOCK TABLE "{model._meta.db_table}" IN SHARE MODE')
    return holder


def _writer_waiting_on(model) -> bool:
    """A session that has written (it holds a transaction id) now waits to write `model`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL AND query LIKE %s",
            [f"%{model._meta.db_table}%"])
        return cursor.fetchone()[0] > 0


def _leg(person, to: str, days_ago: int):
    """A trip that many days before the real today (the worker's clock). test_triggers' own
    `leg` counts from the suite's day, fixed when that module was imported: a trip weeks
    before the report here, outside its trace-back window, when that module ran first."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.emergency.tests.test_triggers import JINSHUI
    from apps.travel.models import TripLeg

    day = timezone.localdate() - timedelta(days=days_ago)
    return TripLeg.objects.create(school_id=person.school_id, person=person,
                                  from_region_id=JINSHUI, to_region_id=to, depart=day,
                                  arrive=day, transport="train")


def _duplicates(queryset, *fields) -> int:
    return queryset.values(*fields).annotate(n=Count("id")).filter(n__gt=1).count()


@pytest.mark.django_db(transaction=True)
def test_it_fans_a_trigger_out_once_when_the_worker_dies_in_the_middle(henan, tmp_path):
    from apps.emergency.models import Alert, CaseReport, SchoolTrigger
    from apps.emergency.tests.test_triggers import PUDONG, report
    from apps.emergency.triggers import alert_fire
    from apps.followups.models import FollowUp
    from apps.notifications.models import Delivery, Notification

    _leg(henan.persons["a1_student"], PUDONG, 5)
    _leg(henan.persons["b1_student"], PUDONG, 3)
    log = tmp_path / "worker.log"
    with workers(tmp_path) as start_worker:
        # The fan-out writes triggers, trace-back and follow-ups, then waits at the inbox.
        holder = _lock_table(Notification)
        try:
            doomed = start_worker()
            report(henan)  # enqueues fire_alert on commit
            wait_for(lambda: _writer_waiting_on(Notification), timeout=60,
                     what="the fan-out half-written", log=log)
            doomed.kill()
        finally:
            holder.close()
        assert not SchoolTrigger.objects.exists()  # the dead run's transaction is gone whole
        start_worker()
        wait_for(lambda: task_rows(FIRE).filter(status__in=["SUCCESSFUL", "FAILED"]).exists(),
                 timeout=60, what="the fan-out after restart", log=log)

    run = task_rows(FIRE).get()
    assert (run.status, len(run.worker_ids)) == ("SUCCESSFUL", 2)
    alert = Alert.objects.get()
    assert SchoolTrigger.objects.filter(alert=alert).count() == len(henan.schools)
    followups = FollowUp.objects.filter(source=f"alert:{alert.pk}")
    assert set(followups.values_list("person_id", flat=True)) == {
        henan.persons["a1_student"].pk, henan.persons["b1_student"].pk}
    assert _duplicates(SchoolTrigger.objects, "alert", "school") == 0
    assert _duplicates(followups, "person") == 0
    assert _duplicates(Notification.objects, "recipient", "dedupe_key") == 0
    assert _duplicates(Delivery.objects, "notification", "channel", "address") == 0
    assert Notification.objects.filter(kind="trigger.fired").exists()
    # Nothing lost: running the fan-out once more finds every row already there.
    again = alert_fire(report_id=CaseReport.objects.get().pk)
    assert (again.triggers, again.hits, again.followups, again.notifications) == (0, 0, 0, 0)


class _Receiver(BaseHTTPRequestHandler):
    """A slow outside webhook (10 ms a message) that keeps every Idempotency-Key it gets."""

    def do_POST(self):  # noqa: N802 (the http.server API)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(0.01)
        self.server.keys.append(self.headers.get("Idempotency-Key"))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.keys = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _deliveries(world, url: str, count: int) -> list[int]:
    from apps.notifications.models import Delivery, Notification

    note = Notification.objects.create(kind="cluster.report", severity="urgent",
                                       subject_zh="核对", subject_en="Check",
                                       school=world.schools["a"], dedupe_key="fault-batch")
    Delivery.objects.bulk_create(Delivery(notification=note, channel="webhook",
                                          address=f"{url}/hook/{n}") for n in range(count))
    return list(Delivery.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_it_delivers_a_batch_once_per_key_when_the_worker_dies_mid_batch(world, tmp_path,
                                                                          receiver):
    from apps.notifications.models import Delivery

    url = f"http://127.0.0.1:{receiver.server_address[1]}"
    ids = _deliveries(world, url, DELIVERIES)
    log = tmp_path / "worker.log"
    env = {"SHAODIAN_WEBHOOK_HOSTS": "127.0.0.1", "SHAODIAN_NOTIFY_CLAIM_LEASE_SECONDS": 4,
           "SHAODIAN_NOTIFY_DELIVERY_SECONDS": 2}
    with workers(tmp_path, **env) as start_worker:
        doomed = start_worker()  # queues deliver_due as it starts
        # halfway through the third run of 100 (a run records its sends at its end)
        wait_for(lambda: len(receiver.keys) >= 250, timeout=60,
                 what="250 deliveries sent", every=0.01, log=log)
        doomed.kill()
        sent_before = len(receiver.keys)
        assert sent_before < DELIVERIES  # killed mid-batch
        start_worker()
        wait_for(lambda: Delivery.objects.filter(status="sent").count() == DELIVERIES,
                 timeout=90, what="every delivery sent after restart", every=0.5, log=log)

    expected = {f"shaodian-delivery-{pk}" for pk in ids}
    assert set(receiver.keys) == expected  # none lost
    repeats = len(receiver.keys) - len(expected)
    # Repeated only what the dead worker sent and had not yet recorded (its last
    # FLUSH_SECONDS), each with its key, so the receiver counts each delivery once.
    assert 0 < repeats <= sent_before  # the claimed, unrecorded half of the third run
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    print(f"deliveries {DELIVERIES}: sent before the kill {sent_before}, sent again {repeats}"
          " (same keys), distinct received", len(set(receiver.keys)))
