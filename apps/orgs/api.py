"""The org tree over the API: bureaus, schools, units, classes; all through "orgs.view",
404 out of scope. Mounted at the API root: /bureaus, /schools, /classes."""

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.orgs import selectors
from apps.orgs.models import Bureau, School, SchoolKind
from apps.regions.selectors import normalize_code

router = Router(tags=["orgs"])
VIEW = selectors.VIEW


class InRegionOut(Schema):
    region_code: str
    region_name: str

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.full_name


class BureauOut(InRegionOut):
    id: int
    name: str
    level: str
    parent_id: int | None


class NodeOut(Schema):
    kind: str
    id: int
    name: str
    level: str
    region_code: str
    person_count: int


class BureauDetailOut(BureauOut):
    children: list[NodeOut]

    @staticmethod
    def resolve_children(obj) -> list[dict]:
        return [vars(node) for node in obj.child_nodes]


class ContactOut(Schema):
    name: str
    role: str
    phone: str


class HospitalOut(Schema):
    id: int
    name: str
    region_code: str
    address: str
    phone: str
    contacts: list[ContactOut]

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_contacts(obj) -> list:
        return list(obj.contacts.all())


class SchoolOut(InRegionOut):
    id: int
    name: str
    code: str
    kind: str
    boarding: str
    bureau_id: int
    address: str
    hospital_id: int | None


class SchoolDetailOut(SchoolOut):
    person_count: int
    hospital: HospitalOut | None


class UnitOut(Schema):
    id: int
    school_id: int
    name: str
    kind: str
    person_count: int


class ClassOut(Schema):
    id: int
    school_id: int
    unit_id: int
    unit_name: str
    name: str
    teacher_id: int | None
    teacher_name: str
    person_count: int

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_teacher_name(obj) -> str:
        return str(obj.teacher) if obj.teacher else ""


def _pages(view):
    return paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)(view)


@router.get("/bureaus", response=list[BureauOut], summary="Bureaus in the caller's scope")
@_pages
def bureau_list(request):
    bureaus = Bureau.objects.restrict(request.user, VIEW).select_related("region")
    return bureaus.order_by("region_id")


@router.get("/bureaus/{bureau_id}", response=BureauDetailOut, summary="A bureau and its children")
def bureau_detail(request, bureau_id: Id):
    bureau = get_object_or_404(Bureau.objects.restrict(request.user, VIEW).select_related("region"),
                               pk=bureau_id)
    # `children` is the sub-bureaus' reverse relation; the nodes ride beside it.
    bureau.child_nodes = selectors.bureau_children(user=request.user, bureau=bureau)
    return bureau


@router.get("/schools", response=list[SchoolOut], summary="Schools in the caller's scope")
@_pages
def school_list(request, bureau: Id | None = None, county_code: str | None = None,
                kind: SchoolKind | None = None, q: str | None = None):
    schools = School.objects.restrict(request.user, VIEW).select_related("region")
    if bureau is not None:
        schools = schools.filter(bureau_id=bureau)
    if county_code:
        schools = schools.filter(county_code=normalize_code(county_code) or county_code)
    if kind:
        schools = schools.filter(kind=kind)
    if q:
        schools = schools.filter(Q(name__contains=q.strip()) | Q(code=q.strip()))
    return schools.order_by("county_code", "name")


@router.get("/schools/{school_id}", response=SchoolDetailOut,
            summary="A school with its designated hospital and the hospital's contacts")
def school_detail(request, school_id: Id):
    schools = (School.objects.restrict(request.user, VIEW)
               .select_related("region", "hospital").prefetch_related("hospital__contacts")
               .annotate(person_count=selectors.persons_count(request.user, "school_id")))
    return get_object_or_404(schools, pk=school_id)


@router.get("/schools/{school_id}/units", response=list[UnitOut], summary="The school's units")
@_pages
def school_units(request, school_id: Id):
    return selectors.school_units(user=request.user, school=school_id)


@router.get("/schools/{school_id}/classes", response=list[ClassOut],
            summary="The school's classes the caller can see")
@_pages
def school_classes(request, school_id: Id):
    return selectors.school_classes(user=request.user, school=school_id)


@router.get("/classes/{class_id}", response=ClassOut, summary="One class")
def class_detail(request, class_id: Id):
    return selectors.class_detail(user=request.user, klass=class_id)
