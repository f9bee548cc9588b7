"""Cluster detection for one school: load its recent cases, run the pure engine
(apps.policy.engine.clusters.detect) with the school's effective policy, store what it finds,
alert once.

What counts as a case:
- every sick absence, on its first day, with its class and dorm room at the time;
- an abnormal check-in (apps.health CheckIn, abnormal=True) with the person's own fever (the
  pack's fever_threshold_celsius) or symptoms, on its day, unless a sick absence of the same
  person already covers that day (the absence stands for them). A check-in abnormal only
  because of the household is not a case. Several slots of one day are one case.
People are counted once per rule whatever their number of cases.

Idempotent: an engine cluster matches a stored one with the same rule, kind, group and
disease and an overlapping window. A match only grows (more cases, wider window; nothing is
removed, so a withdrawn absence never shrinks a report already sent); a new one is created,
with report_due = now + cluster_report_hours (a notifiable case: NOTIFIABLE_REPORT_HOURS), and
its alert goes out once (urgent inbox message to the school's outbreak reporters and school
admins, deduplicated by the cluster's id). A lock on the School rows keeps two detection
runs of one school from creating the same cluster twice.

The work is set-based over a batch of schools (clusters_detect_schools): cases, classes and
stored clusters in a fixed number of queries, one bulk insert and one bulk update. The task
after a new absence runs it for one school; the periodic sweep for 200 schools at a time.
"""

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.absence.models import Cluster, ClusterStatus, SickAbsence
from apps.absence.services import school_params
from apps.access.models import RoleAssignment
from apps.access.roles import Role
from apps.orgs.models import DormRoom, School, SchoolClass
from apps.people.models import Person
from apps.policy.engine import clusters as engine

DEFAULT_REPORT_HOURS = 24
# "Reported at once": the national direct-reporting deadline for the most urgent notifiable
# diseases is 2 hours; an unverified default until a pack names one.
NOTIFIABLE_REPORT_HOURS = 2
DEFAULT_FEVER = 38.0  # only when a pack has no fever_threshold_celsius


def _absence_cases(school_ids: list[int], since) -> dict[int, list]:
    rows = SickAbsence.objects.filter(school_id__in=school_ids, first_day__gte=since).values_list(
        "school_id", "id", "person_id", "first_day", "last_day", "returned_on", "klass_id",
        "dorm_room_id", "symptoms", "diseases", "notifiable", "temperature")
    cases = defaultdict(list)
    for (school, pk, person, first, last, returned, klass, dorm, symptoms, diseases, notif,
         temp) in rows:
        if returned is not None:
            last = returned - timedelta(days=1)
        cases[school].append(engine.Case(
            id=f"a{pk}", person_id=person, day=first, klass=str(klass or ""),
            dorm=str(dorm or ""), symptoms=tuple(symptoms), diseases=tuple(diseases),
            notifiable=notif, temperature=float(temp) if temp is not None else None,
            last_day=last))
    return cases


def _checkin_rows(school_ids: list[int], since, today) -> dict[int, list]:
    from apps.health.models import CheckIn

    rows = defaultdict(list)
    # Both ends of the days: only their months' partitions are read (not the months made
    # ahead nor the DEFAULT partition).
    for row in (CheckIn.objects.filter(school_id__in=school_ids, day__range=(since, today),
                                       abnormal=True)
                .order_by("day", "slot", "id")
                .values_list("school_id", "id", "person_id", "day", "temperature", "symptoms",
                             "person__klass_id", "person__dorm_room_id")):
        rows[row[0]].append(row[1:])
    return rows


