"""The org tree over the API: bureaus, schools, units, classes, dorm rooms, designated
hospitals and their contacts, and the readiness list of schools without a hospital. Reads go
through "orgs.view" (the set-up lists through the permission that keeps them), writes through
apps.orgs.services; out of scope is a 404. Mounted at the API root: /bureaus, /schools,
/units, /classes, /dorm-rooms, /hospitals, /hospital-contacts, /readiness."""

from typing import Annotated

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.orgs import selectors, services
from apps.orgs.models import (
    Boarding,
    Bureau,
    BureauLevel,
    DormRoom,
    Hospital,
    School,
    SchoolKind,
    Unit,
    UnitKind,
)
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
    id: int
    name: str
    role: str
    phone: str


class HospitalOut(Schema):
    id: int
    name: str
    region_code: str
    address: str
    phone: str
    school_count: int | None = None  # counted in lists, not inside a school
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
    active: bool


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
    school_year: int | None
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


# Set-up: writes through apps.orgs.services, each answered with the row as it now reads --------


class OrgBureauIn(Schema):
    name: str
    level: BureauLevel
    region_code: str
    parent_id: Id


class OrgBureauPatch(Schema):
    name: str


def _bureau_out(user, pk: int) -> Bureau:
    return Bureau.objects.restrict(user, VIEW).select_related("region").get(pk=pk)


@router.post("/bureaus", response={201: BureauOut}, summary="Create a city or county bureau")
def bureau_create(request, payload: OrgBureauIn):
    bureau = services.bureau_create(actor=request.user, name=payload.name, level=payload.level,
                                    region_code=payload.region_code, parent=payload.parent_id)
    return Status(201, _bureau_out(request.user, bureau.pk))


@router.patch("/bureaus/{bureau_id}", response=BureauOut, summary="Rename a bureau")
def bureau_update(request, bureau_id: Id, payload: OrgBureauPatch):
    services.bureau_update(actor=request.user, bureau=bureau_id, name=payload.name)
    return _bureau_out(request.user, bureau_id)


class OrgSchoolIn(Schema):
    name: str
    code: str
    kind: SchoolKind
    boarding: Boarding
    region_code: str
    bureau_id: Id
    address: str = ""


class OrgSchoolPatch(Schema):
    name: str | None = None
    code: str | None = None
    kind: SchoolKind | None = None
    boarding: Boarding | None = None
    region_code: str | None = None
    bureau_id: Id | None = None
    address: str | None = None


class OrgReasonIn(Schema):
    reason: str


class OrgSchoolHospitalIn(Schema):
    hospital_id: Id | None


def _school_out(user, pk: int) -> School:
    return School.objects.restrict(user, VIEW).select_related("region").get(pk=pk)


@router.post("/schools", response={201: SchoolOut}, summary="Register a school (bureaus)")
def school_create(request, payload: OrgSchoolIn):
    data = payload.model_dump()
    school = services.school_create(actor=request.user, bureau=data.pop("bureau_id"), **data)
    return Status(201, _school_out(request.user, school.pk))


@router.patch("/schools/{school_id}", response=SchoolOut, summary="Change a school (bureaus)")
def school_update(request, school_id: Id, payload: OrgSchoolPatch):
    data = payload.model_dump(exclude_unset=True)
    services.school_update(actor=request.user, school=school_id,
                           bureau=data.pop("bureau_id", None), **data)
    return _school_out(request.user, school_id)


@router.post("/schools/{school_id}/close", response=SchoolOut,
             summary="Close a school (kept with its people and history; reopen to undo)")
def school_close(request, school_id: Id, payload: OrgReasonIn):
    services.school_close(actor=request.user, school=school_id, reason=payload.reason)
    return _school_out(request.user, school_id)


@router.post("/schools/{school_id}/reopen", response=SchoolOut, summary="Reopen a school")
def school_reopen(request, school_id: Id, payload: OrgReasonIn):
    services.school_reopen(actor=request.user, school=school_id, reason=payload.reason)
    return _school_out(request.user, school_id)


@router.put("/schools/{school_id}/hospital", response=SchoolOut,
            summary="Pair a school with its designated hospital (一校一院), or null to unpair")
def school_hospital(request, school_id: Id, payload: OrgSchoolHospitalIn):
    services.school_set_hospital(actor=request.user, school=school_id,
                                 hospital=payload.hospital_id)
    return _school_out(request.user, school_id)


class OrgUnitIn(Schema):
    name: str
    kind: UnitKind


class OrgUnitPatch(Schema):
    name: str | None = None
    kind: UnitKind | None = None


def _unit_out(user, unit: Unit) -> Unit:
    return selectors.school_units(user=user, school=unit.school_id).get(pk=unit.pk)


@router.post("/schools/{school_id}/units", response={201: UnitOut}, summary="Add a unit")
def unit_create(request, school_id: Id, payload: OrgUnitIn):
    unit = services.unit_create(actor=request.user, school=school_id, **payload.model_dump())
    return Status(201, _unit_out(request.user, unit))


@router.patch("/units/{unit_id}", response=UnitOut, summary="Change a unit")
def unit_update(request, unit_id: Id, payload: OrgUnitPatch):
    unit = services.unit_update(actor=request.user, unit=unit_id,
                                **payload.model_dump(exclude_unset=True))
    return _unit_out(request.user, unit)


