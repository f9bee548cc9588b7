"""The life cycle of an import from a stored upload (the pages; the worker for large
files): uploaded and kept encrypted (queued), checked (a dry run on its record), asked for
(applying), applied or failed; resumed when a worker died, its files pruned after the
keeping time. Each step claims its record with a conditional UPDATE, so a repeated request
or a second worker does nothing twice."""

import hashlib
import pickle
from collections.abc import Sequence
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.crypto import current_header
from apps.orgs.models import School
from apps.people.models import PersonKind
from apps.rosters.files import (
    Progress,
    checked_load,
    checked_store,
    files_prune,
    progress_clear,
    upload_delete,
    upload_load,
    upload_store,
)
from apps.rosters.headers import match_columns
from apps.rosters.models import IMPORT_PENDING, ImportStatus, RosterImport
from apps.rosters.reading import RosterError, Table, check_upload, gc_paused, read_table
from apps.rosters.services.applying import _outcome, _refusal, roster_apply
from apps.rosters.services.places import places_allowed
from apps.rosters.services.planning import _scope, roster_plan
from apps.rosters.services.plans import PERM, Plan, PlannedRow, RowError
from apps.rosters.services.rows import _load_school

EXPIRED = gettext_lazy("The uploaded file is no longer kept: upload it again.")
NOT_ALLOWED = gettext_lazy("You may no longer import into this school.")


def roster_upload(*, actor, school: School, kind: str, name: str, data: bytes,
                  create_places: bool = False) -> RosterImport:
    """Keep an uploaded file (encrypted) for its check, recorded as queued. A file refused
    on sight (type, size, empty) is recorded as refused and raises RosterError. With
    `create_places` the import creates the classes and units the file names that the
    school lacks (apps.rosters.services.places)."""
    if kind not in PersonKind.values:
        raise RosterError("bad_kind", _("Choose students or staff."))
    _scope(actor, school, kind)
    if create_places:
        places_allowed(actor, school)
    record = RosterImport.objects.create(
        school=school, kind=kind, user=actor, file_name=name[:255], create_places=create_places,
        sha256=hashlib.sha256(data).hexdigest(), status=ImportStatus.QUEUED, size=len(data),
    )
    try:
        check_upload(name, data)
    except RosterError as exc:
        RosterImport.objects.filter(pk=record.pk).update(
            status=ImportStatus.REFUSED, errors=_refusal(exc), failure=exc.message)
        raise
    record.stored_name = upload_store(record.pk, data)
    RosterImport.objects.filter(pk=record.pk).update(stored_name=record.stored_name)
    _run_or_enqueue("check_import", record)
    return record


def _run_or_enqueue(task_name: str, record: RosterImport) -> None:
    """A small file is handled during the request; a large one by the worker, once the
    record it needs is committed."""
    from apps.rosters import tasks

    task = getattr(tasks, task_name)
    if record.size <= settings.ROSTER_SYNC_MAX_BYTES:
        task.call(record.pk)
    else:
        transaction.on_commit(partial(task.enqueue, record.pk))


def _table_from(record: RosterImport, key: str) -> Table:
    Progress(key, "read", record.size)
    return read_table(record.file_name, upload_load(record.pk, record.stored_name))


def roster_check_stored(*, import_id: int) -> RosterImport | None:
    """The check (dry run) of a stored upload: counts, errors and preview on its record.
    Run once: a repeated call finds it checked and does nothing."""
    key = f"import-{import_id}"
    with transaction.atomic():
        record = _claimed(import_id, ImportStatus.QUEUED, "user")
        if record is None:
            return None
        try:
            with gc_paused():  # from reading to the end: one pause, no collection between
                table = _table_from(record, key)
                progress = Progress(key, "check", len(table.rows))
                kept = []

                def keep(checked: Plan) -> None:  # the rows as read and checked, not compared
                    if not checked.errors:
                        kept.append(_kept_rows(checked, table))

                plan = roster_plan(actor=record.user, school=record.school, kind=record.kind,
                                   table=table, file_name=record.file_name,
                                   progress=progress.step, create_places=record.create_places,
                                   rows_read=None if record.create_places else keep)
                if kept and not plan.errors:
                    checked_store(import_id, kept[0])
        except (RosterError, FileNotFoundError, Http404) as exc:
            _fail(record, exc, ImportStatus.REFUSED)
            return record
        RosterImport.objects.filter(pk=import_id).update(status=ImportStatus.CHECKED,
                                                         **_outcome(plan))
    progress_clear(key)
    return RosterImport.objects.get(pk=import_id)