def _checkin_cases(rows, params: dict, absences: list) -> list:
    fever = params.get("fever_threshold_celsius", DEFAULT_FEVER)
    covered = defaultdict(list)  # person -> (first day, last day or None)
    for a in absences:
        covered[a.person_id].append((a.day, a.last_day))
    per_day: dict[tuple, dict] = {}
    for pk, person, day, temp, symptoms, klass, dorm in rows:
        temp = float(temp) if temp is not None else None
        own = set(symptoms) | ({"fever"} if temp is not None and temp >= fever else set())
        if not own or any(first <= day and (last is None or day <= last)
                          for first, last in covered[person]):
            continue
        found = per_day.setdefault((person, day), {
            "id": f"c{pk}", "klass": str(klass or ""), "dorm": str(dorm or ""),
            "symptoms": set(), "temperature": temp})
        found["symptoms"] |= own
        if temp is not None and (found["temperature"] or 0) < temp:
            found["temperature"] = temp
    return [engine.Case(id=f["id"], person_id=person, day=day, klass=f["klass"], dorm=f["dorm"],
                        symptoms=tuple(sorted(f["symptoms"])), temperature=f["temperature"])
            for (person, day), f in per_day.items()]


def _labels_and_sizes(school_ids: list[int], cases) -> tuple[dict, dict]:
    """Class and dorm names, and class sizes, of the classes and rooms with cases: three
    queries for the whole batch of schools (ids are unique across schools)."""
    klasses = {int(c.klass) for c in cases if c.klass}
    dorms = {int(c.dorm) for c in cases if c.dorm}
    labels = {("klass", str(pk)): name for pk, name in SchoolClass.objects.filter(
        school_id__in=school_ids, pk__in=klasses).values_list("pk", "name")} if klasses else {}
    if dorms:
        labels.update({("dorm", str(pk)): f"{building}{room}" for pk, building, room in
                       DormRoom.objects.filter(school_id__in=school_ids, pk__in=dorms)
                       .values_list("pk", "building", "room")})
    sizes = {str(row["klass_id"]): row["n"] for row in Person.objects.filter(
        school_id__in=school_ids, klass_id__in=klasses, active=True)
        .values("klass_id").annotate(n=Count("id"))} if klasses else {}
    return labels, sizes


def _key(group_kind: str, group: str) -> dict:
    """The stored group of an engine group."""
    field = {"klass": "klass_id", "dorm": "dorm_room_id", "person": "person_id"}.get(group_kind)
    return {field: int(group)} if field else {}


def _matches(stored: Cluster, found: engine.Cluster) -> bool:
    key = _key(found.group_kind, found.group)
    return (stored.rule == found.rule and stored.kind == found.kind
            and stored.group_kind == found.group_kind and stored.disease == found.disease
            and all(getattr(stored, f) == v for f, v in key.items())
            and stored.window_start <= found.end and stored.window_end >= found.start)


def _ids(case_ids, prefix: str) -> list[int]:
    return sorted(int(i[1:]) for i in case_ids if i.startswith(prefix))


def _grow(stored: Cluster, found: engine.Cluster, now) -> bool:
    absences = sorted(set(stored.absence_ids) | set(_ids(found.case_ids, "a")))
    checkins = sorted(set(stored.checkin_ids) | set(_ids(found.case_ids, "c")))
    people = sorted(set(stored.person_ids) | set(found.person_ids))
    if (absences, checkins, people) == (stored.absence_ids, stored.checkin_ids,
                                        stored.person_ids):
        return False
    stored.absence_ids, stored.checkin_ids, stored.person_ids = absences, checkins, people
    stored.window_start = min(stored.window_start, found.start)
    stored.window_end = max(stored.window_end, found.end)
    stored.symptoms = sorted(set(stored.symptoms) | set(found.symptoms))
    stored.reason_zh, stored.reason_en = found.zh[:300], found.en[:300]
    stored.updated_at = now
    return True


GROWN_FIELDS = ["absence_ids", "checkin_ids", "person_ids", "window_start", "window_end",
                "symptoms", "reason_zh", "reason_en", "updated_at"]


