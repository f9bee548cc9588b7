"""Personal data deleted on time (个人信息保护法: kept only as long as a rule needs it).

Each kind of record a person leaves is kept for a number of days that the school's
effective policy gives (pack parameters `retention_*_days`, tightened, never lengthened, by
bureaus and schools). Once a day `retention_purge` deletes what is older, set-based: one
DELETE per kind for all the schools that keep it equally long (most often every school), in
one transaction per kind, and returns the counts, which the worker logs. Where a statistic
must remain, the record is anonymised instead of deleted: a test sample loses its person
(one UPDATE), so a round still counts its samples and each tube keeps its result. Rows that
hang on a deleted row (a check-in's revisions) go first. Models are named by label so that
this module imports no app at import time.

Notifications (and their deliveries and dedupe keys) are kept
settings.NOTIFICATION_RETENTION_DAYS, the same for everyone: they follow a user, not a school.

On PostgreSQL the streams partitioned by month (check-ins and their revisions, gate checks,
status changes, trace hits, notifications: see apps.core.partitions) lose the months that
every school's keeping period (notifications: the one period) has passed whole, a detach
and a DROP, before the DELETE, which then has only the part of a month left.

Some kinds are only the rows a condition names (`where`: an approval decided, a concern
answered), and some are kept past other dates too (`also`: an approved trip until it ended).
Rows hanging on a record by its id (`linked`: a concern's events, a request's change
history) go first, whatever their dates.

Photos (a kind with `files`, the setting naming their directory; and the inspection photos of
apps.supervision) go files first, then rows, in chunks: a run stopped between the two leaves
rows whose files are gone, which the next run deletes (a file already gone is no error),
never a file without its row. Inspection photos are kept
settings.SUPERVISION_PHOTO_RETENTION_DAYS from their upload, the same for every school (0
keeps them), and never while a finding of their inspection is still open or answered but
not verified: its evidence. A delivery batch's photos (apps.parcels) are a person's record
like any other (a parcel's label names them): a pack parameter per school.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone


@dataclass(frozen=True)
class Kind:
    name: str  # the count's key
    model: str  # app_label.ModelName
    field: str  # the date (or time) the keeping period runs from
    parameter: str  # the pack parameter giving the days
    # Deleted first, by the same date: rows hanging on these, and their change history.
    dependents: tuple[tuple[str, str], ...] = ()  # (model, the path to the date)
    # Set these fields (to None) instead of deleting: the row stays for the statistics.
    anonymise: tuple[str, ...] = ()
    # Only the rows this names (a request decided, a concern answered).
    where: Q | None = None
    # Other dates (or times) that must be past the keeping period too.
    also: tuple[str, ...] = ()
    # Deleted first, whatever their dates: rows naming the record's id in this field.
    linked: tuple[tuple[str, str], ...] = ()  # (model, the field holding the record's id)
    # The setting naming the directory of the rows' files (`path` relative to it).
    files: str = ""


KINDS = (
    Kind("checkins", "health.CheckIn", "day", "retention_checkins_days",
         dependents=(("health.CheckInRevision", "checkin__day"),)),
    # by its day, the partition key: the same cutoff as its time's, and whole months drop
    Kind("gate_checks", "gate.GateCheck", "day", "retention_gate_checks_days"),
    # their change history holds the same data
    Kind("trip_legs", "travel.TripLeg", "arrive", "retention_travel_days",
         dependents=(("travel.HistoricalTripLeg", "arrive"),)),
    Kind("exposures", "travel.Exposure", "on", "retention_travel_days",
         dependents=(("travel.HistoricalExposure", "on"),)),
    Kind("status_changes", "status.PersonStatusChange", "changed_at",
         "retention_status_history_days"),
    # who an alert's trace-back linked, by a trip, residence or exposure: kept as long as
    # the trips and exposures themselves, from the alert's day
    Kind("trace_hits", "emergency.TraceHit", "alert_on", "retention_travel_days"),
    # a cleared "regimen not completed" mark, and the history of its decision; an open mark
    # (cleared_at NULL) is kept until it is cleared
    Kind("regimen_marks", "status.RegimenMark", "cleared_at", "retention_status_history_days",
         dependents=(("status.HistoricalRegimenMark", "cleared_at"),)),
    # who a round planned to sample: a list of people, no statistic needs it
    Kind("round_members", "testing.RoundMember", "planned_day", "retention_tests_days"),
    Kind("samples", "testing.Sample", "scanned_at", "retention_tests_days",
         anonymise=("person",)),
    # a delivery batch's photos, files and rows (the batch's count and times stay)
    Kind("parcel_photos", "parcels.ParcelPhoto", "uploaded_at", "retention_parcel_photos_days",
         files="PARCELS_FILES_DIR"),
    # a decided request, once what it asked for has ended too (an approved trip is read by
    # the status engine until it ends); a pending one is kept. A visitor's entry stays with
    # its visit (visitors.Visit protects it): visits have no keeping period yet.
    Kind("approvals", "approvals.ApprovalRequest", "decided_at", "retention_approvals_days",
         where=Q(state__in=("approved", "refused", "withdrawn"), visit__isnull=True),
         also=("ends_on",), linked=(("approvals.HistoricalApprovalRequest", "id"),)),
    # an answered concern (one open again is not: its answer time is an old one)
    Kind("concerns", "concerns.Concern", "answered_at", "retention_concerns_days",
         where=Q(state="answered"), linked=(("concerns.ConcernEvent", "concern_id"),)),
)


def retention_purge(*, today: date | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete (or, with dry_run, count) every record older than its school's keeping
    period; returns the count per kind."""
    today = today or timezone.localdate()
    groups = _schools_by_days()
    schools = apps.get_model("orgs.School").objects.count()
    counts = {}
    for kind in KINDS:
        # Whole months first, each in its own short transaction (apps.core.partitions).
        dropped = 0 if dry_run else _drop_months(kind, groups[kind.parameter], schools, today)
        with transaction.atomic():
            counts[kind.name] = dropped + sum(
                _purge(kind, school_ids, today, days, dry_run=dry_run)
                for days, school_ids in groups[kind.parameter].items())
    counts["notifications"] = _purge_notifications(today, dry_run=dry_run)
    counts["supervision_photos"] = _purge_photos(dry_run=dry_run)
    return counts


