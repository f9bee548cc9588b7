"""Reads of daily health, always through `restrict(user, "health.view")`: a class's roll for
a slot (done, late, missing) with the flags, completion by class and unit of a school and by
school of a bureau (grouped in SQL, one query per slot), today's abnormal check-ins and the
14-day trend."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, FilteredRelation, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.health import conf
from apps.health.models import CheckIn, Slot, SubmittedAs
from apps.health.rules import rules_for_school
from apps.orgs.models import School, SchoolClass
from apps.people.models import Person, Residence
from apps.policy.engine.facts import SYMPTOMS
from apps.schoolyear.grades import grade_order

TREND_DAYS = 14
ABNORMAL_LIMIT = 500
BUREAU_LIMIT = 300  # schools listed on a bureau's completion page (the least complete)


def slot_expected(persons, slot: str):
    """The persons a slot concerns: everyone at morning and noon, boarders in the evening."""
    return persons.filter(residence=Residence.BOARDER) if slot == Slot.EVENING else persons


def classes_for(user, *, perm: str = "health.view"):
    """The classes whose roll the user may read, the user's own first."""
    return (SchoolClass.objects.restrict(user, perm).open().select_related("school", "unit")
            .order_by("school_id", "unit_id", "name"))


def class_get(*, user, pk: int) -> SchoolClass:
    return get_object_or_404(classes_for(user), pk=pk)


# A class's roll --------------------------------------------------------------------------


@dataclass
class Roll:
    klass: SchoolClass
    day: date
    slot: str
    checked: bool  # the school's policy has this check
    done: list = field(default_factory=list)
    late: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    overdue: bool = False  # the slot's due time has passed

    @property
    def expected(self) -> int:
        return len(self.done) + len(self.missing)


def class_roll(*, user, klass: SchoolClass, day: date, slot: str, now) -> Roll:
    """Who of the class checked in for the slot, who was late and who is missing: one query."""
    rules = rules_for_school(klass.school_id)
    roll = Roll(klass, day, slot, slot in rules.slots_for(Residence.BOARDER),
                overdue=now > conf.due_at(day, slot))
    if not roll.checked:
        return roll
    persons = slot_expected(
        Person.objects.restrict(user, "health.view").filter(
            school_id=klass.school_id, klass_id=klass.pk, active=True), slot)
    rows = (persons.annotate(c=_checkin_of(klass.school_id, day, slot))
            .order_by("number", "pk")
            .values("id", "name", "number", "residence", "c__id", "c__submitted_at",
                    "c__temperature", "c__abnormal", "c__submitted_as", "c__late"))
    for row in rows:
        if row["c__id"] is None:
            roll.missing.append(row)
            continue
        row["late"] = bool(row["c__late"])  # marked when submitted (services.checkin_submit)
        roll.done.append(row)
        if row["late"]:
            roll.late.append(row)
    return roll


def _checkin_of(school_id: int, day: date, slot: str) -> FilteredRelation:
    # The school leads the join condition, so the unique (school, person, day, slot) index
    # serves it (and a sharded table is read on one shard).
    return FilteredRelation("checkins", condition=Q(
        checkins__school_id=school_id, checkins__day=day, checkins__slot=slot))


# Flags for the class teacher --------------------------------------------------------------


@dataclass
class Flags:
    same_temperature: list = field(default_factory=list)  # persons, same value N days
    class_identical: str | None = None  # the one temperature every check-in of the slot had
    shared_devices: list = field(default_factory=list)  # [(n persons, [names])]

    def __bool__(self) -> bool:
        return bool(self.same_temperature or self.class_identical or self.shared_devices)


def class_flags(*, user, klass: SchoolClass, day: date, slot: str) -> Flags:
    """Answers that look copied rather than measured, three grouped queries."""
    rows = CheckIn.objects.restrict(user, "health.view").filter(
        school_id=klass.school_id, person__klass_id=klass.pk)
    return Flags(
        same_temperature=_same_temperature(rows, day),
        class_identical=_class_identical(rows, day, slot),
        shared_devices=_shared_devices(user, klass, day),
    )