def _claimed(import_id: int, status: str, user: str) -> RosterImport | None:
    """The import with its school and `user`, its row locked by a conditional UPDATE if it
    is still in `status` (a duplicate waits for the first run, then finds it moved on);
    None otherwise. Inside the caller's transaction."""
    if not RosterImport.objects.filter(pk=import_id, status=status).update(status=F("status")):
        return None
    return RosterImport.objects.select_related("school", user).get(pk=import_id)


def _fail(record: RosterImport, exc: Exception, status: str) -> None:
    if isinstance(exc, RosterError):
        reason, message = exc.reason, exc.message
    elif isinstance(exc, FileNotFoundError):
        reason, message = "expired", str(EXPIRED)
    else:
        reason, message = "out_of_scope", str(NOT_ALLOWED)
    fields = {"status": status, "failure": message}
    if status == ImportStatus.REFUSED:
        fields["errors"] = _refusal(RosterError(reason, message))
    RosterImport.objects.filter(pk=record.pk).update(**fields)
    upload_delete(record.stored_name)
    RosterImport.objects.filter(pk=record.pk).update(stored_name="")
    progress_clear(f"import-{record.pk}")


def roster_apply_request(*, actor, import_id: int, valid_only: bool = False) -> RosterImport:
    """Ask for a checked upload to be imported (now if small, else by the worker). Asking
    twice imports once: only a checked import moves on, by a conditional UPDATE."""
    record = RosterImport.objects.restrict(actor, PERM).filter(pk=import_id).first()
    if record is None:
        raise Http404
    _scope(actor, record.school, record.kind)
    if record.status in (ImportStatus.APPLYING, ImportStatus.APPLIED):
        return record
    if record.status != ImportStatus.CHECKED or not record.stored_name:
        raise RosterError("not_checked", _("Upload the file and check it again."))
    if record.rejected and not valid_only:
        raise RosterError(
            "has_errors",
            _("%(count)d rows have errors: fix them, or import only the valid rows.")
            % {"count": record.rejected},
        )
    moved = RosterImport.objects.filter(pk=import_id, status=ImportStatus.CHECKED).update(
        status=ImportStatus.APPLYING, applied_by=actor, valid_only=valid_only,
        applied_at=timezone.now())  # when it was asked for, until it is done
    record.refresh_from_db()
    if moved:
        _run_or_enqueue("apply_import", record)
        record.refresh_from_db()
    return record


def roster_apply_stored(*, import_id: int) -> RosterImport | None:
    """The import of a stored upload, all in one transaction with its record: read, check,
    encrypt, hash, write. Exactly once: the record is claimed by a conditional UPDATE in
    the same transaction, so a duplicate waits, then finds it applied; if the worker dies
    the transaction rolls back whole and the import is still waiting, to be run again."""
    key = f"import-{import_id}"
    with transaction.atomic():
        record = _claimed(import_id, ImportStatus.APPLYING, "applied_by")
        if record is None:
            return None
        actor = record.applied_by
        try:
            with gc_paused():  # from reading to writing: one pause, no collection between
                plan = _checked_plan(record, actor)
                if plan is not None:  # the rows the check kept: only compared again
                    rows = len(plan.table.rows)
                    progress = Progress(key, "apply", 2 * rows)
                else:  # the file read and checked again
                    table = _table_from(record, key)
                    rows = len(table.rows)  # checked, then written: two steps per row
                    progress = Progress(key, "apply", 2 * rows)
                    plan = roster_plan(actor=actor, school=record.school, kind=record.kind,
                                       table=table, file_name=record.file_name,
                                       sha256=record.sha256, progress=progress.step,
                                       compare=False, create_places=record.create_places)
                plan.record = record
                plan.progress = lambda written: progress.step(rows + written)
                progress.write(rows)
                roster_apply(actor=actor, plan=plan, valid_only=record.valid_only)
        except (RosterError, FileNotFoundError, Http404) as exc:
            _fail(record, exc, ImportStatus.FAILED)
            return RosterImport.objects.get(pk=import_id)
        name = record.stored_name
        RosterImport.objects.filter(pk=import_id).update(stored_name="")
        transaction.on_commit(partial(upload_delete, name))
    progress_clear(key)
    return RosterImport.objects.get(pk=import_id)


