"""Case reports in, triggers out (两触发): which schools an alert reaches, their 30-minute
clocks, and the trace-back (倒查) lists with a follow-up for every person on them.

Everything after the report is set-based and runs in one transaction: the triggers of every
reached school are written in a few batched INSERTs, then the trace-back hits, follow-ups and
notifications of all those schools with one INSERT ... SELECT each, driven by the reported
region's index, whatever the number of schools. The same code serves PostgreSQL and SQLite.
"""

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.core.db import insert_select
from apps.emergency.models import Alert, CaseReport, SchoolTrigger, TraceHit, TriggerKind
from apps.followups.models import FollowUp
from apps.notifications.keys import KEYS, keys_claim
from apps.notifications.models import Delivery, Notification
from apps.orgs.models import School
from apps.policy.engine.facts import Policy
from apps.policy.selectors import effective_policies_for_schools
from apps.regions.models import Region

# Parameter of the pack that switches each trigger on, by kind.
TRIGGER_PARAM = {
    TriggerKind.OTHER_PROVINCE: "trigger_other_province_local_case",
    TriggerKind.HOME_PROVINCE: "trigger_home_province_local_case",
}
DEFAULT_RESPONSE_MINUTES = 30
DEFAULT_TRACE_DAYS = 14
BATCH = 5000


@dataclass(frozen=True)
class FireResult:
    alert_id: int
    new_alert: bool
    triggers: int  # new triggers
    hits: int  # new trace-back hits
    followups: int  # new follow-ups
    notifications: int


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def trigger_kind(*, school_province: str, region_code: str) -> str:
    same = school_province[:2] == region_code[:2]
    return TriggerKind.HOME_PROVINCE if same else TriggerKind.OTHER_PROVINCE


def trace_actions(policy: Policy) -> list[dict]:
    """What a traced person must do under the school's policy: tests (two in three days where
    the pack asks for it) and health monitoring; always report to the class teacher."""
    params = policy.params
    actions = []
    if params.get("two_in_three_tests"):
        actions.append({"kind": "test", "count": params["two_in_three_tests"],
                        "within_days": params.get("two_in_three_window_days", 3)})
    if params.get("key_population_monitoring_days"):
        actions.append({"kind": "monitor", "days": params["key_population_monitoring_days"]})
    actions.append({"kind": "report"})
    return actions


def _merge_window() -> timedelta:
    return timedelta(hours=settings.SHAODIAN_ALERT_MERGE_HOURS)


def _alert_for(report: CaseReport) -> tuple[Alert, bool]:
    """The open alert for the report's region (a repeat report within the merge window joins
    it), or a new one."""
    at = report.entered_at
    alert = (Alert.objects.select_for_update()
             .filter(region_id=report.region_id, merge_until__gte=at, drill=report.drill)
             .order_by("-opened_at").first())
    if alert is None:
        return Alert.objects.create(region_id=report.region_id, opened_at=at, last_report_at=at,
                                    merge_until=at + _merge_window(), drill=report.drill), True
    alert.last_report_at = max(alert.last_report_at, at)
    alert.merge_until = max(alert.merge_until, at + _merge_window())
    alert.save(update_fields=["last_report_at", "merge_until"])
    return alert, False


def reached_schools(region_code: str, school_ids: Iterable[int] | None,
                     force: bool = False) -> dict[int, tuple]:
    """{school_id: (kind, policy)} of the schools the report's triggers reach under their
    effective policies (a pack without the trigger parameter reaches nobody, unless `force`:
    a drill reaches its school whatever the pack)."""
    schools = School.objects.all()
    if school_ids is not None:
        schools = schools.filter(pk__in=list(school_ids))
    provinces = dict(schools.values_list("pk", "province_code"))
    policies = effective_policies_for_schools(provinces)
    reached = {}
    for pk, province in provinces.items():
        kind = trigger_kind(school_province=province, region_code=region_code)
        if force or policies[pk].params.get(TRIGGER_PARAM[kind]):
            reached[pk] = (kind, policies[pk])
    return reached