def _same_temperature(rows, day: date) -> list:
    days = settings.SHAODIAN_CHECKIN_SAME_ANSWER_DAYS
    found = (rows.filter(day__gt=day - timedelta(days=days), day__lte=day,
                         temperature__isnull=False)
             .values("person_id", "person__name")
             .annotate(days=Count("day", distinct=True),
                       values=Count("temperature", distinct=True))
             .filter(days__gte=days, values=1)
             .order_by("person__name"))
    return [{"id": r["person_id"], "name": r["person__name"], "days": r["days"]} for r in found]


def _class_identical(rows, day: date, slot: str) -> str | None:
    found = rows.filter(day=day, slot=slot, temperature__isnull=False).aggregate(
        n=Count("id"), values=Count("temperature", distinct=True))
    if found["n"] < settings.SHAODIAN_CHECKIN_CLASS_IDENTICAL_MIN or found["values"] != 1:
        return None
    return str(rows.filter(day=day, slot=slot).values_list("temperature", flat=True).first())


def _shared_devices(user, klass: SchoolClass, day: date) -> list:
    """Devices that submitted for many people of the school today (the class teacher's and
    the school office's own submissions do not count), listed with this class's people."""
    school_rows = CheckIn.objects.filter(school_id=klass.school_id, day=day).exclude(
        device="").exclude(submitted_as__in=[SubmittedAs.TEACHER, SubmittedAs.STAFF])
    devices = dict(school_rows.values("device").annotate(n=Count("person_id", distinct=True))
                   .filter(n__gte=settings.SHAODIAN_CHECKIN_DEVICE_PERSONS)
                   .values_list("device", "n"))
    if not devices:
        return []
    mine = defaultdict(set)
    for device, name in (CheckIn.objects.restrict(user, "health.view")
                         .filter(school_id=klass.school_id, day=day, device__in=devices,
                                 person__klass_id=klass.pk)
                         .values_list("device", "person__name")):
        mine[device].add(name)
    return [(devices[d], sorted(names)) for d, names in mine.items()]


# Completion -------------------------------------------------------------------------------


@dataclass
class Completion:
    key: object
    label: str
    expected: int = 0
    done: int = 0
    late: int = 0
    abnormal: int = 0

    @property
    def missing(self) -> int:
        return max(self.expected - self.done, 0)

    @property
    def percent(self) -> float:
        return round(100 * self.done / self.expected, 1) if self.expected else 100.0

    def add(self, other: dict) -> None:
        for name in ("expected", "done", "late", "abnormal"):
            setattr(self, name, getattr(self, name) + (other[name] or 0))


def school_completion(*, user, school: School, day: date, slot: str) -> dict:
    """Completion of one slot by class and by unit of a school: one grouped query."""
    if slot not in rules_for_school(school.pk).slots_for(Residence.BOARDER):
        return {"classes": [], "units": [], "total": Completion(None, school.name)}
    persons = slot_expected(Person.objects.restrict(user, "health.view").filter(
        school_id=school.pk, active=True), slot)
    rows = (persons.annotate(c=_checkin_of(school.pk, day, slot))
            .values("unit_id", "unit__name", "klass_id", "klass__name")
            .annotate(expected=Count("id"), done=Count("c__id"),
                      late=Count("c__id", filter=Q(c__late=True)),
                      abnormal=Count("c__id", filter=Q(c__abnormal=True)))
            .order_by())
    rows = sorted(rows, key=lambda r: (grade_order(r["unit__name"]), grade_order(r["klass__name"])))
    classes, units = [], {}
    total = Completion(None, school.name)
    for row in rows:
        if row["klass_id"]:
            line = Completion(row["klass_id"], row["klass__name"])
            line.add(row)
            classes.append(line)
        unit = units.setdefault(row["unit_id"], Completion(row["unit_id"], row["unit__name"]
                                                           or "—"))
        unit.add(row)
        total.add(row)
    return {"classes": classes, "units": list(units.values()), "total": total}