def _new(school_id: int, found: engine.Cluster, params: dict, now) -> Cluster:
    hours = (NOTIFIABLE_REPORT_HOURS if found.rule == "infectious_case_report"
             else params.get("cluster_report_hours", DEFAULT_REPORT_HOURS))
    return Cluster(
        school_id=school_id, group_kind=found.group_kind, rule=found.rule, kind=found.kind,
        disease=found.disease, symptoms=list(found.symptoms),
        absence_ids=_ids(found.case_ids, "a"), checkin_ids=_ids(found.case_ids, "c"),
        person_ids=list(found.person_ids), window_start=found.start, window_end=found.end,
        reason_zh=found.zh[:300], reason_en=found.en[:300], suggestion=found.suggestion,
        detected_at=now, updated_at=now, report_due=now + timedelta(hours=hours),
        **_key(found.group_kind, found.group))


def _since(params: dict, now):
    return timezone.localdate(now) - timedelta(days=engine.lookback_days(params) + 1)


@transaction.atomic
def clusters_detect_schools(*, params_by_school: dict[int, dict], now=None) -> dict[str, int]:
    """Detect the clusters of these schools now, set-based: their cases, classes and stored
    clusters are read in a fixed number of queries, the engine runs per school, new clusters
    are written with one bulk insert and grown ones with one bulk update. The schools' rows
    are locked (in id order) so two runs never create the same cluster twice. Returns
    {"new": n, "grown": n}."""
    now = now or timezone.now()
    school_ids = sorted(params_by_school)
    list(School.objects.select_for_update().filter(pk__in=school_ids).order_by("pk")
         .values_list("pk", flat=True))
    since = {pk: _since(params, now) for pk, params in params_by_school.items()}
    earliest = min(since.values())
    absences = _absence_cases(school_ids, earliest)
    checkins = _checkin_rows(school_ids, earliest, timezone.localdate(now))
    cases = {}
    for pk in school_ids:
        mine = [c for c in absences.get(pk, []) if c.day >= since[pk]]
        fresh = [r for r in checkins.get(pk, []) if r[2] >= since[pk]]
        cases[pk] = mine + _checkin_cases(fresh, params_by_school[pk], mine)
    labels, sizes = _labels_and_sizes(school_ids, [c for cs in cases.values() for c in cs])
    stored = defaultdict(list)
    lookback = max(engine.lookback_days(p) for p in params_by_school.values())
    for cluster in Cluster.objects.filter(school_id__in=school_ids,
                                          window_end__gte=earliest - timedelta(days=lookback)):
        stored[cluster.school_id].append(cluster)
    new, grown = [], []
    for pk in school_ids:
        if not cases[pk]:
            continue
        found = engine.detect(cases[pk], params_by_school[pk], class_sizes=sizes, labels=labels)
        for cluster in found:
            match = next((s for s in stored[pk] if _matches(s, cluster)), None)
            if match is None:
                match = _new(pk, cluster, params_by_school[pk], now)
                stored[pk].append(match)
                new.append(match)
            elif match.pk and _grow(match, cluster, now) and match not in grown:
                grown.append(match)
            elif match.pk is None:
                _grow(match, cluster, now)
    Cluster.objects.bulk_create(new, batch_size=1000)
    Cluster.objects.bulk_update(grown, GROWN_FIELDS, batch_size=1000)
    for cluster in new:
        transaction.on_commit(lambda c=cluster: cluster_alert(c))
    return {"new": len(new), "grown": len(grown)}


def clusters_detect(*, school_id: int, now=None, params: dict | None = None) -> dict[str, int]:
    """Detect one school's clusters now (the task after a new absence)."""
    params = school_params(school_id) if params is None else params
    return clusters_detect_schools(params_by_school={school_id: params}, now=now)


def school_handlers(school_id: int) -> list[int]:
    """Who gets a school's cluster alerts: its outbreak reporters and school admins."""
    return list(RoleAssignment.objects.filter(
        school_id=school_id, role__in=(Role.OUTBREAK_REPORTER, Role.SCHOOL_ADMIN))
        .values_list("user_id", flat=True).distinct())


