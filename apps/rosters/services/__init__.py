"""Roster import: a school's student or staff list checked row by row (dry run), then
written in one transaction.

  plans.py     what a check finds: Plan, PlannedRow, RowError, ImportResult, Scope
  rows.py      one row read and checked on its own (the people app's own checks)
  planning.py  roster_plan: every row, then the file's duplicates, then the school's people
  checker.py   a large file's rows checked in a forked child (fork-safety rules there)
  writer.py    new people written with COPY (and the writer thread), updates with history
  streamed.py  an unchecked plan checked while its new people are written (PostgreSQL)
  applying.py  roster_check (the recorded dry run) and roster_apply
  jobs.py      the life cycle of a stored upload: queued, checked, applying, applied
  exports.py, export_jobs.py   scoped .xlsx exports, and the large ones the worker writes

The services callers use are importable from here.
"""

from apps.rosters.services.applying import roster_apply, roster_check
from apps.rosters.services.jobs import (
    roster_apply_request,
    roster_apply_stored,
    roster_check_stored,
    roster_files_prune,
    roster_pending_resume,
    roster_stored_plan,
    roster_upload,
)
from apps.rosters.services.planning import roster_plan
from apps.rosters.services.plans import PERM, ImportResult, Plan, PlannedRow, RowError

__all__ = [
    "PERM",
    "ImportResult",
    "Plan",
    "PlannedRow",
    "RowError",
    "roster_apply",
    "roster_apply_request",
    "roster_apply_stored",
    "roster_check",
    "roster_check_stored",
    "roster_files_prune",
    "roster_pending_resume",
    "roster_plan",
    "roster_stored_plan",
    "roster_upload",
]