def _trigger_values(alert: Alert, report: CaseReport, kind: str, policy: Policy) -> dict:
    params = policy.params
    fired = report.entered_at
    since = timezone.localdate(fired) - timedelta(
        days=params.get("trace_back_window_days", DEFAULT_TRACE_DAYS))
    minutes = params.get("trigger_response_minutes", DEFAULT_RESPONSE_MINUTES)
    return {
        "kind": kind, "fired_at": fired, "deadline": fired + timedelta(minutes=minutes),
        "drill": alert.drill, "trace_since": since,
        "trace_residents": bool(params.get("trace_back_residents", True)),
        "trace_household": bool(params.get("trace_back_household", True)),
        "trace_actions": {"alert": alert.pk, "region": report.region_id,
                          "since": since.isoformat(), "actions": trace_actions(policy)},
    }


def _write_triggers(alert: Alert, report: CaseReport, reached: dict[int, tuple]) -> int:
    """One trigger per reached school. Schools whose policies agree (most often all of a
    province) share one set of values, written by one INSERT ... SELECT over their ids on
    PostgreSQL; SQLite (small provinces, tests) takes the same rows through bulk_create."""
    existing = set(SchoolTrigger.objects.filter(alert=alert).values_list("school_id", flat=True))
    groups: dict[str, tuple[dict, list[int]]] = {}
    for school_id, (kind, policy) in reached.items():
        if school_id not in existing:
            values = _trigger_values(alert, report, kind, policy)
            key = json.dumps(values, sort_keys=True, default=str)
            groups.setdefault(key, (values, []))[1].append(school_id)
    for values, school_ids in groups.values():
        if connection.vendor == "postgresql":
            _insert_triggers_pg(alert, values, school_ids)
        else:
            SchoolTrigger.objects.bulk_create(
                [SchoolTrigger(school_id=pk, alert=alert, **values) for pk in school_ids],
                batch_size=BATCH)
    count = sum(len(ids) for _values, ids in groups.values())
    if count > BATCH and connection.vendor == "postgresql":
        # Tens of thousands of new rows the planner has not seen: without fresh statistics
        # it joins them to the trip legs as if they were a handful (seconds become minutes).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_q(SchoolTrigger._meta.db_table)}")
    return count