_BY_SCHOOL = """
SELECT s.id, s.name, COALESCE(p.expected, 0), COALESCE(c.done, 0), COALESCE(c.late, 0),
       COALESCE(c.abnormal, 0)
  FROM orgs_school s
  JOIN (SELECT school_id, COUNT(*) AS expected FROM people_person
         WHERE active {boarders} AND school_id IN ({scope}) GROUP BY school_id) p
    ON p.school_id = s.id
  LEFT JOIN (SELECT school_id, COUNT(*) AS done,
                    SUM(CASE WHEN late THEN 1 ELSE 0 END) AS late,
                    SUM(CASE WHEN abnormal THEN 1 ELSE 0 END) AS abnormal
               FROM health_checkin
              WHERE day = %s AND slot = %s AND school_id IN ({scope}) GROUP BY school_id) c
    ON c.school_id = s.id
"""


def bureau_completion(*, user, day: date, slot: str, limit: int = BUREAU_LIMIT) -> dict:
    """Completion of one slot by school for everything in the user's scope, in one grouped
    query: the persons a slot concerns counted per school, beside the slot's check-ins
    counted per school (from the (day, slot, school) index), the scope applied inside each
    so that a county reads only its schools; the least complete schools first."""
    scope_sql, scope_params = (School.objects.restrict(user, "health.view").order_by()
                               .values("id").query.sql_with_params())
    sql = _BY_SCHOOL.format(
        scope=scope_sql,
        boarders="AND residence = 'boarder'" if slot == Slot.EVENING else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*scope_params, day, slot, *scope_params])
        rows = cursor.fetchall()
    lines = []
    total = Completion(None, "")
    for pk, name, expected, done, late, abnormal in rows:
        line = Completion(pk, name, expected, done, late, abnormal)
        total.add(vars(line))
        lines.append(line)
    lines.sort(key=lambda line: (line.percent, -line.missing, line.label))
    return {"schools": lines[:limit], "more": max(len(lines) - limit, 0), "total": total,
            "count": len(lines)}


# Abnormal and trend -----------------------------------------------------------------------


def abnormal_checkins(*, user, day: date, limit: int | None = ABNORMAL_LIMIT):
    """Today's abnormal check-ins in the user's scope (the first `limit`; None: a queryset
    the API paginates)."""
    rows = (CheckIn.objects.restrict(user, "health.view").filter(day=day, abnormal=True)
            .select_related("person", "person__klass", "school", "region")
            .order_by("school_id", "person__klass_id", "slot", "person__number", "pk"))
    return rows if limit is None else rows[:limit]


def trend(*, user, today: date, days: int = TREND_DAYS) -> dict:
    """For each of the last `days` days: abnormal check-ins, fevers and each symptom, in the
    user's scope. Only abnormal rows are read (they alone have fever or symptoms)."""
    since = today - timedelta(days=days - 1)
    labels = [since + timedelta(days=n) for n in range(days)]
    abnormal, fever = Counter(), Counter()
    symptoms = {code: Counter() for code in SYMPTOMS}
    rows = (CheckIn.objects.restrict(user, "health.view")
            .filter(day__gte=since, day__lte=today, abnormal=True)
            .values_list("day", "fever", "symptoms"))
    for day, has_fever, codes in rows.iterator(chunk_size=5000):
        abnormal[day] += 1
        fever[day] += bool(has_fever)
        for code in codes or ():
            if code in symptoms:
                symptoms[code][day] += 1
    return {
        "labels": [d.isoformat() for d in labels],
        "abnormal": [abnormal[d] for d in labels],
        "fever": [fever[d] for d in labels],
        "symptoms": {code: [c[d] for d in labels] for code, c in symptoms.items()
                     if any(c.values())},
    }