def cluster_alert(cluster: Cluster) -> int:
    """The urgent inbox message of a new cluster, once (deduplicated by the cluster's id)."""
    from apps.notifications.services import notification_send

    due = timezone.localtime(cluster.report_due).strftime("%Y-%m-%d %H:%M")

    def subject():
        zh = (translation.get_language() or "zh-hans").startswith("zh")
        reason = cluster.reason_zh if zh else cluster.reason_en
        if cluster.rule == "infectious_case_report":
            return _("Suspected notifiable case: %(reason)s. Report at once, by %(due)s.") % {
                "reason": reason, "due": due}
        return _("Cluster alert: %(reason)s. Report to the county CDC and the bureau by "
                 "%(due)s.") % {"reason": reason, "due": due}

    return notification_send(
        recipient_ids=school_handlers(cluster.school_id), kind="absence.cluster",
        subject=subject, link=f"/absence/clusters/{cluster.pk}/", school_id=cluster.school_id,
        severity="urgent", dedupe_key=f"absence.cluster:{cluster.pk}")


def clusters_detect_everywhere(*, batch: int = 200) -> int:
    """Detection in every school with recent cases, a batch of schools at a time: their
    policies in a few queries (apps.policy.selectors.effective_policies_for_schools), then
    clusters_detect_schools, one transaction per batch. Returns how many clusters are new."""
    from apps.policy.selectors import effective_policies_for_schools

    schools, new = schools_with_recent_cases(), 0
    for start in range(0, len(schools), batch):
        policies = effective_policies_for_schools(schools[start:start + batch])
        new += clusters_detect_schools(params_by_school={
            pk: dict(policy.params) for pk, policy in policies.items()})["new"]
    return new


def clusters_remind_late(*, now=None) -> int:
    """Clusters still not reported past their deadline: one warning each (deduplicated by the
    cluster's id) to the school's outbreak reporters and school admins and to the admins of
    the school's own bureau, who supervise it. Returns how many inbox rows are new."""
    from apps.notifications.services import notification_send

    now = now or timezone.now()
    late = list(Cluster.objects.filter(status=ClusterStatus.OPEN, report_due__lt=now)
                .select_related("school").order_by("pk")[:5000])
    bureau_admins = defaultdict(set)
    for bureau_id, user_id in RoleAssignment.objects.filter(
            role=Role.BUREAU_ADMIN, bureau_id__in={c.school.bureau_id for c in late}
    ).values_list("bureau_id", "user_id"):
        bureau_admins[bureau_id].add(user_id)
    sent = 0
    for cluster in late:
        due = timezone.localtime(cluster.report_due).strftime("%Y-%m-%d %H:%M")
        sent += notification_send(
            recipient_ids={*school_handlers(cluster.school_id),
                           *bureau_admins[cluster.school.bureau_id]},
            kind="absence.cluster_late", severity="warning", school_id=cluster.school_id,
            subject=format_lazy(gettext_lazy("{school}: a cluster is not reported; it was due by "
                                      "{due}."), school=cluster.school.name, due=due),
            link=f"/absence/clusters/{cluster.pk}/",
            dedupe_key=f"absence.cluster_late:{cluster.pk}")
    return sent


def schools_with_recent_cases(days: int = 11) -> list[int]:
    """Schools with a sick absence or an abnormal check-in in the last days (set-based)."""
    from apps.health.models import CheckIn

    today = timezone.localdate()
    since = today - timedelta(days=days)
    ids = set(SickAbsence.objects.filter(first_day__gte=since)
              .values_list("school_id", flat=True).distinct())
    # Both ends: only the partitions of these days are read.
    ids |= set(CheckIn.objects.filter(day__range=(since, today), abnormal=True)
               .values_list("school_id", flat=True).distinct())
    return sorted(ids)

