"""Reads: sick absences and clusters, always through `restrict(user, perm)`.

Clusters list other people's cases, so only organisational grants see them: a person's or a
guardian's grant (level "person") would otherwise fall back to their class's clusters."""

from datetime import timedelta

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.absence.models import Cluster, ClusterStatus, SickAbsence
from apps.access.rules import has_org_perm

ABSENCE_FILTERS = ("open", "cause_overdue", "returning_today", "all")


def absence_list(*, user, show: str = "open", school_id: int | None = None
                 ) -> QuerySet[SickAbsence]:
    qs = SickAbsence.objects.restrict(user, "absence.view").select_related(
        "person", "klass", "school")
    if school_id:
        qs = qs.filter(school_id=school_id)
    now = timezone.now()
    if show == "open":
        qs = qs.filter(returned_on__isnull=True)
    elif show == "cause_overdue":
        qs = qs.filter(cause_outcome="", cause_due_at__lt=now)
    elif show == "returning_today":
        # Expected back today: the last day absent was yesterday, and not back yet.
        qs = qs.filter(returned_on__isnull=True,
                       last_day=timezone.localdate(now) - timedelta(days=1))
    return qs.order_by("-first_day", "-id")


def absence_get(*, user, pk: int, perm: str = "absence.view") -> SickAbsence:
    return get_object_or_404(
        SickAbsence.objects.restrict(user, perm).select_related(
            "person", "klass", "school", "reported_by", "cause_recorded_by",
            "return_checked_by"), pk=pk)


def clusters_visible(user) -> QuerySet[Cluster]:
    if not has_org_perm(user, "absence.view"):
        return Cluster.objects.none()
    return Cluster.objects.restrict(user, "absence.view").select_related(
        "school__region", "school__bureau", "klass", "dorm_room", "reported_by")


def cluster_list(*, user, show: str = "") -> QuerySet[Cluster]:
    qs = clusters_visible(user)
    now = timezone.now()
    if show == "open":
        qs = qs.filter(status=ClusterStatus.OPEN)
    elif show == "late":
        qs = qs.filter(Q(status=ClusterStatus.OPEN, report_due__lt=now)
                       | Q(reported_at__isnull=False, reported_at__gt=F("report_due")))
    return qs.order_by("-detected_at", "-id")


def cluster_get(*, user, pk: int) -> Cluster:
    return get_object_or_404(clusters_visible(user), pk=pk)


def cluster_cases(cluster: Cluster) -> list[dict]:
    """The cluster's cases for its report, one row per person (their sick absence when they
    have one, else their check-in), by onset day. Two queries."""
    from apps.health.models import CheckIn

    rows: dict[int, dict] = {}
    for a in (SickAbsence.objects.filter(school_id=cluster.school_id, pk__in=cluster.absence_ids)
              .select_related("person", "klass").order_by("first_day", "id")):
        rows.setdefault(a.person_id, {
            "name": a.person.name, "klass": a.klass.name if a.klass else "",
            "onset": a.first_day, "symptoms": a.symptoms, "diseases": a.diseases,
            "temperature": a.temperature, "source": "absence", "cause": a.cause_diagnosis,
            "returned_on": a.returned_on, "sex": a.person.sex, "absence_id": a.pk})
    # Every case's day lies in the cluster's window (the engine's episodes): naming it lets
    # PostgreSQL read only those months' partitions of the check-ins.
    for c in (CheckIn.objects.filter(school_id=cluster.school_id, pk__in=cluster.checkin_ids,
                                     day__range=(cluster.window_start, cluster.window_end))
              .select_related("person__klass").order_by("day", "id")):
        rows.setdefault(c.person_id, {
            "name": c.person.name, "klass": c.person.klass.name if c.person.klass else "",
            "onset": c.day, "symptoms": c.symptoms, "diseases": [],
            "temperature": c.temperature, "source": "checkin", "cause": "",
            "returned_on": None, "sex": c.person.sex, "absence_id": None})
    return sorted(rows.values(), key=lambda r: (r["onset"], r["klass"], r["name"]))


def cluster_summary_by_school(*, user, limit: int = 30) -> list[dict]:
    """Per school in the user's scope: clusters to report, late (open past the deadline, or
    reported after it), reported on time; the schools with the most late first. One
    aggregate query."""
    from django.db.models import Count

    now = timezone.now()
    late = (Q(status=ClusterStatus.OPEN, report_due__lt=now)
            | Q(reported_at__isnull=False, reported_at__gt=F("report_due")))
    rows = (clusters_visible(user).order_by().values("school_id", "school__name")
            .annotate(total=Count("id"), late=Count("id", filter=late),
                      open=Count("id", filter=Q(status=ClusterStatus.OPEN)))
            .order_by("-late", "-open", "school__name")[:limit])
    return [{"school": r["school__name"], "total": r["total"], "late": r["late"],
             "open_on_time": r["open"] - min(r["open"], r["late"]),
             "on_time": r["total"] - r["late"] - (r["open"] - min(r["open"], r["late"]))}
            for r in rows]