def person_checkins(*, user, person: Person, today: date, days: int = 7,
                    perm: str = "health.checkin"):
    """A person's check-ins of the last days, for whoever checks in for them."""
    return (CheckIn.objects.restrict(user, perm).filter(
        school_id=person.school_id, person_id=person.pk,
        day__gt=today - timedelta(days=days), day__lte=today  # both ends: partitions
    ).order_by("-day", "-submitted_at"))


# Today, for whoever checks in -------------------------------------------------------------

DONE, DUE, MISSED, UPCOMING = "done", "due", "missed", "upcoming"


@dataclass(frozen=True)
class SlotToday:
    """One of a person's checks today: done (its check-in, maybe late), due now (open, not
    yet due), missed (due and not done: still accepted, as late) or upcoming (not open)."""

    slot: str
    state: str
    opens: datetime
    due: datetime
    checkin: CheckIn | None = None

    @property
    def label(self) -> str:
        return Slot(self.slot).label


@dataclass(frozen=True)
class PersonToday:
    person: Person
    slots: list[SlotToday]
    current: SlotToday | None  # the check to answer now: the latest that has opened


def persons_today(*, user, persons, now: datetime) -> list[PersonToday]:
    """Today's checks of each person (the school's policy says which), for a guardian's or a
    student's home: one query for all of their check-ins."""
    ids = {p.pk for p in persons}
    checkable = set(Person.objects.restrict(user, "health.checkin").filter(
        pk__in=ids, active=True).values_list("pk", flat=True)) if ids else set()
    persons = [p for p in persons if p.pk in checkable]
    if not persons:
        return []
    day = timezone.localdate(now)
    done = {(c.person_id, c.slot): c for c in CheckIn.objects.restrict(user, "health.checkin")
            .filter(school_id__in={p.school_id for p in persons}, day=day,
                    person_id__in=[p.pk for p in persons])}
    found = []
    for person in persons:
        slots = rules_for_school(person.school_id).slots_for(person.residence)
        states = [_slot_today(day, slot, done.get((person.pk, slot)), now) for slot in slots]
        current = conf.latest_open(slots, now)
        found.append(PersonToday(person, states,
                                 next((s for s in states if s.slot == current), None)))
    return found


def _slot_today(day: date, slot: str, checkin, now: datetime) -> SlotToday:
    opens, due = conf.opens_at(day, slot), conf.due_at(day, slot)
    if checkin is not None:
        state = DONE
    elif now < opens:
        state = UPCOMING
    else:
        state = DUE if now <= due else MISSED
    return SlotToday(slot, state, opens, due, checkin)
# The missing list, printed or exported -----------------------------------------------------


@dataclass
class MissingGroup:
    label: str  # the class, or the department of staff in none
    rows: list = field(default_factory=list)


def missing_list(*, user, school: School, day: date, slot: str,
                 klass: SchoolClass | None = None) -> list[MissingGroup]:
    """Who of a school (or of one of its classes) has not checked in for the slot, in the
    user's scope: one group per class (staff by department), grades in ladder order. One
    query; grouped in process, which is fine for a whole school's few thousand rows."""
    if slot not in rules_for_school(school.pk).slots_for(Residence.BOARDER):
        return []
    persons = slot_expected(Person.objects.restrict(user, "health.view").filter(
        school_id=school.pk, active=True), slot)
    if klass is not None:
        persons = persons.filter(klass_id=klass.pk)
    rows = (persons.annotate(c=_checkin_of(school.pk, day, slot)).filter(c__id__isnull=True)
            .values("id", "name", "number", "kind", "residence", "klass__name", "unit__name")
            .order_by("number", "pk"))
    groups: dict[tuple, MissingGroup] = {}
    for row in rows:
        label = row["klass__name"] or row["unit__name"] or "—"
        key = (row["klass__name"] is None, grade_order(row["unit__name"]), grade_order(label),
               label)
        groups.setdefault(key, MissingGroup(label)).rows.append(row)
    return [groups[key] for key in sorted(groups)]
