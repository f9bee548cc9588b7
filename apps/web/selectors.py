"""Reads the pages need beyond one app's selectors: the dashboard figures, the org tree's
rows. Every query goes through the scoped layer and counts with one GROUP BY, never one
query per row."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Q
from django.http import Http404
from django.utils.translation import gettext as _

from apps.access.grants import grants_for
from apps.orgs import selectors as orgs_selectors
from apps.orgs.models import BureauLevel, School, SchoolClass, SchoolKind, Unit
from apps.people.models import Person, PersonKind, RegionHeadcount, SchoolHeadcount
from apps.policy.presenters import param_title
from apps.policy.selectors import instructions_for_school
from apps.regions.models import Region
from apps.schoolyear.grades import grade_order

# What the dashboard's second chart groups by, under a bureau of each level: the level below.
_CHART_LEVEL = {"province": "city", "city": "county", "county": "school"}
CHART_SCHOOLS = 20  # a county chart shows its largest schools


def _people(user):
    return Person.objects.restrict(user, "people.view").filter(active=True)


def person_totals(qs) -> dict[str, int]:
    return qs.aggregate(
        students=Count("pk", filter=Q(kind=PersonKind.STUDENT)),
        staff=Count("pk", filter=Q(kind=PersonKind.STAFF)),
    )


@dataclass
class RegionDashboard:
    schools: int
    classes: int
    students: int
    staff: int
    by_kind: list[tuple[str, int]]
    by_area: list[tuple[str, int]]
    area_title: str
    counted_at: datetime | None = None  # the oldest count the figures sum


def _broadest_region_level(user) -> str:
    levels = [g.region_level for g in grants_for(user) if g.level == "region"]
    for level in ("province", "city", "county"):
        if level in levels:
            return level
    return "county"


def region_nodes(user) -> list[tuple[str, str]]:
    """(level, code) of the regions the user sees people in, leaving out any inside another
    one of them (a province admin who also holds a county counts the province once)."""
    nodes = {(g.region_level, g.region_code) for g in grants_for(user)
             if g.level == "region" and "people.view" in g.permissions}
    prefix = {"province": 2, "city": 4, "county": 6}
    return sorted((level, code) for level, code in nodes if not any(
        (other_level, other) != (level, code) and prefix[other_level] < prefix[level]
        and code.startswith(other[:prefix[other_level]]) for other_level, other in nodes))


def _headcount_rows(user, nodes, level_of) -> list:
    """The user's region headcount rows at `level_of(node level)` within each node."""
    if not nodes:
        return []
    query = Q()
    for level, code in nodes:
        query |= Q(level=level_of(level), **{f"{level}_code": code})
    return list(RegionHeadcount.objects.restrict(user, "people.view").filter(query))


def persons_by_school_kind(rows) -> list[tuple[str, int]]:
    labels = dict(SchoolKind.choices)
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.school_kind] = totals.get(row.school_kind, 0) + row.students + row.staff
    return [(str(labels.get(kind, kind)), n)
            for kind, n in sorted(totals.items(), key=lambda kv: -kv[1])]


def persons_by_area(user, nodes) -> list[tuple[str, int]]:
    """Persons per city (province admin), county (city bureau) or largest school (county),
    from the county rows (a county outside any city shows as "—") or the schools' rows."""
    level = _CHART_LEVEL[_broadest_region_level(user)]
    if level == "school":
        largest = (SchoolHeadcount.objects.restrict(user, "people.view")
                   .annotate(persons=F("students") + F("staff")).filter(persons__gt=0)
                   .order_by("-persons").values_list("school__name", "persons")[:CHART_SCHOOLS])
        return list(largest)
    totals: dict[str, int] = {}
    for row in _headcount_rows(user, nodes, lambda _level: "county"):
        key = getattr(row, f"{level}_code") or (row.code if level == "county" else "")
        totals[key] = totals.get(key, 0) + row.students + row.staff
    names = dict(Region.objects.filter(code__in=totals).values_list("code", "name"))
    return [(names.get(code, code or "—"), totals[code]) for code in sorted(totals)]


def area_title(user) -> str:
    level = _CHART_LEVEL[_broadest_region_level(user)]
    return {
        "city": _("Persons by city"),
        "county": _("Persons by county"),
        "school": _("Persons in the largest schools"),
    }[level]


