"""Follow-ups and their notifications at province scale, and the delivery loop's pace.

1. `followups_fanout`: a trace-back reaching 1 % of a province of 3,000,000 persons (every
   100th person, in every school), created by one `followup_create_for_schools` call, each
   assignee told once: target under 30 s (2 cores, PostgreSQL), half of issue 6's 60 s for
   the whole trigger. `followups_per_school` does the same with one `followup_create_many`
   call per school (another source), for comparison.
2. `delivery_loop`: 20,000 pending console deliveries sent by `delivery_run` in batches of
   100 (claim by conditional UPDATE, send, one committed UPDATE per delivery): target at least 1,000
   deliveries/s, the loop's own cost, since an outside channel's network time comes on top.

The province is reused when the database holds one at least that large (else generated).
On someone's DATABASE_URL everything is rolled back afterwards.
"""

import logging
import time
from functools import partial

from bench import Context, Result, benchmark, measured, say
from bench.province import PROVINCE, ensure_province

PERSONS = 3_000_000
SHARE = 100  # every 100th person is traced back
FANOUT_TARGET_SECONDS = 30
DELIVERIES = 20_000
PER_SCHOOL_SAMPLE = 500
DELIVERY_TARGET_PER_SECOND = 1_000


_say = partial(say, "followups_fanout")


@benchmark("followups_fanout")
def followups_fanout(ctx: Context) -> list[Result]:
    persons = ctx.persons or PERSONS
    outcome = measured(ctx, lambda: _fanout(persons))
    target = FANOUT_TARGET_SECONDS * persons / PERSONS
    return [
        Result("followups_fanout", outcome["seconds"], "s", f"< {target:.3g} s"),
        Result("followups_fanout_rate", outcome["created"] / outcome["seconds"],
               "follow-ups/s", f"{outcome['created']:,} follow-ups, "
               f"{outcome['notified']:,} assignees told, {outcome['schools']:,} schools"),
        Result("followups_per_school", outcome["per_school_seconds"], "s",
               f"comparison: one call per school (scaled from {PER_SCHOOL_SAMPLE})"),
    ]


def _traced(persons: int) -> dict[int, list[int]]:
    """Every SHARE-th person of the province, by school, in one query."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.school_id, p.id FROM people_person p "
            "JOIN orgs_school s ON s.id = p.school_id "
            "WHERE s.province_code = %s AND p.id %% %s = 0 ORDER BY p.school_id, p.id",
            [PROVINCE, SHARE])
        by_school: dict[int, list[int]] = {}
        for school_id, person_id in cursor.fetchall():
            by_school.setdefault(school_id, []).append(person_id)
    return by_school


def _items(person_ids: list[int]) -> list:
    from apps.followups.services import FollowUpItem

    return [FollowUpItem(person_id=pid, title_zh="核酸检测并居家观察",
                         title_en="Get tested and stay home",
                         detail={"actions": ["test", "stay_home"]}) for pid in person_ids]


def _fanout(persons: int) -> dict:
    from apps.followups.services import followup_create_for_schools, followup_create_many
    from apps.notifications.models import Notification

    ensure_province("followups_fanout", persons=persons)
    by_school = _traced(persons)
    _say(f"{sum(map(len, by_school.values())):,} persons in {len(by_school):,} schools")
    started = time.monotonic()
    created = followup_create_for_schools(
        kind="trace_back", source="trigger:bench",
        items_by_school={sid: _items(pids) for sid, pids in by_school.items()})
    seconds = time.monotonic() - started
    notified = Notification.objects.filter(kind="followup.trace_back").count()
    _say(f"{created:,} follow-ups, {notified:,} notifications in {seconds:.1f} s")
    # The comparison on a sample of schools, scaled: one call for each of 26,000 schools
    # took 12 minutes of a run to say what 500 say.
    sample = list(by_school.items())[:PER_SCHOOL_SAMPLE]
    started = time.monotonic()
    for school_id, person_ids in sample:
        followup_create_many(school_id=school_id, kind="trace_back", source="trigger:bench2",
                             items=_items(person_ids))
    per_school = (time.monotonic() - started) * len(by_school) / max(1, len(sample))
    _say(f"the same, one call per school: {per_school:.1f} s (from {len(sample)} schools)")
    return {"seconds": seconds, "created": created, "notified": notified,
            "schools": len(by_school), "per_school_seconds": per_school}


@benchmark("delivery_loop")
def delivery_loop(ctx: Context) -> list[Result]:
    count = min(DELIVERIES, ctx.persons or DELIVERIES)
    outcome = _deliver(count)  # committed as in production: one transaction per UPDATE
    return [Result("delivery_loop", outcome["sent"] / outcome["seconds"], "deliveries/s",
                   f">= {DELIVERY_TARGET_PER_SECOND} deliveries/s")]


def _deliver(count: int) -> dict:
    from apps.notifications.models import Delivery, Notification
    from apps.notifications.services import delivery_run

    carrier = Notification.objects.create(kind="bench", subject_zh="演练", subject_en="Bench")
    Delivery.objects.bulk_create(
        [Delivery(notification=carrier, channel="console", address=f"bench:{n}")
         for n in range(count)], batch_size=5000)
    logging.getLogger("shaodian.notifications").setLevel(logging.WARNING)  # no 20,000 lines
    started = time.monotonic()
    sent = 0
    while True:
        outcome = delivery_run(limit=100)
        if not outcome:
            break
        sent += outcome.get("sent", 0)
    seconds = time.monotonic() - started
    carrier.delete()  # and its deliveries: the database is left as it was
    _say(f"{sent:,} deliveries in {seconds:.1f} s")
    return {"seconds": seconds, "sent": sent}
