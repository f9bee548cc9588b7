"""Reads of the org tree, always through the scope layer, with person counts per node.

Counts are of the active people the user may see ("people.view"), so a number never tells
a user more than the list behind it would; each count is one grouped query or a correlated
subquery, never a query per row.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from apps.orgs.models import Bureau, DormRoom, Hospital, HospitalContact, School, SchoolClass, Unit

VIEW = "orgs.view"
CHANGE, SCHOOLS = "orgs.change", "orgs.schools"
BUREAUS, HOSPITALS = "orgs.bureaus", "orgs.hospitals"


@dataclass(frozen=True)
class OrgNode:
    """A bureau or a school as a node of the tree browser."""

    kind: str  # "bureau" | "school"
    id: int
    name: str
    level: str  # the bureau level, or the school kind
    region_code: str
    person_count: int


def visible_persons(user) -> QuerySet:
    # People hang on the org tree (their keys point here), so orgs names the Person model
    # lazily, as a string foreign key would: orgs imports no people module.
    person = apps.get_model("people", "Person")
    return person.objects.restrict(user, "people.view").filter(active=True)


def persons_count(user, field: str) -> Coalesce:
    """An annotation: the visible active persons whose `field` is the row's pk."""
    counted = (visible_persons(user).filter(**{field: OuterRef("pk")}).order_by()
               .values(field).annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _headcounts_by(user, field: str, values) -> dict:
    """Active people per value of the school's `field`, summed from the schools' headcounts
    (apps.people.headcounts): a province's cities cost one row a school, not a person.
    The headcounts answer only grants that see whole schools, as a bureau's do."""
    headcount = apps.get_model("people", "SchoolHeadcount")
    rows = (headcount.objects.restrict(user, "people.view")
            .filter(**{f"school__{field}__in": list(values)}).order_by()
            .values(f"school__{field}").annotate(n=Sum(F("students") + F("staff")))
            .values_list(f"school__{field}", "n"))
    return dict(rows)


def _bureau_nodes(user, bureaus: list[Bureau]) -> list[OrgNode]:
    counts: dict[str, int] = {}
    for level in {b.level for b in bureaus}:  # at most three grouped queries
        codes = [getattr(b, f"{level}_code") for b in bureaus if b.level == level]
        counts.update(_headcounts_by(user, f"{level}_code", codes))
    return [OrgNode("bureau", b.pk, b.name, b.level, b.region_id,
                    counts.get(getattr(b, f"{b.level}_code"), 0)) for b in bureaus]


def _school_nodes(user, schools: QuerySet[School]) -> list[OrgNode]:
    return [OrgNode("school", s.pk, s.name, s.kind, s.region_id, s.person_count)
            for s in schools.annotate(person_count=persons_count(user, "school_id"))]


def org_tree_roots(*, user) -> list[OrgNode]:
    """The top nodes the user can see: visible bureaus whose parent is not visible, then
    visible schools whose bureau is not visible (a school admin's or teacher's school)."""
    bureaus = Bureau.objects.restrict(user, VIEW)
    top = list(bureaus.exclude(parent__in=bureaus.values("pk")).order_by("region_id"))
    schools = School.objects.restrict(user, VIEW).exclude(bureau__in=bureaus.values("pk"))
    return _bureau_nodes(user, top) + _school_nodes(user, schools.order_by("county_code", "name"))


def bureau_children(*, user, bureau: Bureau | int) -> list[OrgNode]:
    """A bureau's sub-bureaus and its own schools; Http404 if the bureau is out of scope."""
    bureaus = Bureau.objects.restrict(user, VIEW)
    parent = bureaus.filter(pk=getattr(bureau, "pk", bureau)).first()
    if parent is None:
        raise Http404
    subs = list(bureaus.filter(parent=parent).order_by("region_id"))
    schools = School.objects.restrict(user, VIEW).filter(bureau=parent).order_by("name")
    return _bureau_nodes(user, subs) + _school_nodes(user, schools)


def school_units(*, user, school: School | int) -> QuerySet[Unit]:
    """The school's units the user can see, each with `person_count`."""
    found = School.objects.restrict(user, VIEW).filter(pk=getattr(school, "pk", school)).first()
    if found is None:
        raise Http404
    return (Unit.objects.restrict(user, VIEW).open().filter(school=found)
            .annotate(person_count=persons_count(user, "unit_id")).order_by("name"))


def school_classes(*, user, school: School | int) -> QuerySet[SchoolClass]:
    """The school's classes the user can see (a class teacher: their own), with counts."""
    found = School.objects.restrict(user, VIEW).filter(pk=getattr(school, "pk", school)).first()
    if found is None:
        raise Http404
    return _classes(user).filter(school=found)


def unit_classes(*, user, unit: Unit | int) -> QuerySet[SchoolClass]:
    """The unit's classes the user can see, each with `person_count`."""
    found = Unit.objects.restrict(user, VIEW).filter(pk=getattr(unit, "pk", unit)).first()
    if found is None:
        raise Http404
    return _classes(user).filter(school_id=found.school_id, unit=found)


def _classes(user) -> QuerySet[SchoolClass]:
    return (SchoolClass.objects.restrict(user, VIEW).open().select_related("unit", "teacher")
            .annotate(person_count=persons_count(user, "klass_id")).order_by("unit__name", "name"))


def class_detail(*, user, klass: SchoolClass | int) -> SchoolClass:
    found = _classes(user).select_related("school").filter(pk=getattr(klass, "pk", klass)).first()
    if found is None:
        raise Http404
    return found


# The set-up pages: each list is what the user may change, each row re-read in scope ---------


def get_in_scope(model, *, user, pk: int, perm: str = CHANGE):
    """One row the user holds `perm` on; Http404 otherwise, as if there were none."""
    return get_object_or_404(model.objects.restrict(user, perm), pk=pk)


def bureaus_managed(*, user, perm: str = BUREAUS) -> QuerySet[Bureau]:
    return (Bureau.objects.restrict(user, perm).select_related("region", "parent")
            .annotate(school_count=Count("schools")).order_by("region_id"))


def schools_managed(*, user, q: str = "", bureau: int | None = None,
                    closed: bool = False) -> QuerySet[School]:
    """The schools whose set-up the user keeps (a school admin: its own), open ones unless
    `closed`."""
    schools = (School.objects.restrict(user, CHANGE).filter(active=not closed)
               .select_related("bureau", "region", "hospital"))
    if bureau:
        schools = schools.filter(bureau_id=bureau)
    if q.strip():
        schools = schools.filter(Q(name__contains=q.strip()) | Q(code=q.strip()))
    return schools.order_by("county_code", "name")


def school_structure(*, user, school: School) -> dict:
    """The school's units (with their classes counted), classes and dorm rooms (with their
    boarders counted): a fixed number of queries."""
    rooms = DormRoom.objects.restrict(user, CHANGE).filter(school=school)
    boarders = visible_persons(user).filter(dorm_room=OuterRef("pk")).order_by().values(
        "dorm_room").annotate(n=Count("pk")).values("n")
    return {
        "units": list(Unit.objects.restrict(user, CHANGE).open().filter(school=school)
                      .annotate(class_count=Count("classes")).order_by("kind", "name")),
        "classes": list(SchoolClass.objects.restrict(user, CHANGE).open().filter(school=school)
                        .select_related("unit", "teacher").order_by("unit__name", "name")),
        "rooms": list(rooms.annotate(boarders=Coalesce(
            Subquery(boarders, output_field=IntegerField()), Value(0)))),
    }


def schools_without_hospital(*, user) -> QuerySet[School]:
    """The readiness list (一校一院): open schools in the user's register that have no
    designated hospital."""
    return (School.objects.restrict(user, SCHOOLS).filter(active=True, hospital__isnull=True)
            .select_related("bureau", "region").order_by("county_code", "name"))


def readiness_counts(*, user) -> dict:
    schools = School.objects.restrict(user, SCHOOLS).filter(active=True)
    return schools.aggregate(total=Count("pk"), missing=Count("pk", filter=Q(
        hospital__isnull=True)))


def hospitals_listed(*, user, perm: str = VIEW) -> QuerySet[Hospital]:
    # Counted in a subquery: a count through the join would multiply with the contacts.
    paired = School.objects.filter(hospital=OuterRef("pk"), active=True).order_by().values(
        "hospital").annotate(n=Count("pk")).values("n")
    return (Hospital.objects.restrict(user, perm).select_related("region")
            .prefetch_related("contacts")
            .annotate(school_count=Coalesce(Subquery(paired, output_field=IntegerField()),
                                            Value(0))).order_by("region_id", "name"))


def hospital_schools(*, user, hospital: Hospital) -> QuerySet[School]:
    """The schools paired with the hospital that the user may see."""
    return (School.objects.restrict(user, VIEW).filter(hospital=hospital)
            .select_related("bureau").order_by("county_code", "name"))


def hospital_contacts(*, user, hospital: Hospital) -> QuerySet[HospitalContact]:
    return HospitalContact.objects.restrict(user, VIEW).filter(hospital=hospital)