def _insert_triggers_pg(alert: Alert, values: dict, school_ids: list[int]) -> None:
    trig = _q(SchoolTrigger._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO {trig} (school_id, alert_id, kind, fired_at, deadline, mode_decision,
                mode_reason, trace_since, trace_residents, trace_household, trace_actions,
                traced_count, drill)
            SELECT s, %s, %s, %s, %s, '', '', %s, %s, %s, %s::jsonb, 0, %s
              FROM unnest(%s::bigint[]) AS s
            ON CONFLICT DO NOTHING""",
            [alert.pk, values["kind"], values["fired_at"], values["deadline"],
             values["trace_since"], values["trace_residents"], values["trace_household"],
             json.dumps(values["trace_actions"]), values["drill"], school_ids])


def _region_match(column: str, region: Region) -> tuple[str, str]:
    """A SQL condition on a region column: the county itself, or every county of a
    prefecture or province reported as a whole."""
    code = region.code
    if code.endswith("0000"):
        return f"{column} LIKE %s", code[:2] + "%"
    if code.endswith("00"):
        return f"{column} LIKE %s", code[:4] + "%"
    return f"{column} = %s", code


def _trace_hits(alert: Alert, region: Region, since: date) -> int:
    """Everyone in the reached schools linked to the region since their school's window
    opened: one INSERT ... SELECT per kind of link, driven by the region's indexes."""
    hit, trig = _q(TraceHit._meta.db_table), _q(SchoolTrigger._meta.db_table)
    on = _q("on")
    to_match, to_value = _region_match("leg.to_region_id", region)
    from_match, from_value = _region_match("leg.from_region_id", region)
    res_match, res_value = _region_match("p.residence_region_id", region)
    member_match, member_value = _region_match("m.residence_region_id", region)
    exp_match, exp_value = _region_match("e.region_id", region)
    # alert_on: the partition, the alert's day for every hit (and every retry) of it.
    insert = (f"INSERT INTO {hit} (school_id, alert_id, alert_on, person_id, link, ref_id, "
              f"{on}) ")
    day = alert.opened_on
    conflict = " ON CONFLICT DO NOTHING"
    leg_link = ("CASE WHEN leg.household_member_id IS NULL THEN 'trip' ELSE 'household' END")
    statements = [
        # A leg into the area, then a leg out of it (the stay is on either side).
        (f"SELECT t.school_id, t.alert_id, %s, leg.person_id, {leg_link}, leg.id, leg.arrive "
         f"FROM travel_tripleg leg JOIN {trig} t ON t.school_id = leg.school_id "
         f"AND t.alert_id = %s WHERE {to_match} AND leg.arrive >= %s "
         f"AND leg.arrive >= t.trace_since "
         f"AND (leg.household_member_id IS NULL OR t.trace_household)",
         [day, alert.pk, to_value, since]),
        (f"SELECT t.school_id, t.alert_id, %s, leg.person_id, {leg_link}, leg.id, leg.depart "
         f"FROM travel_tripleg leg JOIN {trig} t ON t.school_id = leg.school_id "
         f"AND t.alert_id = %s WHERE {from_match} AND leg.depart >= %s "
         f"AND leg.depart >= t.trace_since "
         f"AND (leg.household_member_id IS NULL OR t.trace_household)",
         [day, alert.pk, from_value, since]),
        (f"SELECT t.school_id, t.alert_id, %s, p.id, 'residence', 0, NULL "
         f"FROM people_person p JOIN {trig} t ON t.school_id = p.school_id "
         f"AND t.alert_id = %s WHERE {res_match} AND p.active AND t.trace_residents",
         [day, alert.pk, res_value]),
        (f"SELECT t.school_id, t.alert_id, %s, m.person_id, 'co_resident', m.id, NULL "
         f"FROM people_householdmember m JOIN {trig} t ON t.school_id = m.school_id "
         f"AND t.alert_id = %s WHERE {member_match} AND t.trace_household",
         [day, alert.pk, member_value]),
        (f"SELECT t.school_id, t.alert_id, %s, e.person_id, 'exposure', e.id, e.{on} "
         f"FROM travel_exposure e JOIN {trig} t ON t.school_id = e.school_id "
         f"AND t.alert_id = %s WHERE {exp_match} AND e.{on} >= %s AND e.{on} >= t.trace_since",
         [day, alert.pk, exp_value, since]),
    ]
    count = 0
    with connection.cursor() as cursor:
        for select, params in statements:
            count += insert_select(cursor, TraceHit, insert + select + conflict, params)
    return count


def _first_choice(role: str) -> str:
    return (f"SELECT school_id, MIN(user_id) AS user_id FROM access_roleassignment "
            f"WHERE role = '{role}' AND school_id IS NOT NULL GROUP BY school_id")


def _trace_followups(alert: Alert, region: Region, now: datetime) -> int:
    """One follow-up per traced person, on the person responsible for them (the class
    teacher; for staff the unit lead; else the outbreak reporter or the school admin)."""
    hit, trig = _q(TraceHit._meta.db_table), _q(SchoolTrigger._meta.db_table)
    due = now + timedelta(hours=settings.SHAODIAN_TRACE_FOLLOWUP_HOURS)
    name = region.full_name or region.name
    sql = f"""
        INSERT INTO followups_followup (school_id, person_id, kind, source, title_zh, title_en,
            detail, assignee_id, due_at, status, drill, created_at, outcome)
        SELECT h.school_id, h.person_id, 'trace_back', %s, %s, %s, t.trace_actions,
               COALESCE(c.teacher_id, ul.user_id, rep.user_id, adm.user_id), %s, 'open',
               t.drill, %s, ''
        FROM (SELECT DISTINCT school_id, person_id FROM {hit}
              WHERE alert_id = %s AND alert_on = %s) h
        JOIN {trig} t ON t.school_id = h.school_id AND t.alert_id = %s
        JOIN people_person p ON p.id = h.person_id AND p.school_id = h.school_id
        LEFT JOIN orgs_schoolclass c ON c.id = p.klass_id
        LEFT JOIN (SELECT unit_id, MIN(user_id) AS user_id FROM access_roleassignment
                   WHERE role = 'unit_lead' AND unit_id IS NOT NULL GROUP BY unit_id) ul
               ON ul.unit_id = p.unit_id
        LEFT JOIN ({_first_choice("outbreak_reporter")}) rep ON rep.school_id = h.school_id
        LEFT JOIN ({_first_choice("school_admin")}) adm ON adm.school_id = h.school_id
        WHERE p.active
        ON CONFLICT DO NOTHING"""
    with connection.cursor() as cursor:
        return insert_select(cursor, FollowUp, sql, [
            f"alert:{alert.pk}", f"倒查：与{name}有关联", f"Trace-back: linked to {name}",
            due, now, alert.pk, alert.opened_on, alert.pk])


def _mark_traced(alert: Alert, now: datetime) -> None:
    """Stamp each trigger with the time its list was built and how many people are on it:
    one UPDATE with a correlated count."""
    people = (TraceHit.objects.filter(alert=alert, alert_on=alert.opened_on,
                                      school_id=OuterRef("school_id"))
              .values("school_id").annotate(n=Count("person_id", distinct=True)).values("n"))
    SchoolTrigger.objects.filter(alert=alert).update(
        traced_at=Coalesce(F("traced_at"), Value(now)),
        traced_count=Coalesce(Subquery(people), Value(0)),
    )


# A school's staff open their own trigger from the notification (one school: its trigger's
# page; several, as a hospital's liaison may have: the list).
TRIGGER_LINK = "/emergency/triggers/"


def _notify(alert: Alert, region: Region, now: datetime) -> int:
    """The task force, the epidemic office and the designated hospital of every reached
    school; the people responsible for traced persons; the persons and their guardians
    (not in a drill). One INSERT ... SELECT per audience, once per alert and recipient."""
    trig, hit = _q(SchoolTrigger._meta.db_table), _q(TraceHit._meta.db_table)
    name = region.full_name or region.name
    staff = f"""
        SELECT tf.user_id AS user_id, t.school_id AS school_id, t.id AS trigger_id
          FROM emergency_taskforcemember tf
          JOIN {trig} t ON t.school_id = tf.school_id AND t.alert_id = %s
          WHERE tf.user_id IS NOT NULL
        UNION SELECT ra.user_id, t.school_id, t.id FROM access_roleassignment ra
          JOIN {trig} t ON t.school_id = ra.school_id AND t.alert_id = %s
          WHERE ra.role IN ('school_admin', 'outbreak_reporter')
        UNION SELECT ra.user_id, t.school_id, t.id FROM access_roleassignment ra
          JOIN orgs_school s ON s.hospital_id = ra.hospital_id
          JOIN {trig} t ON t.school_id = s.id AND t.alert_id = %s
          WHERE ra.role = 'hospital_liaison'"""
    traced = f"""
        SELECT p.user_id AS user_id, h.school_id AS school_id, 0 AS trigger_id FROM {hit} h
          JOIN people_person p ON p.id = h.person_id AND p.school_id = h.school_id
          WHERE h.alert_id = %s AND h.alert_on = %s AND p.user_id IS NOT NULL
        UNION SELECT g.user_id, h.school_id, 0 FROM {hit} h
          JOIN people_guardianship g ON g.person_id = h.person_id AND g.school_id = h.school_id
          WHERE h.alert_id = %s AND h.alert_on = %s"""
    audiences = [
        (staff, [alert.pk] * 3, "trigger.fired", "urgent",
         f"两触发：{name}报告本土病例，请在时限内响应",
         f"Trigger: local cases reported in {name}; respond before the deadline",
         "/emergency/triggers/"),
        ("SELECT DISTINCT assignee_id AS user_id, school_id, 0 AS trigger_id "
         "FROM followups_followup "
         "WHERE source = %s AND assignee_id IS NOT NULL", [f"alert:{alert.pk}"],
         "followup.trace_back", "warning", f"倒查名单：与{name}有关联的人员待跟进",
         f"Trace-back: people linked to {name} to follow up", "/followups/"),
    ]
    if not alert.drill:
        audiences.append((traced, [alert.pk, alert.opened_on] * 2, "trace.person", "warning",
                          f"倒查提醒：近期与{name}有关联，请按要求检测并报告健康状况",
                          f"Trace-back: you are linked to {name}; please get tested and "
                          f"report your health as asked", "/"))
    with connection.cursor() as cursor:
        return sum(_notify_audience(cursor, alert, now, *audience) for audience in audiences)


def _notify_audience(cursor, alert: Alert, now: datetime, select: str, params: list,
                     kind: str, severity: str, subject_zh: str, subject_en: str,
                     link: str) -> int:
    """One audience's notifications, once per user and alert: their keys claimed, then the
    rows written for the keys this claim won (apps.notifications.keys)."""
    key = f"alert:{alert.pk}:{kind}"
    token = keys_claim(cursor, "SELECT a.user_id AS recipient_id, CAST(%s AS VARCHAR(120)) "
                       f"AS dedupe_key FROM ({select}) a WHERE a.user_id IS NOT NULL",
                       [key, *params], now=now)
    return insert_select(cursor, Notification, f"""
        INSERT INTO notifications_notification (recipient_id, school_id, kind, severity,
            subject_zh, subject_en, body_zh, body_en, link, dedupe_key, drill, created_at)
        SELECT a.user_id, MIN(a.school_id), %s, %s, %s, %s, '', '',
            CASE WHEN MIN(a.trigger_id) > 0 AND MIN(a.trigger_id) = MAX(a.trigger_id)
                 THEN %s || CAST(MIN(a.trigger_id) AS TEXT) || '/' ELSE %s END,
            %s, %s, %s
        FROM ({select}) a JOIN {KEYS} k ON k.recipient_id = a.user_id
             AND k.dedupe_key = %s AND k.token = %s
        GROUP BY a.user_id""",
        [kind, severity, subject_zh[:200], subject_en[:200], TRIGGER_LINK, link, key,
         alert.drill, now, *params, key, token])


_DELIVERY = ("INSERT INTO notifications_delivery (notification_id, channel, address, source_id, "
             "language, status, attempts, next_attempt_at, claim_token, claimed_at, last_error, "
             "sent_at, notification_created_at) ")
# The outside-only message of each reached school, found through its claimed key (whose time
# names the notification's month partition).
_SCHOOL_CARRIERS = f"""
           FROM {{trig}} t
           JOIN {KEYS} k ON k.recipient_id IS NULL
                AND k.dedupe_key = CAST(%s AS VARCHAR(120)) || t.school_id
           JOIN notifications_notification n ON n.recipient_id IS NULL
                AND n.dedupe_key = k.dedupe_key AND n.created_at = k.created_at"""


def _outside_deliveries(alert: Alert, region: Region, now: datetime) -> int:
    """Copies of the trigger on outside channels, set-based: each notified user's own
    channels (a trigger is urgent, so every active one), and per reached school one message
    to its robots and webhooks, the designated hospital's contacts and the task force's
    outside members (SMS). The delivery loop sends them (apps.notifications)."""
    from apps.notifications.services import _queue_delivery_run

    trig = _q(SchoolTrigger._meta.db_table)
    name = region.full_name or region.name
    school_key = f"alert:{alert.pk}:school:"
    carriers = _SCHOOL_CARRIERS.format(trig=trig)
    tail = ", 'pending', 0, %s, '', NULL, '', NULL, n.created_at"
    with connection.cursor() as cursor:
        token = keys_claim(cursor, "SELECT CAST(NULL AS BIGINT) AS recipient_id, CAST(%s AS "
                           f"VARCHAR(120)) || t.school_id AS dedupe_key FROM {trig} t "
                           "WHERE t.alert_id = %s",
                           [school_key, alert.pk], now=now)
    statements = [
        (_DELIVERY + "SELECT n.id, c.kind, c.address, c.id, c.language" + tail + f"""
           FROM {KEYS} k
           JOIN notifications_notification n ON n.recipient_id = k.recipient_id
                AND n.dedupe_key = k.dedupe_key AND n.created_at = k.created_at
           JOIN notifications_channel c ON c.user_id = k.recipient_id AND c.active
          WHERE k.dedupe_key = %s AND k.recipient_id IS NOT NULL ON CONFLICT DO NOTHING""",
         [now, f"alert:{alert.pk}:trigger.fired"]),
        (f"""INSERT INTO notifications_notification (recipient_id, school_id, kind, severity,
                subject_zh, subject_en, body_zh, body_en, link, dedupe_key, drill, created_at)
             SELECT NULL, t.school_id, 'trigger.fired', 'urgent', %s, %s, '', '',
                    '/emergency/triggers/', k.dedupe_key, FALSE, %s
               FROM {trig} t JOIN {KEYS} k ON k.recipient_id IS NULL
                    AND k.dedupe_key = CAST(%s AS VARCHAR(120)) || t.school_id
                    AND k.token = %s
              WHERE t.alert_id = %s""",
         [f"两触发：{name}报告本土病例，请在时限内响应"[:200],
          f"Trigger: local cases reported in {name}; respond before the deadline"[:200],
          now, school_key, token, alert.pk]),
        (_DELIVERY + "SELECT n.id, c.kind, c.address, c.id, c.language" + tail + carriers + """
           JOIN notifications_channel c ON c.school_id = t.school_id AND c.active
          WHERE t.alert_id = %s ON CONFLICT DO NOTHING""", [now, school_key, alert.pk]),
        (_DELIVERY + "SELECT n.id, 'sms', hc.phone, NULL, 'zh-hans'" + tail + carriers + """
           JOIN orgs_school s ON s.id = t.school_id
           JOIN orgs_hospitalcontact hc ON hc.hospital_id = s.hospital_id AND hc.phone <> ''
          WHERE t.alert_id = %s ON CONFLICT DO NOTHING""", [now, school_key, alert.pk]),
        (_DELIVERY + "SELECT n.id, 'sms', tf.phone, NULL, 'zh-hans'" + tail + carriers + """
           JOIN emergency_taskforcemember tf ON tf.school_id = t.school_id AND tf.external
                AND tf.phone <> ''
          WHERE t.alert_id = %s ON CONFLICT DO NOTHING""", [now, school_key, alert.pk]),
    ]
    count = 0
    with connection.cursor() as cursor:
        for sql, params in statements:
            model = Delivery if sql.startswith(_DELIVERY) else Notification
            count += insert_select(cursor, model, sql, params)
    _queue_delivery_run()
    return count


def alert_fire(*, report_id: int, school_ids: Iterable[int] | None = None,
               force_reach: bool = False, timings: dict | None = None) -> FireResult:
    """Fire (or extend) the alert of a case report, in one transaction: triggers for every
    reached school, the trace-back hits, a follow-up per traced person, notifications.
    Running it again for the same report adds only what is new (nothing, usually).
    `timings`, when given, receives the seconds each phase took (for the benchmark)."""
    clock = _PhaseClock(timings)
    with transaction.atomic():
        report = CaseReport.objects.select_for_update().select_related("region").get(
            pk=report_id)
        if report.status != "active":
            return FireResult(report.alert_id or 0, False, 0, 0, 0, 0)
        if report.alert_id:
            alert, new = Alert.objects.select_for_update().get(pk=report.alert_id), False
        else:
            alert, new = _alert_for(report)
            report.alert = alert
            report.save(update_fields=["alert"])
        if alert.drill_school_id:
            school_ids = [alert.drill_school_id]
        now = timezone.now()
        reached = clock.run("reach", reached_schools, report.region_id, school_ids, force_reach)
        triggers = clock.run("triggers", _write_triggers, alert, report, reached)
        since = min((t.trace_since for t in SchoolTrigger.objects.filter(alert=alert)
                     .only("trace_since").order_by("trace_since")[:1]), default=None)
        hits = followups = notes = 0
        if since is not None:
            hits = clock.run("trace_back", _trace_hits, alert, report.region, since)
            followups = clock.run("followups", _trace_followups, alert, report.region, now)
            clock.run("traced", _mark_traced, alert, now)
            notes = clock.run("notifications", _notify, alert, report.region, now)
            if not alert.drill:
                clock.run("deliveries", _outside_deliveries, alert, report.region, now)
    clock.stop("commit")
    return FireResult(alert.pk, new, triggers, hits, followups, notes)


class _PhaseClock:
    """Seconds per phase into a dict, when one is given."""

    def __init__(self, timings: dict | None):
        self.timings = timings
        self.last = time.monotonic()

    def run(self, name: str, func, *args):
        result = func(*args)
        self.stop(name)
        return result

    def stop(self, name: str) -> None:
        now = time.monotonic()
        if self.timings is not None:
            self.timings[name] = now - self.last
        self.last = now


def notify_escalations(*, trigger_ids: list[int], now: datetime) -> int:
    """Tell the bureau directly above each school whose trigger went unacknowledged past its
    deadline: one inbox message per bureau user and alert."""
    trig = _q(SchoolTrigger._meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        for start in range(0, len(trigger_ids), 900):  # SQLite's parameter limit
            ids = trigger_ids[start:start + 900]
            marks = ", ".join(["%s"] * len(ids))
            bureau_staff = f"""
                FROM {trig} t JOIN orgs_school s ON s.id = t.school_id
                JOIN access_roleassignment ra ON ra.bureau_id = s.bureau_id
                     AND ra.role = 'bureau_admin'"""
            token = keys_claim(cursor, "SELECT ra.user_id AS recipient_id, 'escalated:' || "
                               f"t.alert_id AS dedupe_key {bureau_staff} "
                               f"WHERE t.id IN ({marks}) AND NOT t.drill", ids, now=now)
            count += insert_select(cursor, Notification, f"""
                INSERT INTO notifications_notification (recipient_id, school_id, kind, severity,
                    subject_zh, subject_en, body_zh, body_en, link, dedupe_key, drill,
                    created_at)
                SELECT ra.user_id, MIN(t.school_id), 'trigger.escalated', 'urgent',
                       '两触发：所辖学校超时未响应', 'Trigger: schools have not responded in time',
                       '', '', '/emergency/triggers/', 'escalated:' || t.alert_id, FALSE,
                       %s
                {bureau_staff}
                JOIN {KEYS} k ON k.recipient_id = ra.user_id
                     AND k.dedupe_key = 'escalated:' || t.alert_id AND k.token = %s
                WHERE t.id IN ({marks}) AND NOT t.drill
                GROUP BY ra.user_id, t.alert_id""", [now, token, *ids])
    return count
