"""Check-in reminders, set-based: at each slot's reminder time, for every school whose policy
has the slot (the time is the policy's `checkin_reminder_minutes` before the slot is due,
apps.health.conf; a school reminded earlier than the pack by an override is found too,
since the sweep starts at the earliest reminder time any pack or override gives):

- each person who has not checked in (their own account) and their guardians;
- each class teacher, the list of their class's missing people;
- the school's outbreak reporters, the slot's abnormal check-ins.

Schools are handled in batches (BATCH schools): the missing people of a batch are found in
one query, their guardians, the teachers, the reporters and the abnormal rows in one query
each, and the people's and the teachers' messages are written with notification_send_each
(a fixed number of queries per batch). Every message has a dedupe key per (day, slot, kind)
(and school, for the reporters), and a ReminderRun row marks a school done, so a rerun of
the sweep (or two workers running it) sends nothing twice. A slot is reminded until the
next slot opens (the evening one until midnight): a worker that was down at 07:30 still
reminds at 09:00, but not at 15:00.
"""

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access.models import RoleAssignment
from apps.access.roles import Role
from apps.health import conf
from apps.health.models import SYMPTOM_LABELS, CheckIn, ReminderRun, Slot
from apps.health.rules import DEFAULT_REMINDER_MINUTES, rules_for_schools
from apps.notifications.services import Personal, notification_send, notification_send_each
from apps.orgs.models import School, SchoolClass
from apps.people.models import Guardianship, Person, Residence

BATCH = 200
NAMES_LISTED = 60  # names in one message body; the page has the rest


def slots_to_remind(now, minutes: int = DEFAULT_REMINDER_MINUTES) -> list[str]:
    """Today's slots whose reminder time (`minutes` before each is due) has passed and whose
    window has not closed."""
    local = timezone.localtime(now).time()
    times = conf.slot_times()
    slots = list(times)
    due = []
    for index, slot in enumerate(slots):
        closes = times[slots[index + 1]].opens if index + 1 < len(slots) else None
        if times[slot].remind(minutes) <= local and (closes is None or local < closes):
            due.append(slot)
    return due


def reminder_minutes_most() -> int:
    """The earliest any school may be reminded: the most minutes any pack or override gives
    (an override may only remind earlier), read before the schools' policies are."""
    from apps.policy.models import PolicyOverride
    from apps.policy.selectors import packs_all

    values = [pack.values().get("checkin_reminder_minutes") for pack in packs_all()]
    values += list(PolicyOverride.objects.filter(param="checkin_reminder_minutes")
                   .values_list("value", flat=True))
    return max([DEFAULT_REMINDER_MINUTES, *(v for v in values if isinstance(v, int))])