def _purge_notifications(today: date, *, dry_run: bool) -> int:
    """Notifications older than settings.NOTIFICATION_RETENTION_DAYS (0 keeps them), the
    same for everyone: they follow a user, not a school. Their deliveries go first (a plain
    table: by the notification's time they copy), then the notifications (on PostgreSQL the
    whole months before, each a detach and a DROP, then a DELETE of the rest), then their
    dedupe keys, so a key outlives its notification, never the reverse. Returns how many
    notifications."""
    from apps.core.partitions import is_partitioned, partitions_drop_before
    from apps.notifications.models import Delivery, Notification, NotificationKey

    days = settings.NOTIFICATION_RETENTION_DAYS
    if not days:
        return 0
    first_kept = today - timedelta(days=days)
    cutoff = timezone.make_aware(datetime.combine(first_kept, time.min))
    old = Notification.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return old.count()
    deliveries = Delivery.objects.filter(notification_created_at__lt=cutoff)
    deliveries._raw_delete(deliveries.db)
    dropped = 0
    if is_partitioned(Notification):
        dropped = partitions_drop_before(Notification._meta.db_table, first_kept)[1]
    with transaction.atomic():
        removed = old._raw_delete(old.db)  # the deliveries are gone; nothing else hangs on it
        keys = NotificationKey.objects.filter(created_at__lt=cutoff)
        keys._raw_delete(keys.db)
    return dropped + removed


PHOTO_CHUNK = 5000  # photos whose files are deleted, then rows, at a time


def _old_photos():
    """The photos past their keeping time that no open finding needs (a queryset)."""
    from django.db.models import Exists, OuterRef

    from apps.supervision.models import Photo, Rectification, RectificationState

    days = settings.SUPERVISION_PHOTO_RETENTION_DAYS
    if not days:
        return Photo.objects.none()
    open_findings = Rectification.objects.filter(
        inspection_id=OuterRef("inspection_id")).exclude(state=RectificationState.VERIFIED)
    return Photo.objects.filter(uploaded_at__lt=timezone.now() - timedelta(days=days)).exclude(
        Exists(open_findings))


def _purge_photos(*, dry_run: bool) -> int:
    if dry_run:
        return _old_photos().count()
    return _delete_with_files(_old_photos(), settings.SUPERVISION_FILES_DIR)


