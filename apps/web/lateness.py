"""Each school's late items counted into SchoolLateness, set-based: the triggers, cluster
alerts, today's daily report and follow-ups past their deadlines, grouped by school in one
statement. A bureau's home then ranks its schools by reading the first rows of an index
(apps.web.urgent), never by aggregating a province's late rows on each view (issue 16
item 4).

The worker counts every school each minute (apps.web.tasks, settings.PERIODIC_TASKS), so
a deadline that passes shows within a minute; the services that end something late (a
trigger acknowledged, a cluster reported or closed, a report submitted, a follow-up done)
count their school again in their own transaction (a few indexed rows), so a school that
acts leaves the ranking at once. The key is the school's id, so the statement supplies
every key and runs on Citus as a single-node INSERT … SELECT."""

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from apps.absence.models import Cluster, ClusterStatus
from apps.emergency.models import SchoolTrigger
from apps.followups.models import FollowUp, FollowUpStatus
from apps.reports.models import DailyReport

# The kinds counted, in the ranking's order (reports.models.LATENESS_RANK).
KINDS = ("triggers", "clusters", "report", "followups")


def late_rows(now: datetime) -> dict:
    """Every school's late rows of each kind, as querysets (any school's: the sweep's)."""
    return {
        "triggers": SchoolTrigger.objects.filter(
            acknowledged_at__isnull=True, deadline__lt=now, drill=False
        ),
        "clusters": Cluster.objects.filter(status=ClusterStatus.OPEN, report_due__lt=now),
        "report": DailyReport.objects.filter(
            day=timezone.localdate(now), submitted_at__isnull=True, due_at__lt=now
        ),
        "followups": FollowUp.objects.filter(
            status=FollowUpStatus.OPEN, drill=False, due_at__lt=now
        ),
    }


def _count_sql(rows: dict) -> tuple[str, list]:
    """INSERT … SELECT of each school's late counts from the union of its late rows."""
    parts, params = [], []
    for kind, queryset in rows.items():
        sql, kind_params = queryset.order_by().values("school_id").query.sql_with_params()
        flags = ", ".join(f"{int(k == kind)} AS {k}" for k in KINDS)
        parts.append(f"SELECT u.school_id, {flags} FROM ({sql}) u")  # noqa: S608
        params.extend(kind_params)
    sums = ", ".join(f"SUM({k}) AS {k}" for k in KINDS)
    # The parts are the ORM's own SQL; every value is a parameter.
    sql = f"""
        INSERT INTO reports_schoollateness (school_id, province_code, city_code, county_code,
                                            triggers, clusters, report, followups, counted_at)
        SELECT s.id, s.province_code, s.city_code, s.county_code,
               l.triggers, l.clusters, l.report > 0, l.followups, %s
          FROM (SELECT school_id, {sums} FROM ({" UNION ALL ".join(parts)}) late
                 GROUP BY school_id) l
          JOIN orgs_school s ON s.id = l.school_id
         WHERE true  -- SQLite reads an ON CONFLICT after a join's ON only past a WHERE
        ON CONFLICT (school_id) DO UPDATE SET
               triggers = excluded.triggers, clusters = excluded.clusters,
               report = excluded.report, followups = excluded.followups,
               counted_at = excluded.counted_at"""  # noqa: S608
    return sql, params


def lateness_refresh(*, now: datetime | None = None, school_ids: list[int] | None = None) -> int:
    """Count the late items of every school (or of the schools named) again, in one
    transaction; returns how many of them have something late."""
    now = now or timezone.now()
    rows = late_rows(now)
    if school_ids is not None:
        rows = {kind: queryset.filter(school_id__in=school_ids) for kind, queryset in rows.items()}
    sql, params = _count_sql(rows)
    stamp = connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic(), connection.cursor() as cursor:
        if school_ids is None:
            cursor.execute("DELETE FROM reports_schoollateness")
        else:
            placeholders = ", ".join(["%s"] * len(school_ids))
            cursor.execute(
                "DELETE FROM reports_schoollateness "  # noqa: S608
                f"WHERE school_id IN ({placeholders})",
                list(school_ids),
            )
        cursor.execute(sql, [stamp, *params])
        return max(cursor.rowcount, 0)


def school_lateness_refresh(*, school_id: int) -> None:
    """A school's late items counted again in the caller's transaction (a school that
    acknowledged, reported, submitted or completed leaves the ranking at once). The upsert
    lets it meet the minute's sweep on the same row without failing either."""
    lateness_refresh(school_ids=[school_id])
