"""The school-year rollover: at the year's end every class moves up one grade, the last
grade graduates and the intake grade opens new classes. For one school (its admin) or every
school a bureau oversees at once, as a dry run (`rollover_plan`) or applied
(`school_year_rollover`).

How, so that a province of 3 M people rolls over in seconds: the grades move, not the
people. Each grade unit is renamed to the next grade (七年级 → 八年级) from the top down,
so students keep their unit and class and no person row changes but a graduate's. The
graduating grade and its classes are closed and renamed under their cohort
(2027届九年级1班), which frees their names; a new unit takes the intake grade's name with
as many classes as last year's intake. Every write is set-based: the renames through one
statement per table and grade level, the top grade first (a unique name is free only once
its holder has moved on), the graduates made inactive by one UPDATE, their history rows by one
INSERT … SELECT whose ids are drawn from the sequence first (Citus). Run once per school
and year (Rollover's unique key): a second run finds it done and changes nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access.freshness import grants_changed
from apps.access.models import User
from apps.core.db import IdPool, chunks, pk_in, write_rows
from apps.core.history import CHANGED, CREATED, history_rows_insert
from apps.orgs.models import School, SchoolClass, Unit, UnitKind
from apps.orgs.services.fields import CHANGE, current_school_year
from apps.people.headcounts import headcounts_refresh_on_commit
from apps.people.models import Person
from apps.schoolyear import grades
from apps.schoolyear.models import Rollover


@dataclass
class SchoolRollover:
    """What the rollover does (or did) in one school."""

    school_id: int
    school_name: str
    done: bool = False  # rolled over to this year before: nothing to do
    units: list[tuple[int, str, str]] = field(default_factory=list)  # promoted (id, old, new)
    graduated_units: list[tuple[int, str, str]] = field(default_factory=list)
    classes: list[tuple[int, str, str]] = field(default_factory=list)  # promoted classes
    graduated_classes: list[tuple[int, str, str]] = field(default_factory=list)
    # New grades: (its name, its classes' names)
    intake: list[tuple[str, list[str]]] = field(default_factory=list)
    untouched: list[str] = field(default_factory=list)  # units on no ladder of this school
    # The round each unit and class is renamed in ("unit" | "class", id) -> 0, 1, …: the
    # top grade first, so that each name is free when the grade below takes it.
    rounds: dict[tuple[str, int], int] = field(default_factory=dict)
    graduates: int = 0
    problems: list[str] = field(default_factory=list)  # why this school is left as it is

    @property
    def intake_classes(self) -> int:
        return sum(len(names) for _grade, names in self.intake)


@dataclass
class RolloverPlan:
    to_year: int
    schools: list[SchoolRollover]

    def total(self, name: str) -> int:
        return sum(len(getattr(s, name)) if isinstance(getattr(s, name), list)
                   else getattr(s, name) for s in self.schools if not s.done)


def next_school_year(day=None) -> int:
    """The school year a rollover moves to: the one starting next September."""
    return current_school_year(day) + 1


def rollover_schools(actor: User, school: School | int | None = None):
    """The open schools the actor may roll over: one, or all in their scope."""
    schools = School.objects.restrict(actor, CHANGE).filter(active=True)
    if school is not None:
        schools = schools.filter(pk=getattr(school, "pk", school))
    return schools.order_by("pk")


def rollover_plan(*, actor: User, school: School | int | None = None,
                  to_year: int | None = None) -> RolloverPlan:
    """The dry run: what the rollover would do in each school (nothing is written)."""
    to_year = to_year or next_school_year()
    schools = list(rollover_schools(actor, school).values_list("pk", "name", "kind"))
    ids = [pk for pk, _name, _kind in schools]
    done = set(Rollover.objects.filter(school_id__in=ids, to_year=to_year)
               .values_list("school_id", flat=True))
    units, classes = _open_units(ids), _open_classes(ids)
    plans = []
    for pk, name, kind in schools:
        plan = SchoolRollover(pk, name, done=pk in done)
        if not plan.done:
            _plan_school(plan, kind, units[pk], classes, to_year)
        plans.append(plan)
    _count_graduates(plans)
    return RolloverPlan(to_year, plans)


def _open_units(school_ids: list[int]) -> dict[int, list[dict]]:
    found = defaultdict(list)
    for unit in (Unit.objects.filter(school_id__in=school_ids, closed_at__isnull=True)
                 .values("pk", "school_id", "name", "kind")):
        found[unit["school_id"]].append(unit)
    return found


def _open_classes(school_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    found = defaultdict(list)  # unit id -> [(class id, name)]
    for pk, unit_id, name in (SchoolClass.objects
                              .filter(school_id__in=school_ids, closed_at__isnull=True)
                              .order_by("pk").values_list("pk", "unit_id", "name")):
        found[unit_id].append((pk, name))
    return found


def _plan_school(plan: SchoolRollover, kind: str, units: list[dict], classes, to_year: int):
    ladders = defaultdict(dict)  # ladder -> position -> (rung, unit)
    for unit in units:
        rung = grades.rung_of(unit["name"])
        if unit["kind"] not in (UnitKind.GRADE, UnitKind.COLLEGE) or rung is None \
                or grades.span(kind, rung.ladder) is None:
            if unit["kind"] != UnitKind.DEPARTMENT:
                plan.untouched.append(unit["name"])
            continue
        if rung.position in ladders[rung.ladder]:
            plan.problems.append(_("Two grades stand for the same year: %(a)s and %(b)s.") % {
                "a": ladders[rung.ladder][rung.position][1]["name"], "b": unit["name"]})
            continue
        ladders[rung.ladder][rung.position] = (rung, unit)
    if plan.problems:
        return
    for ladder, rungs in ladders.items():
        intake, last = grades.span(kind, ladder)
        for depth, position in enumerate(sorted(rungs, reverse=True)):  # from the top
            rung, unit = rungs[position]
            plan.rounds[("unit", unit["pk"])] = depth
            plan.rounds.update({("class", pk): depth for pk, _name in classes[unit["pk"]]})
            if position >= last:
                _graduate(plan, unit, classes[unit["pk"]], to_year)
            else:
                _promote(plan, rung, unit, classes[unit["pk"]])
        if intake in rungs:
            _open_intake(plan, *rungs[intake], classes[rungs[intake][1]["pk"]], to_year)


def _graduate(plan: SchoolRollover, unit: dict, classes, to_year: int) -> None:
    plan.graduated_units.append((unit["pk"], unit["name"],
                                 grades.graduated_name(unit["name"], to_year)))
    plan.graduated_classes += [(pk, name, grades.graduated_name(name, to_year))
                               for pk, name in classes]


def _promote(plan: SchoolRollover, rung, unit: dict, classes) -> None:
    plan.units.append((unit["pk"], unit["name"], grades.next_grade_name(rung)))
    plan.classes += [(pk, name, grades.promoted_class_name(name, rung))
                     for pk, name in classes]


def _open_intake(plan: SchoolRollover, rung, unit: dict, classes, to_year: int) -> None:
    names = [grades.intake_class_name(name, unit["name"], rung, to_year, n)
             for n, (_pk, name) in enumerate(classes, start=1)]
    plan.intake.append((unit["name"], names))


def _count_graduates(plans: list[SchoolRollover]) -> None:
    ids = [pk for plan in plans for pk, _old, _new in plan.graduated_classes]
    counts = defaultdict(int)
    for chunk in chunks(ids):
        for school_id, n in (Person.objects.filter(klass_id__in=chunk, active=True)
                             .values_list("school_id").annotate(n=Count("pk"))):
            counts[school_id] += n
    for plan in plans:
        plan.graduates = counts.get(plan.school_id, 0)


# Applying --------------------------------------------------------------------------------


@transaction.atomic
def school_year_rollover(*, actor: User, school: School | int | None = None,
                         to_year: int | None = None) -> RolloverPlan:
    """Roll the school (or every school in the actor's scope) over to `to_year`, in one
    transaction. Schools done before, or with a problem, are left as they are."""
    plan = rollover_plan(actor=actor, school=school, to_year=to_year)
    todo = [s for s in plan.schools if not s.done and not s.problems]
    now = timezone.now()  # marks this run's rows: its Rollover rows, the classes it closes
    claimed = _claim(actor, todo, plan.to_year, now)
    todo = [s for s in todo if s.school_id in claimed]
    released = _teachers_of([c[0] for s in todo for c in s.graduated_classes])
    _rename(Unit, todo, ("units", "graduated_units"), now=now, to_year=plan.to_year)
    _rename(SchoolClass, todo, ("classes", "graduated_classes"), now=now, to_year=plan.to_year)
    grants_changed(released)  # a bulk UPDATE sends no signal: their cached grants end here
    _move_classes_on(plan.to_year, now)
    _graduate_people(actor, plan.to_year, now)
    headcounts_refresh_on_commit([s.school_id for s in todo])  # classes closed and opened
    _open_intakes(actor, todo, plan.to_year, now)
    _history(actor, todo, plan.to_year, now)
    for s in todo:
        s.done = True
    return plan


def _claim(actor: User, todo: list[SchoolRollover], to_year: int, now) -> set[int]:
    """One Rollover row per school: a school another run claimed first is skipped."""
    Rollover.objects.bulk_create(
        [Rollover(school_id=s.school_id, to_year=to_year, by=actor, at=now,
                  promoted_classes=len(s.classes), graduated_classes=len(s.graduated_classes),
                  graduates=s.graduates, intake_classes=s.intake_classes) for s in todo],
        ignore_conflicts=True, batch_size=1000)
    return set(_claimed(to_year, now).values_list("school_id", flat=True))


def _claimed(to_year: int, now):
    return Rollover.objects.filter(to_year=to_year, at=now)


def _rename(model, todo: list[SchoolRollover], names: tuple[str, str], *, now,
            to_year: int) -> None:
    """Set each row's new name, closing the graduated ones (`names`: the plan's lists of
    the promoted and the graduated rows): one statement per round, the top grade first,
    so that a grade's names are free when the grade below takes them (a name is unique in
    its school, and checked row by row)."""
    kind = "unit" if model is Unit else "class"
    promoted, graduated = names
    by_round = defaultdict(list)
    for s in todo:
        for name, closed in ((promoted, False), (graduated, True)):
            for pk, _old, new in getattr(s, name):
                by_round[s.rounds[(kind, pk)]].append((pk, new, closed))
    for depth in sorted(by_round):
        _set_names(model, by_round[depth], now, to_year)


def _set_names(model, rows: list[tuple[int, str, bool]], now, to_year: int) -> None:
    """A promoted class moves to the new school year in the same statement (it is not
    written twice); a closed one keeps its last year and loses its teacher."""
    table = connection.ops.quote_name(model._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(now)  # as the ORM stores it (SQLite)
    teacher = (", teacher_id = CASE WHEN v.closed THEN NULL ELSE t.teacher_id END, "
               f"school_year = CASE WHEN v.closed THEN t.school_year ELSE {int(to_year)} END"
               if model is SchoolClass else "")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids, names, shut = zip(*rows, strict=True)
            cursor.execute(
                f"UPDATE {table} AS t SET name = v.name, "  # noqa: S608 (table is ours)
                f"closed_at = CASE WHEN v.closed THEN %s ELSE t.closed_at END{teacher} "
                "FROM unnest(%s::bigint[], %s::text[], %s::boolean[]) AS v(id, name, closed) "
                "WHERE t.id = v.id", [now, list(ids), list(names), list(shut)])
            return
        teacher = teacher.replace("v.closed", "%s").replace("t.", "")
        cursor.executemany(
            f"UPDATE {table} SET name = %s, "  # noqa: S608
            f"closed_at = CASE WHEN %s THEN %s ELSE closed_at END{teacher} WHERE id = %s",
            [(name, shut, now, *((shut, shut) if teacher else ()), pk)
             for pk, name, shut in rows])


def _teachers_of(class_ids: list[int]) -> set[int]:
    found = set()
    for chunk in chunks(class_ids):
        found.update(SchoolClass.objects.filter(pk__in=chunk, teacher__isnull=False)
                     .values_list("teacher_id", flat=True))
    return found


def _move_classes_on(to_year: int, now) -> None:
    """Every open class of the schools rolled over now belongs to the new school year (the
    promoted ones moved with their new names: these are the classes on no ladder)."""
    schools = _claimed(to_year, now).values("school_id")
    SchoolClass.objects.filter(school_id__in=schools, closed_at__isnull=True) \
        .exclude(school_year=to_year).update(school_year=to_year)


def _graduate_people(actor: User, to_year: int, now) -> int:
    """The people of the classes this run closed made inactive, each with a history row."""
    closed = SchoolClass.objects.filter(closed_at=now).values("pk")
    graduates = Person.objects.filter(klass_id__in=closed, active=True)
    history_rows_insert(graduates, changes={"active": False}, user=actor, when=now,
                        reason=f"graduated: school year {to_year - 1}-{to_year}")
    return graduates.update(active=False)


def _open_intakes(actor: User, todo: list[SchoolRollover], to_year: int, now) -> None:
    """The intake grades: new units with their classes, with history."""
    grades_ = [(s.school_id, grade, names) for s in todo for grade, names in s.intake]
    if not grades_:
        return
    unit_ids = IdPool(Unit).take_many(len(grades_))
    write_rows(Unit, ("id", "school_id", "name", "kind"),
               [(pk, school, grade, UnitKind.GRADE)
                for pk, (school, grade, _names) in zip(unit_ids, grades_, strict=True)])
    classes = [(school, unit, name) for unit, (school, _grade, names)
               in zip(unit_ids, grades_, strict=True) for name in names]
    class_ids = IdPool(SchoolClass).take_many(len(classes))
    write_rows(SchoolClass, ("id", "school_id", "unit_id", "name", "school_year"),
               [(pk, school, unit, name, to_year)
                for pk, (school, unit, name) in zip(class_ids, classes, strict=True)])
    for model, ids in ((Unit, unit_ids), (SchoolClass, class_ids)):
        _with_history(actor, model, ids, now, "school-year rollover", kind=CREATED)


def _history(actor: User, todo: list[SchoolRollover], to_year: int, now) -> None:
    """A history row for every renamed or closed unit and class."""
    reason = f"school-year rollover to {to_year}-{to_year + 1}"
    for model, names in ((Unit, ("units", "graduated_units")),
                         (SchoolClass, ("classes", "graduated_classes"))):
        ids = [row[0] for s in todo for name in names for row in getattr(s, name)]
        _with_history(actor, model, ids, now, reason)


def _with_history(actor: User, model, ids: list[int], now, reason: str, kind=CHANGED) -> None:
    for rows in pk_in(model.objects.all(), ids):
        history_rows_insert(rows, user=actor, when=now, reason=reason, kind=kind)

