"""The figures of a school's daily report, each counted for every school at once: one
grouped SQL pass per figure (`school_id -> count`), over all schools or a batch of them.

Left out until issue 15 builds them: supplies cover and approvals pending.
"""

from collections import defaultdict
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from apps.core.selectors import day_bounds

SLOTS = ("morning", "noon", "evening")
STATUSES = ("key_population", "home_monitoring", "home_quarantine", "central_quarantine",
            "isolation", "regimen_incomplete")
CAUSES = {"infectious": "absent_infectious", "not_infectious": "absent_not_infectious",
          "unknown": "absent_unknown", "": "absent_cause_pending"}

# Every figure, in the order a report shows them, with its label.
LABELS = {
    "persons": _("People on the roll"),
    "present": _("People present"),
    **{f"checkin_{s}_expected": label for s, label in (
        ("morning", _("Morning check: expected")), ("noon", _("Noon check: expected")),
        ("evening", _("Evening check: expected")))},
    **{f"checkin_{s}_done": label for s, label in (
        ("morning", _("Morning check: done")), ("noon", _("Noon check: done")),
        ("evening", _("Evening check: done")))},
    "abnormal": _("Abnormal at a check"),
    "absent": _("Absent through illness"),
    "absent_infectious": _("Absent: infectious disease"),
    "absent_not_infectious": _("Absent: not infectious"),
    "absent_unknown": _("Absent: cause not known yet"),
    "absent_cause_pending": _("Absent: cause not yet followed up"),
    "status_key_population": _("Key population"),
    "status_home_monitoring": _("Home monitoring"),
    "status_home_quarantine": _("Home quarantine"),
    "status_central_quarantine": _("Central quarantine"),
    "status_isolation": _("Isolation"),
    "status_regimen_incomplete": _("Testing regimen not completed"),
    "tests_taken": _("Swabs taken"),
    "tests_negative": _("Tubes negative"),
    "tests_positive": _("Tubes positive"),
    "triggers_pending": _("Triggers not acknowledged"),
    "triggers_responding": _("Triggers being answered"),
    "triggers_completed": _("Triggers completed today"),
    "clusters_open": _("Clusters to report"),
    "clusters_new": _("Clusters detected today"),
}

# A figure above zero is something to report: no zero report while one is.
TO_REPORT = ("abnormal", "absent", *(f"status_{s}" for s in STATUSES), "tests_positive",
             "triggers_pending", "triggers_responding", "clusters_open", "clusters_new")


def _grouped(queryset, school_ids, **counts) -> dict[int, dict]:
    if school_ids is not None:
        queryset = queryset.filter(school_id__in=school_ids)
    rows = queryset.order_by().values("school_id").annotate(**counts)
    return {row.pop("school_id"): row for row in rows}


def _persons(school_ids) -> dict[int, dict]:
    from apps.people.models import Person, Residence

    return _grouped(Person.objects.filter(active=True), school_ids, persons=Count("id"),
                    boarders=Count("id", filter=Q(residence=Residence.BOARDER)))


def _checkins(day, school_ids) -> dict[int, dict]:
    from apps.health.models import CheckIn

    return _grouped(CheckIn.objects.filter(day=day), school_ids,
                    **{f"checkin_{s}_done": Count("id", filter=Q(slot=s)) for s in SLOTS},
                    abnormal=Count("person_id", filter=Q(abnormal=True), distinct=True))


def _absences(day, school_ids) -> dict[int, dict]:
    from apps.absence.models import SickAbsence

    absent = SickAbsence.objects.filter(
        Q(last_day__isnull=True) | Q(last_day__gte=day),
        Q(returned_on__isnull=True) | Q(returned_on__gt=day), first_day__lte=day)
    return _grouped(absent, school_ids, absent=Count("id"), **{
        figure: Count("id", filter=Q(cause_outcome=outcome)) for outcome, figure in CAUSES.items()})


def _statuses(school_ids) -> dict[int, dict]:
    from apps.status.models import PersonStatus

    return _grouped(PersonStatus.objects.filter(category__in=STATUSES), school_ids, **{
        f"status_{s}": Count("id", filter=Q(category=s)) for s in STATUSES})


def _tests(day, school_ids) -> tuple[dict, dict]:
    from apps.testing.models import Sample, Tube

    start, end = day_bounds(day)
    samples = _grouped(Sample.objects.filter(scanned_at__gte=start, scanned_at__lt=end,
                                             removed_at__isnull=True),
                       school_ids, tests_taken=Count("id"))
    tubes = _grouped(Tube.objects.filter(result_at__gte=start, result_at__lt=end), school_ids,
                     tests_negative=Count("id", filter=Q(result="negative")),
                     tests_positive=Count("id", filter=Q(result="positive")))
    return samples, tubes


def _triggers(day, school_ids) -> dict[int, dict]:
    from apps.emergency.models import SchoolTrigger

    start, end = day_bounds(day)
    live = SchoolTrigger.objects.filter(drill=False, fired_at__lt=end).filter(
        Q(traceback_completed_at__isnull=True) | Q(traceback_completed_at__gte=start))
    open_ = Q(traceback_completed_at__isnull=True) | Q(traceback_completed_at__gte=end)
    unacknowledged = Q(acknowledged_at__isnull=True)
    return _grouped(live, school_ids,
                    triggers_pending=Count("id", filter=open_ & unacknowledged),
                    triggers_responding=Count("id", filter=open_ & ~unacknowledged),
                    triggers_completed=Count("id", filter=Q(traceback_completed_at__gte=start,
                                                            traceback_completed_at__lt=end)))


def _clusters(day, school_ids) -> dict[int, dict]:
    from apps.absence.models import Cluster, ClusterStatus

    start, end = day_bounds(day)
    return _grouped(Cluster.objects.filter(detected_at__lt=end), school_ids,
                    clusters_open=Count("id", filter=Q(status=ClusterStatus.OPEN)),
                    clusters_new=Count("id", filter=Q(detected_at__gte=start)))


# Past this many schools, each figure is counted for every school (no IN list).
FILTER_LIMIT = 1000


def figures_for_schools(day: date, schools: list[int]) -> dict[int, dict]:
    """{school id: {figure: value}} for the schools named, every figure of LABELS present (0
    where a school has none)."""
    school_ids = schools if len(schools) <= FILTER_LIMIT else None
    persons = _persons(school_ids)
    samples, tubes = _tests(day, school_ids)
    parts = [_checkins(day, school_ids), _absences(day, school_ids), _statuses(school_ids),
             samples, tubes, _triggers(day, school_ids), _clusters(day, school_ids)]
    found: dict[int, dict] = defaultdict(dict)
    for part in parts:
        for school_id, values in part.items():
            found[school_id].update(values)
    result = {}
    for school_id in schools:
        people = persons.get(school_id, {})
        row = dict.fromkeys(LABELS, 0)
        row.update(found.get(school_id, {}))
        row["persons"] = people.get("persons", 0)
        row["present"] = max(row["persons"] - row["absent"], 0)
        for slot in ("morning", "noon"):
            row[f"checkin_{slot}_expected"] = row["persons"]
        row["checkin_evening_expected"] = people.get("boarders", 0)
        result[school_id] = row
    return result


def to_report(figures: dict) -> list[str]:
    """The figures that make a zero report impossible (above zero)."""
    return [name for name in TO_REPORT if figures.get(name, 0)]


def summed(rows) -> dict:
    """The sums of many reports' figures (a bureau's report)."""
    total = dict.fromkeys(LABELS, 0)
    for figures in rows:
        for name, value in figures.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                total[name] = total.get(name, 0) + value
    return total