class OrgClassIn(Schema):
    name: str
    unit_id: Id
    school_year: Annotated[int, Field(ge=2000, le=2100)] | None = None


class OrgClassPatch(Schema):
    name: str | None = None
    unit_id: Id | None = None
    school_year: Annotated[int, Field(ge=2000, le=2100)] | None = None


@router.post("/schools/{school_id}/classes", response={201: ClassOut},
             summary="Add a class to a grade or college (this school year unless given)")
def class_create(request, school_id: Id, payload: OrgClassIn):
    data = payload.model_dump()
    klass = services.class_create(actor=request.user, school=school_id,
                                  unit=data.pop("unit_id"), **data)
    return Status(201, selectors.class_detail(user=request.user, klass=klass.pk))


@router.patch("/classes/{class_id}", response=ClassOut, summary="Change a class")
def class_update(request, class_id: Id, payload: OrgClassPatch):
    data = payload.model_dump(exclude_unset=True)
    if "unit_id" in data:
        data["unit"] = data.pop("unit_id")
    services.class_update(actor=request.user, klass=class_id, **data)
    return selectors.class_detail(user=request.user, klass=class_id)


class OrgDormRoomIn(Schema):
    building: str
    room: str
    beds: Annotated[int, Field(ge=1, le=40)] = 6


class OrgDormRoomOut(Schema):
    id: int
    school_id: int
    building: str
    room: str
    beds: int


@router.get("/schools/{school_id}/dorm-rooms", response=list[OrgDormRoomOut],
            summary="The school's dorm rooms")
@_pages
def dorm_room_list(request, school_id: Id):
    school = get_object_or_404(School.objects.restrict(request.user, VIEW), pk=school_id)
    return DormRoom.objects.restrict(request.user, VIEW).filter(school=school)


@router.post("/schools/{school_id}/dorm-rooms", response={201: OrgDormRoomOut},
             summary="Add a dorm room")
def dorm_room_create(request, school_id: Id, payload: OrgDormRoomIn):
    return Status(201, services.dorm_room_create(actor=request.user, school=school_id,
                                                 **payload.model_dump()))


@router.put("/dorm-rooms/{dorm_room_id}", response=OrgDormRoomOut, summary="Change a dorm room")
def dorm_room_update(request, dorm_room_id: Id, payload: OrgDormRoomIn):
    return services.dorm_room_update(actor=request.user, dorm_room=dorm_room_id,
                                     **payload.model_dump())


class OrgHospitalIn(Schema):
    name: str
    region_code: str
    address: str = ""
    phone: str


class OrgHospitalPatch(Schema):
    name: str
    address: str = ""
    phone: str


class OrgContactIn(Schema):
    name: str
    role: str
    phone: str


def _hospital_out(user, pk: int, perm: str = VIEW) -> Hospital:
    return get_object_or_404(selectors.hospitals_listed(user=user, perm=perm), pk=pk)


@router.get("/hospitals", response=list[HospitalOut],
            summary="Designated hospitals in the caller's scope, with their contacts")
@_pages
def hospital_list(request):
    return selectors.hospitals_listed(user=request.user)


@router.get("/hospitals/{hospital_id}", response=HospitalOut, summary="A designated hospital")
def hospital_detail(request, hospital_id: Id):
    return _hospital_out(request.user, hospital_id)


@router.post("/hospitals", response={201: HospitalOut},
             summary="Register a designated hospital in the bureau's area")
def hospital_create(request, payload: OrgHospitalIn):
    hospital = services.hospital_create(actor=request.user, **payload.model_dump())
    return Status(201, _hospital_out(request.user, hospital.pk))


@router.patch("/hospitals/{hospital_id}", response=HospitalOut,
              summary="Change a hospital's name, address or emergency phone")
def hospital_update(request, hospital_id: Id, payload: OrgHospitalPatch):
    services.hospital_update(actor=request.user, hospital=hospital_id, **payload.model_dump())
    return _hospital_out(request.user, hospital_id)


@router.post("/hospitals/{hospital_id}/contacts", response={201: ContactOut},
             summary="Add a contact (liaison, department head) to a hospital")
def hospital_contact_add(request, hospital_id: Id, payload: OrgContactIn):
    return Status(201, services.hospital_contact_add(actor=request.user, hospital=hospital_id,
                                                     **payload.model_dump()))


@router.put("/hospital-contacts/{contact_id}", response=ContactOut, summary="Change a contact")
def hospital_contact_update(request, contact_id: Id, payload: OrgContactIn):
    return services.hospital_contact_update(actor=request.user, contact=contact_id,
                                            **payload.model_dump())


@router.delete("/hospital-contacts/{contact_id}", response={204: None},
               summary="Remove a contact (kept in the hospital's history)")
def hospital_contact_remove(request, contact_id: Id):
    services.hospital_contact_remove(actor=request.user, contact=contact_id)
    return Status(204, None)


class OrgReadinessSchoolOut(SchoolOut):
    bureau_name: str

    @staticmethod
    def resolve_bureau_name(obj) -> str:
        return obj.bureau.name


@router.get("/readiness/hospitals", response=list[OrgReadinessSchoolOut],
            summary="Open schools in the caller's register with no designated hospital")
@_pages
def readiness_hospitals(request):
    return selectors.schools_without_hospital(user=request.user)
