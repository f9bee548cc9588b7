"""Checking an uploaded file (the dry run) and applying a plan, each recorded in the import
history (RosterImport). Applying writes in one transaction; an unchecked plan applied all
or nothing on PostgreSQL is checked while it is written (streamed.py)."""

import hashlib
import time

import psycopg
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.orgs.models import School
from apps.people.headcounts import headcounts_refresh_on_commit
from apps.rosters.models import ImportStatus, RosterImport
from apps.rosters.reading import RosterError, gc_paused, read_table
from apps.rosters.services.guardians import guardians_write
from apps.rosters.services.places import (
    places_allowed,
    places_create,
    places_missing,
    places_resolve,
)
from apps.rosters.services.planning import (
    _check_against_school,
    _check_rows,
    _has_errors,
    _scope,
    roster_plan,
)
from apps.rosters.services.plans import ImportResult, Plan, Scope
from apps.rosters.services.rows import _load_school
from apps.rosters.services.streamed import _check_and_create
from apps.rosters.services.writer import _create, _update

PREVIEW_ROWS = 20


def _outcome(plan: Plan, *, counts=None) -> dict:
    """What a check or an import found, as the import history keeps it."""
    new, updated, unchanged = counts or (plan.count("new"), plan.count("updated"),
                                         plan.count("unchanged"))
    preview = [{"row": r.row, "number": r.number, "name": r.values["name"], "action": r.action,
                "changed": r.changed, "moved": list(r.moved) if r.moved else None}
               for r in plan.rows[:PREVIEW_ROWS]]
    return {"new": new, "updated": updated, "unchanged": unchanged,
            "rejected": len(plan.rejected_rows), "rows": len(plan.table.rows),
            "errors": [e.__dict__ for e in plan.errors], "ignored_columns": plan.columns.ignored,
            "preview": preview, "places": plan.places.listing() if plan.places else []}


def _record(plan: Plan, *, actor, status: str) -> RosterImport:
    return RosterImport.objects.create(
        school=plan.school, kind=plan.kind, user=actor, file_name=plan.file_name[:255],
        sha256=plan.sha256, status=status, create_places=plan.create_places, **_outcome(plan),
    )


def _refusal(exc: RosterError) -> list[dict]:
    return [{"row": None, "column": "", "value": "", "reason": exc.reason,
             "message": exc.message}]


def roster_check(*, actor, school: School, kind: str, name: str, data: bytes,
                 create_places: bool = False) -> Plan:
    """Read and plan an uploaded file (a dry run), recorded in the import history. A file
    that cannot be read raises RosterError (recorded as refused). Planning writes nothing,
    so the record is the only write and needs no wider transaction."""
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        table = read_table(name, data)
        plan = roster_plan(actor=actor, school=school, kind=kind, table=table, file_name=name,
                           sha256=sha256, create_places=create_places)
    except RosterError as exc:
        _scope(actor, school, kind)  # an outsider learns nothing, not even that it failed
        RosterImport.objects.create(
            school=school, kind=kind, user=actor, file_name=name[:255], sha256=sha256,
            status=ImportStatus.REFUSED, size=len(data), errors=_refusal(exc),
            failure=exc.message,
        )
        raise
    plan.record = _record(plan, actor=actor, status=ImportStatus.CHECKED)
    return plan


@transaction.atomic
def roster_apply(*, actor, plan: Plan, valid_only: bool = False) -> ImportResult:
    """Write the plan in one transaction. The rows are checked again against the people as
    they are now, so applying twice (or the same file twice) changes nothing the second
    time. With errors, nothing is written unless `valid_only`. The rows themselves are not
    read again: only what depends on the stored people is checked again. The check's
    record becomes the import's: claimed first, so a plan is applied once whoever repeats
    the request."""
    if plan.record is not None and not _claim(plan.record, ImportStatus.APPLIED):
        done = RosterImport.objects.get(pk=plan.record.pk)
        return ImportResult(done, done.new, done.updated, done.unchanged, done.rejected)
    scope, known = _scope(actor, plan.school, plan.kind), _load_school(plan.school)
    if plan.create_places:
        scope = _create_places(actor, plan, known)
    streamed = plan.unchecked and not valid_only
    if not streamed:
        if plan.unchecked:
            with gc_paused():
                _check_rows(plan, known, plan.check_progress)
        _check_against_school(plan, scope, known)
        if plan.errors and not valid_only:
            raise _has_errors(plan)
    try:
        with transaction.atomic(), gc_paused():  # a savepoint: a lost race is bad input
            if streamed:
                _check_and_create(actor, plan, scope, known)  # RosterError if a row is wrong
            else:
                _create(actor, plan)
            started = time.perf_counter()
            _update(actor, plan)
            plan.timings["update"] = time.perf_counter() - started
            guardians_write(actor, plan)
            headcounts_refresh_on_commit([plan.school.pk])
    except (IntegrityError, psycopg.IntegrityError):  # COPY raises psycopg's own
        raise RosterError(
            "conflict",
            _("Someone changed these people while the file was imported: check it again."),
        ) from None
    fields = {**_outcome(plan), "status": ImportStatus.APPLIED, "valid_only": valid_only,
              "applied_by": actor, "applied_at": timezone.now(), "failure": ""}
    if plan.record is None:
        record = _record(plan, actor=actor, status=ImportStatus.APPLIED)
        RosterImport.objects.filter(pk=record.pk).update(**fields)
    else:
        RosterImport.objects.filter(pk=plan.record.pk).update(**fields)
    record = RosterImport.objects.get(pk=(plan.record or record).pk)
    return ImportResult(record, record.new, record.updated, record.unchanged, record.rejected)


def _create_places(actor, plan: Plan, known) -> Scope:
    """The classes and units the plan lists (or, for a plan not read yet, the file names)
    created first, the rows pointed at them; the actor's scope now holds them."""
    places_allowed(actor, plan.school)
    if plan.places is None:
        plan.places = places_missing(plan, known)
    places_resolve(plan, places_create(actor=actor, plan=plan, known=known, places=plan.places))
    return _scope(actor, plan.school, plan.kind)


def _claim(record: RosterImport, target: str) -> bool:
    """Lock the import's row unless it already reached `target`: a conditional UPDATE, so
    a second worker (or a repeated request) waits for the first and then finds it done."""
    return bool(RosterImport.objects.filter(pk=record.pk).exclude(status=target)
                .update(status=F("status")))