def _kept_rows(plan: Plan, table: Table) -> bytes:
    """The rows a check read and found right, before they were compared with the school's
    people (the import compares them again, with the people as they are then)."""
    rows = [(p.row, p.number, p.values, p.document, p.hashes, p.guardian) for p in plan.rows]
    # the keys the documents were encrypted and hashed with: rotated since, they are not used
    head = (table.headers, table.header_row, len(table.rows), current_header())
    return pickle.dumps((head, rows), pickle.HIGHEST_PROTOCOL)


class _FileRows(Sequence):
    """The file's rows, read only if something asks for them (an error found at import
    names its cell): their number is known without reading."""

    def __init__(self, record: RosterImport, count: int):
        self.record, self.count, self.rows = record, count, None

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):
        if self.rows is None:
            self.rows = read_table(self.record.file_name,
                                   upload_load(self.record.pk, self.record.stored_name)).rows
        return self.rows[index]


def _checked_plan(record: RosterImport, actor) -> Plan | None:
    """The plan of an import from the rows its check kept (checked_store), so the file is
    not read and checked again; None when none were kept, when the field or hash key was
    rotated since, or when a class, unit, room or region they name is gone (the file is
    then checked again, and says which row)."""
    data = checked_load(record.pk) if not record.create_places else None
    if data is None:
        return None
    (headers, header_row, count, keys), rows = pickle.loads(data)  # noqa: S301 - our own, encrypted
    if keys != current_header():  # a key rotated between check and import: check again
        return None
    _scope(actor, record.school, record.kind)
    known = _load_school(record.school)
    classes = {c.pk for c in known.classes.values()}
    there = {"klass_id": classes, "teaches_class_id": classes,
             "unit_id": {u.pk for u in known.units.values()},
             "dorm_room_id": {r.pk for r in known.rooms.values()}}
    if any(v[name] is not None and v[name] not in ids
           for *_start, v, _document, _hashes, _guardian in rows
           for name, ids in there.items()):
        return None
    table = Table(headers, header_row, _FileRows(record, count))
    plan = Plan(record.school, record.kind, table, match_columns(record.kind, headers),
                file_name=record.file_name, sha256=record.sha256)
    plan.rows = [PlannedRow(row, number, values, document, hashes, guardian=guardian)
                 for row, number, values, document, hashes, guardian in rows]
    return plan


def roster_stored_plan(record: RosterImport) -> Plan | None:
    """The checked file with its errors, for the rows-to-fix workbook, while it is kept."""
    if not record.stored_name:
        return None
    try:
        table = read_table(record.file_name, upload_load(record.pk, record.stored_name))
        columns = match_columns(record.kind, table.headers)
    except (FileNotFoundError, RosterError):
        return None
    errors = [RowError(**e) for e in record.errors if e.get("row") is not None]
    return Plan(record.school, record.kind, table, columns, errors=errors)


def roster_pending_resume(*, older_than_seconds: int = 600) -> int:
    """Queue again the imports still waiting long after they were asked for (a worker that
    died, a queue that was lost): the claim makes a second run harmless."""
    from apps.rosters import tasks

    before = timezone.now() - timedelta(seconds=older_than_seconds)
    stale = RosterImport.objects.filter(
        Q(status=ImportStatus.QUEUED, created_at__lt=before)
        | Q(status=ImportStatus.APPLYING, applied_at__lt=before))
    count = 0
    for import_id, status in stale.values_list("pk", "status"):
        task = tasks.check_import if status == ImportStatus.QUEUED else tasks.apply_import
        transaction.on_commit(partial(task.enqueue, import_id))
        count += 1
    return count


def roster_files_prune() -> int:
    """Forget uploads nobody imported and exports nobody fetched, after the keeping time."""
    hours = settings.ROSTER_FILES_KEEP_HOURS
    before = timezone.now() - timedelta(hours=hours)
    expired = RosterImport.objects.filter(status=ImportStatus.CHECKED, created_at__lt=before)
    expired.exclude(stored_name="").update(stored_name="")
    waiting = set(RosterImport.objects.filter(status__in=IMPORT_PENDING)
                  .exclude(stored_name="").values_list("stored_name", flat=True))
    waiting |= set(RosterImport.objects.filter(status=ImportStatus.CHECKED)
                   .exclude(stored_name="").values_list("stored_name", flat=True))
    return files_prune(older_than_seconds=hours * 3600, keep=waiting)
