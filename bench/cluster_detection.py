"""Cluster detection sweep (apps.absence.tasks.detect_clusters_everywhere) over a province of
3,000,000 persons in which 1 % of the students were sick-absent over the last 7 days:
target under 300 s on 2 cores (the sweep runs every 30 minutes), and one detection of the
school with the most cases (the on-commit task after a new absence): target under 1 s.

The province comes from the demo generator (or is reused when the database already holds
one at least that large); the absences are written by PostgreSQL itself (INSERT ... SELECT),
with a similar-symptom mix so that classes reach the routine pack's thresholds. The routine
pack is chosen for the province. On someone's DATABASE_URL everything is rolled back.
"""

import time
from functools import partial

from bench import Context, Result, benchmark, say, undone
from bench.province import choose_pack, ensure_province

PERSONS = 3_000_000
ABSENT_SHARE = 0.01  # of the students, one sick absence each over the last DAYS days
DAYS = 7
SEED = 2023
TARGET_SWEEP_SECONDS = 300
TARGET_SCHOOL_SECONDS = 1.0


_say = partial(say, "cluster_detection")


@benchmark("cluster_detection")
def cluster_detection(ctx: Context) -> list[Result]:
    persons = ctx.persons or PERSONS
    if ctx.scratch:  # each school's detection commits and alerts, as the worker's task does
        outcome = _run(persons)
    else:  # someone's database: measure (alerts are not sent), then leave it as it was
        outcome = undone(lambda: _run(persons))
    scale = persons / PERSONS
    return [
        Result("cluster_detection_sweep", outcome["sweep_seconds"], "s",
               f"< {TARGET_SWEEP_SECONDS * scale:.3g} s"),
        Result("cluster_detection_schools", outcome["schools"], "schools",
               "every school with a recent case"),
        Result("cluster_detection_clusters", outcome["clusters"], "clusters", "found, stored"),
        Result("cluster_detection_one_school", outcome["school_seconds"] * 1000, "ms",
               f"< {TARGET_SCHOOL_SECONDS * 1000:.0f} ms"),
    ]


def _run(persons: int) -> dict:
    from django.db import connection

    from apps.absence.detection import (
        clusters_detect,
        clusters_detect_everywhere,
        schools_with_recent_cases,
    )
    from apps.absence.models import Cluster

    ensure_province("cluster_detection", persons=persons, seed=SEED)
    choose_pack("routine")
    written = _write_absences()
    _say(f"{written:,} sick absences written; sweeping")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE absence_sickabsence")
    schools = schools_with_recent_cases()
    started = time.monotonic()
    clusters_detect_everywhere()
    sweep = time.monotonic() - started
    clusters = Cluster.objects.count()
    _say(f"{len(schools):,} schools, {clusters:,} clusters in {sweep:.1f} s")
    busiest = _busiest_school()
    started = time.monotonic()
    clusters_detect(school_id=busiest)
    one = time.monotonic() - started
    return {"sweep_seconds": sweep, "schools": len(schools), "clusters": clusters,
            "school_seconds": one}


# One expression per column of absence_sickabsence; a new column not named here fails the
# benchmark at once rather than writing rows the application cannot read.
_COLUMNS = {
    "school_id": "p.school_id",
    "person_id": "p.id",
    "klass_id": "p.klass_id",
    "dorm_room_id": "p.dorm_room_id",
    "first_day": "%(today)s::date - floor(random() * %(days)s)::int",
    "last_day": "NULL",
    "symptoms": "(ARRAY['[\"fever\"]', '[\"fever\", \"cough\"]', '[\"vomiting\", \"diarrhoea\"]',"
                " '[\"rash\"]', '[\"cough\"]'])[1 + floor(random() * 5)::int]::jsonb",
    "temperature": "CASE WHEN random() < 0.5 THEN 38.5 ELSE NULL END",
    "diseases": "'[]'::jsonb",
    "notifiable": "false",
    "note": "''",
    "reported_by_id": "NULL",
    "reported_as": "'teacher'",
    "reported_at": "now()",
    "client_id": "''",
    "cause_due_at": "now() + interval '24 hours'",
    "cause_outcome": "''",
    "cause_diagnosis": "''",
    "cause_hospital": "''",
    "cause_recorded_at": "NULL",
    "cause_recorded_by_id": "NULL",
    "returned_on": "NULL",
    "return_checked_by_id": "NULL",
    "return_certificate": "false",
    "return_note": "''",
}
# Outbreaks: in one class of OUTBREAK_EVERY, OUTBREAK_SHARE of the students fell ill with
# fever and cough over the last 3 days (the routine pack's same-day, 3-day and influenza
# suspension rules fire there).
OUTBREAK_EVERY = 50
OUTBREAK_SHARE = 0.2
_OUTBREAK_OVERRIDES = {
    "first_day": "%(today)s::date - floor(random() * 3)::int",
    "symptoms": "'[\"fever\", \"cough\"]'::jsonb",
    "temperature": "38.6",
}
_OUTBREAK = """
INSERT INTO absence_sickabsence ({columns})
SELECT {values}
  FROM people_person p
 WHERE p.active AND p.kind = 'student' AND p.klass_id %% %(every)s = 0
   AND random() < %(outbreak_share)s
   AND NOT EXISTS (SELECT 1 FROM absence_sickabsence a
                    WHERE a.school_id = p.school_id AND a.person_id = p.id)
"""
_INSERT = """
INSERT INTO absence_sickabsence ({columns})
SELECT {values}
  FROM people_person p
 WHERE p.active AND p.kind = 'student' AND p.klass_id IS NOT NULL
   AND random() < %(share)s
"""


def _write_absences() -> int:
    from django.db import connection
    from django.utils import timezone

    from apps.absence.models import SickAbsence

    columns = [f.column for f in SickAbsence._meta.concrete_fields if not f.primary_key]
    if set(columns) != set(_COLUMNS):
        raise RuntimeError(f"absence_sickabsence columns changed: {sorted(columns)}")
    outbreak = {**_COLUMNS, **_OUTBREAK_OVERRIDES}
    params = {"today": timezone.localdate(), "days": DAYS, "share": ABSENT_SHARE,
              "every": OUTBREAK_EVERY, "outbreak_share": OUTBREAK_SHARE}
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [SEED / 10_000])
        cursor.execute(_INSERT.format(columns=", ".join(columns),
                                      values=", ".join(_COLUMNS[c] for c in columns)), params)
        written = cursor.rowcount
        cursor.execute(_OUTBREAK.format(columns=", ".join(columns),
                                        values=", ".join(outbreak[c] for c in columns)), params)
        return written + cursor.rowcount


def _busiest_school() -> int:
    from django.db.models import Count

    from apps.absence.models import SickAbsence

    return (SickAbsence.objects.values("school_id").annotate(n=Count("id")).order_by("-n")
            .values_list("school_id", flat=True).first())