def _delete_with_files(rows, root) -> int:
    """Delete the rows' files (their `path` under `root`), then the rows, a chunk at a time;
    returns how many rows."""
    from apps.supervision.photos import full_path

    removed = 0
    while chunk := list(rows.order_by("pk").values_list("pk", "path")[:PHOTO_CHUNK]):
        for _pk, path in chunk:
            try:
                full_path(path, root=root).unlink(missing_ok=True)
            except FileNotFoundError:  # a path outside the directory: no file of ours
                pass
        done = rows.model.objects.filter(pk__in=[pk for pk, _path in chunk])
        removed += done._raw_delete(done.db)  # nothing hangs on a photo
    return removed


def _schools_by_days() -> dict[str, dict[int, list[int]]]:
    """parameter -> days -> the schools keeping that kind that long."""
    from apps.orgs.models import School
    from apps.policy.selectors import effective_policies_for_schools

    policies = effective_policies_for_schools(School.objects.values_list("pk", flat=True))
    groups: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for school_id, policy in policies.items():
        for kind in KINDS:
            days = policy.params.get(kind.parameter)
            if days is not None:  # a pack without the parameter keeps everything
                groups[kind.parameter][int(days)].append(school_id)
    return groups


def _cutoff(kind: Kind, today: date, days: int, field: str = ""):
    """Records before this are older than `days`: a day field compares with a date, a
    time field with the start of that day in Asia/Shanghai."""
    first_kept = today - timedelta(days=days)
    model = apps.get_model(kind.model)
    if model._meta.get_field(field or kind.field).get_internal_type() == "DateTimeField":
        return timezone.make_aware(datetime.combine(first_kept, time.min))
    return first_kept


def _drop_months(kind: Kind, by_days: dict[int, list[int]], schools: int, today: date) -> int:
    """On PostgreSQL, a partitioned kind's months that every school's keeping period has
    passed go whole (detached and dropped, no row read); returns the rows they held. Not
    while any school keeps the kind for ever (its pack has no parameter). A partitioned
    dependent's months go by the same cutoff: a check-in's revisions are made on its day,
    so a revision before the cutoff belongs to a check-in before it."""
    from apps.core.partitions import partitioned_tables, partitions_drop_before

    tables = partitioned_tables()
    model = apps.get_model(kind.model)
    if model._meta.db_table not in tables or not by_days:
        return 0
    if sum(len(ids) for ids in by_days.values()) < schools:
        return 0
    cutoff = min(_cutoff(kind, today, days) for days in by_days)
    if isinstance(cutoff, datetime):  # local midnight: that day
        cutoff = timezone.localdate(cutoff)
    for label, _path in kind.dependents:
        table = apps.get_model(label)._meta.db_table
        if table in tables:
            partitions_drop_before(table, cutoff, count=False)
    return partitions_drop_before(model._meta.db_table, cutoff)[1]


def _expired(kind: Kind, school_ids: list[int], today: date, days: int):
    """The kind's rows of these schools past `days` (a queryset)."""
    rows = apps.get_model(kind.model).objects.filter(school_id__in=school_ids, **{
        f"{field}__lt": _cutoff(kind, today, days, field) for field in (kind.field, *kind.also)})
    if kind.where is not None:
        rows = rows.filter(kind.where)
    if kind.anonymise:  # the ones still naming someone
        rows = rows.exclude(**{f"{name}__isnull": True for name in kind.anonymise})
    return rows


def _purge(kind: Kind, school_ids: list[int], today: date, days: int, *, dry_run: bool) -> int:
    rows = _expired(kind, school_ids, today, days)
    if dry_run:
        return rows.count()
    if kind.anonymise:
        return rows.update(**dict.fromkeys(kind.anonymise))
    if kind.files:
        return _delete_with_files(rows, getattr(settings, kind.files))
    cutoff = _cutoff(kind, today, days)
    for label, path in kind.dependents:
        apps.get_model(label).objects.filter(
            school_id__in=school_ids, **{f"{path}__lt": cutoff})._raw_delete(rows.db)
    for label, link in kind.linked:
        apps.get_model(label).objects.filter(
            school_id__in=school_ids, **{f"{link}__in": rows.values("pk")})._raw_delete(rows.db)
    # _raw_delete: one DELETE statement, no rows loaded into Python; what hangs on these
    # rows is deleted above, and no signal listens to their deletion.
    return rows._raw_delete(rows.db)