def region_dashboard(*, user) -> RegionDashboard:
    """The region's figures from its headcount rows (apps.people.headcounts): a few hundred
    rows at most, the same at 1 or 30 million people."""
    nodes = region_nodes(user)
    rows = _headcount_rows(user, nodes, lambda level: level)
    return RegionDashboard(
        schools=sum(r.schools for r in rows),
        classes=sum(r.classes for r in rows),
        students=sum(r.students for r in rows),
        staff=sum(r.staff for r in rows),
        by_kind=persons_by_school_kind(rows),
        by_area=persons_by_area(user, nodes),
        area_title=area_title(user),
        counted_at=min((r.counted_at for r in rows), default=None),
    )


@dataclass
class UnitRow:
    unit: Unit
    classes: int
    persons: int


@dataclass
class SchoolPanel:
    school: School
    units: list[UnitRow]
    classes: int
    students: int
    staff: int
    # what the school's policy instructs while in force: [{"name", "title"}]
    instructions: list = field(default_factory=list)


def school_panel(*, user, school: School, unit_ids: tuple[int, ...] = ()) -> SchoolPanel:
    """A school (or, for a unit lead, their units of it) with its units' class and person
    counts: three grouped queries whatever the size of the school."""
    units = Unit.objects.restrict(user, "orgs.view").open().filter(school=school)
    if unit_ids:
        units = units.filter(pk__in=unit_ids)
    units = sorted(units, key=lambda u: grade_order(u.name))
    ids = [u.pk for u in units]
    class_counts = dict(
        SchoolClass.objects.restrict(user, "orgs.view").open()
        .filter(school=school, unit_id__in=ids)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    people = _people(user).filter(school=school)
    if unit_ids:
        people = people.filter(unit_id__in=unit_ids)
    person_counts = dict(people.values_list("unit_id").annotate(n=Count("pk")).order_by())
    totals = person_totals(people)
    return SchoolPanel(
        school=school,
        units=[UnitRow(u, class_counts.get(u.pk, 0), person_counts.get(u.pk, 0)) for u in units],
        classes=sum(class_counts.values()),
        students=totals["students"],
        staff=totals["staff"],
        instructions=[{"name": spec.name, "title": param_title(spec)}
                      for spec in instructions_for_school(school)],
    )


def class_roster(*, user, klass: SchoolClass):
    return _people(user).filter(school_id=klass.school_id, klass=klass).order_by("number")


# ---- org tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class TreeNode:
    """One row of the tree browser, whatever its kind (apps.orgs.selectors does the reading)."""

    kind: str  # bureau | school | unit | klass
    pk: int
    name: str
    detail: str  # bureau level, school kind, unit kind
    persons: int
    school_id: int | None = None
    unit_id: int | None = None

    @property
    def expandable(self) -> bool:
        return self.kind != "klass"


def _org_nodes(nodes) -> list[TreeNode]:
    labels = {"bureau": dict(BureauLevel.choices), "school": dict(SchoolKind.choices)}
    return [
        TreeNode(
            n.kind,
            n.id,
            n.name,
            str(labels[n.kind].get(n.level, n.level)),
            n.person_count,
            school_id=n.id if n.kind == "school" else None,
        )
        for n in nodes
    ]


def tree_roots(*, user) -> list[TreeNode]:
    return _org_nodes(orgs_selectors.org_tree_roots(user=user))


def tree_children(*, user, kind: str, pk: int) -> list[TreeNode]:
    """The nodes under one node; Http404 when that node is out of scope (or no such kind)."""
    if kind == "bureau":
        return _org_nodes(orgs_selectors.bureau_children(user=user, bureau=pk))
    if kind == "school":
        return [
            TreeNode(
                "unit",
                u.pk,
                u.name,
                u.get_kind_display(),
                u.person_count,
                school_id=u.school_id,
                unit_id=u.pk,
            )
            for u in orgs_selectors.school_units(user=user, school=pk)
        ]
    if kind == "unit":
        return [
            TreeNode(
                "klass",
                c.pk,
                c.name,
                str(_("Class")),
                c.person_count,
                school_id=c.school_id,
                unit_id=c.unit_id,
            )
            for c in orgs_selectors.unit_classes(user=user, unit=pk)
        ]
    raise Http404(kind)