def reminders_send_due(*, now=None) -> int:
    """Send whatever reminders are due now; returns how many inbox messages were new."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    sent = 0
    for slot in slots_to_remind(now, reminder_minutes_most()):
        done = ReminderRun.objects.filter(day=day, slot=slot, school_id=OuterRef("pk"))
        pending = list(School.objects.exclude(Exists(done)).order_by("pk")
                       .values_list("pk", flat=True))
        for start in range(0, len(pending), BATCH):
            sent += reminders_send_batch(school_ids=pending[start:start + BATCH], day=day,
                                         slot=slot, now=now)
    return sent


@transaction.atomic
def reminders_send_batch(*, school_ids: list[int], day: date, slot: str, now=None) -> int:
    """Remind the slot in these schools; with `now`, only in those whose own reminder time
    has come (the others are left for a later sweep, with no ReminderRun)."""
    rules = rules_for_schools(school_ids)
    if now is not None:
        school_ids = [pk for pk in school_ids
                      if slot in slots_to_remind(now, rules[pk].reminder_minutes)]
    ids = [pk for pk in school_ids if slot in rules[pk].slots_for(Residence.BOARDER)]
    missing = _missing(ids, day, slot)
    abnormal = _abnormal(ids, day, slot)
    sent = _remind_people(missing, _guardians(ids, missing), day, slot)
    sent += _remind_teachers(missing, _teachers(ids), day, slot)
    reporters = _reporters(ids)
    for school_id, rows in abnormal.items():
        sent += _report_abnormal(school_id, rows, reporters.get(school_id, []), day, slot)
    ReminderRun.objects.bulk_create(
        [ReminderRun(school_id=pk, day=day, slot=slot,
                     missing=sum(1 for p in missing if p["school_id"] == pk),
                     abnormal=len(abnormal.get(pk, []))) for pk in school_ids],
        ignore_conflicts=True)
    return sent


def _missing(school_ids, day: date, slot: str) -> list[dict]:
    if not school_ids:
        return []
    checked = CheckIn.objects.filter(school_id=OuterRef("school_id"), person_id=OuterRef("pk"),
                                     day=day, slot=slot)
    persons = Person.objects.filter(school_id__in=school_ids, active=True)
    if slot == Slot.EVENING:
        persons = persons.filter(residence=Residence.BOARDER)
    return list(persons.exclude(Exists(checked)).order_by("school_id", "klass_id", "number")
                .values("id", "school_id", "klass_id", "user_id", "name", "number"))


def _guardians(school_ids, missing: list[dict]) -> dict[int, list[int]]:
    found = defaultdict(list)
    ids = [p["id"] for p in missing]
    for start in range(0, len(ids), 5000):
        for person_id, user_id in Guardianship.objects.filter(
                school_id__in=school_ids, person_id__in=ids[start:start + 5000]).values_list(
                "person_id", "user_id"):
            found[person_id].append(user_id)
    return found


def _teachers(school_ids) -> dict[int, int]:
    """{class: its teacher's user id}."""
    return dict(SchoolClass.objects.filter(school_id__in=school_ids, teacher__isnull=False)
                .values_list("id", "teacher_id"))


def _reporters(school_ids) -> dict[int, list[int]]:
    found = defaultdict(list)
    for school_id, user_id in RoleAssignment.objects.filter(
            role=Role.OUTBREAK_REPORTER, school_id__in=school_ids).values_list(
            "school_id", "user_id"):
        found[school_id].append(user_id)
    return found


def _abnormal(school_ids, day: date, slot: str) -> dict[int, list]:
    found = defaultdict(list)
    for row in (CheckIn.objects.filter(school_id__in=school_ids, day=day, slot=slot,
                                       abnormal=True)
                .order_by("school_id", "person__klass__name", "person__number")
                .values("school_id", "person__name", "person__klass__name", "temperature",
                        "symptoms", "household_symptoms")):
        found[row["school_id"]].append(row)
    return found


def _key(kind: str, day: date, slot: str, school_id: int | None = None) -> str:
    where = f":{school_id}" if school_id else ""
    return f"checkin:{kind}{where}:{day.isoformat()}:{slot}"


def _slot_name(slot: str) -> str:
    return str(Slot(slot).label)


def _names(rows: list[dict]) -> str:
    names = "、".join(p["name"] for p in rows[:NAMES_LISTED])
    return names + ("…" if len(rows) > NAMES_LISTED else "")


def _remind_people(missing, guardians, day, slot) -> int:
    """Each person without a check-in (their own account) and their guardians: one message
    each per slot, however many children they have (the page lets them choose)."""
    def subject():
        return _("Daily health check (%(slot)s): not submitted yet") % {
            "slot": _slot_name(slot)}

    def body():
        return _("Please submit today's %(slot)s check: temperature and symptoms.") % {
            "slot": _slot_name(slot)}

    link = reverse("health:checkin")
    recipients = {}
    for person in missing:
        for user_id in [person["user_id"], *guardians.get(person["id"], ())]:
            if user_id:
                recipients.setdefault(user_id, person["school_id"])
    return notification_send_each(
        messages=[Personal(recipient_id=uid, subject=subject, body=body, school_id=school,
                           link=link) for uid, school in recipients.items()],
        kind="checkin.missing", dedupe_key=_key("missing", day, slot))


def _remind_teachers(missing, teachers: dict[int, int], day, slot) -> int:
    """Each class teacher, the list of their missing people (all their classes at once)."""
    per_teacher = defaultdict(list)
    for person in missing:
        if person["klass_id"] in teachers:
            per_teacher[teachers[person["klass_id"]]].append(person)
    link = reverse("health:teacher")
    return notification_send_each(
        messages=[_teacher_message(user_id, rows, slot, link)
                  for user_id, rows in per_teacher.items()],
        kind="checkin.class_missing", dedupe_key=_key("class", day, slot))


def _teacher_message(user_id: int, rows: list[dict], slot: str, link: str) -> Personal:
    return Personal(
        recipient_id=user_id, school_id=rows[0]["school_id"], link=link,
        subject=lambda: _("%(n)d of your class have not done the %(slot)s check")
        % {"n": len(rows), "slot": _slot_name(slot)},
        body=lambda: _("Not checked in: %(names)s") % {"names": _names(rows)})


def _report_abnormal(school_id, rows, reporters, day, slot) -> int:
    if not rows or not reporters:
        return 0

    def line(row) -> str:
        parts = [f"{row['person__name']}（{row['person__klass__name'] or '—'}）"]
        if row["temperature"] is not None:
            parts.append(f"{row['temperature']}°C")
        parts += [str(SYMPTOM_LABELS.get(code, code)) for code in row["symptoms"] or ()]
        if row["household_symptoms"]:
            parts.append(_("household symptoms"))
        return " ".join(parts)

    return notification_send(
        recipient_ids=reporters, kind="checkin.abnormal", school_id=school_id,
        severity="warning",
        subject=lambda: _("%(n)d abnormal check-ins (%(slot)s)")
        % {"n": len(rows), "slot": _slot_name(slot)},
        body=lambda: "\n".join(line(row) for row in rows[:NAMES_LISTED]),
        link=reverse("health:abnormal"), dedupe_key=_key("abnormal", day, slot, school_id))
