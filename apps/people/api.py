"""People endpoints (/persons). Documents are masked in every response except the
reveal endpoint, which needs a reason and is recorded; no schema carries the ciphertext or
the keyed hash."""

from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from apps.core.errors import FieldError, ValidationFailed
from apps.core.identity import mask_phone
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.orgs.models import DormRoom, School, SchoolClass, Unit
from apps.people import codes, selectors, services
from apps.people.models import Guardianship, HouseholdMember, Person

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    school_id: int
    school_name: str = Field(..., alias="school.name")
    kind: str
    number: str
    name: str
    sex: str
    birth_date: date
    doc_type: str
    doc_masked: str
    phone_masked: str
    unit_id: int | None
    unit_name: str | None
    klass_id: int | None
    klass_name: str | None
    residence: str
    active: bool

    @staticmethod
    def resolve_phone_masked(obj: Person) -> str:
        return mask_phone(obj.phone) if obj.phone else ""

    @staticmethod
    def resolve_unit_name(obj: Person) -> str | None:
        return obj.unit.name if obj.unit_id else None

    @staticmethod
    def resolve_klass_name(obj: Person) -> str | None:
        return obj.klass.name if obj.klass_id else None


class PersonDetailOut(PersonOut):
    phone: str = Field(description="in full for those who must call (people.call), masked "
                                   "for others")
    residence_region_code: str | None = Field(None, alias="residence_region_id")
    address: str
    dorm_room_id: int | None
    dorm_room: str | None
    teaches_class_id: int | None = Field(None, description="a staff member's class, as its "
                                                           "class teacher")
    teaches_class_name: str | None = None

    @staticmethod
    def resolve_teaches_class_name(obj: Person) -> str | None:
        return obj.teaches_class.name if obj.teaches_class_id else None

    @staticmethod
    def resolve_phone(obj: Person, context) -> str:
        return selectors.phone_for(user=context["request"].user, person=obj, phone=obj.phone)

    @staticmethod
    def resolve_dorm_room(obj: Person) -> str | None:
        return str(obj.dorm_room) if obj.dorm_room_id else None


class PersonFilters(Schema):
    q: str = ""
    school: Id | None = None
    unit: Id | None = None
    klass: Id | None = None
    kind: str | None = None
    residence: str | None = None


class PersonIn(Schema):
    school_id: Id
    kind: str
    number: str
    name: str
    sex: str | None = None
    birth_date: date | None = None
    doc_type: str
    doc_number: str
    phone: str = ""
    residence_region_code: str | None = None
    address: str = ""
    unit_id: Id | None = None
    klass_id: Id | None = None
    residence: str = "day"
    dorm_room_id: Id | None = None
    teaches_class_id: Id | None = Field(None, description="staff only: the class they are "
                                                          "the class teacher of")


class PersonPatch(Schema):
    kind: str | None = None
    number: str | None = None
    name: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    doc_type: str | None = None
    doc_number: str | None = None
    phone: str | None = None
    residence_region_code: str | None = None
    address: str | None = None
    unit_id: Id | None = None
    klass_id: Id | None = None
    residence: str | None = None
    dorm_room_id: Id | None = None
    teaches_class_id: Id | None = None
    active: bool | None = None


class RevealIn(Schema):
    reason: str


class RevealOut(Schema):
    doc_type: str
    doc_number: str


class CodeOut(Schema):
    code: str
    valid_on: date
    svg: str


class HouseholdMemberOut(Schema):
    id: int
    name: str
    relation: str
    phone: str
    occupation: str
    residence_region_code: str | None = Field(None, alias="residence_region_id")


class GuardianOut(Schema):
    id: int
    user_id: int
    display_name: str
    relation: str
    consent_at: str | None

    @staticmethod
    def resolve_display_name(obj: Guardianship) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_consent_at(obj: Guardianship) -> str | None:
        return obj.consent_at.isoformat() if obj.consent_at else None


CLEARABLE = {"residence_region_code", "unit_id", "klass_id", "dorm_room_id", "birth_date", "sex",
             "teaches_class_id"}

# Ids in a request body become objects of the person's school; an id that names nothing
# there is a field error, the same whether it names nothing at all or another school's
# object (no way to learn what other schools have).
CHANGE = "people.change"
REFERENCES = {
    "unit_id": ("unit", Unit),
    "klass_id": ("klass", SchoolClass),
    "dorm_room_id": ("dorm_room", DormRoom),
    "teaches_class_id": ("teaches_class", SchoolClass),
}


def _objects(data: dict, *, user, school_id: int) -> dict:
    """The rows the ids name, read through the actor's scope: a unit, class or room outside it
    is "not found", exactly like an id nothing has (tests/scope)."""
    errors, values = [], {}
    for key, value in data.items():
        if key not in REFERENCES:
            values[key] = value
            continue
        field, model = REFERENCES[key]
        values[field] = (model.objects.restrict(user, CHANGE)
                         .filter(pk=value, school_id=school_id).first()
                         if value is not None else None)
        if value is not None and values[field] is None:
            errors.append(FieldError(key, "not_found", _("Nothing has this id.")))
    if errors:
        raise ValidationFailed(errors)
    return values


@router.get("/persons", response=list[PersonOut], summary="People in my scope")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def persons_list(request, filters: Query[PersonFilters]):
    return selectors.person_list(
        user=request.user,
        q=filters.q,
        school_id=filters.school,
        unit_id=filters.unit,
        klass_id=filters.klass,
        kind=filters.kind,
        residence=filters.residence,
    )


@router.get(
    "/persons/{person_id}", response=PersonDetailOut, summary="One person (document masked)"
)
def persons_get(request, person_id: Id):
    return selectors.person_get(user=request.user, pk=person_id)


@router.post("/persons", response={201: PersonDetailOut}, summary="Add a student or staff member")
def persons_create(request, payload: PersonIn):
    data = payload.model_dump()
    school = School.objects.restrict(request.user, CHANGE).filter(pk=data.pop("school_id")).first()
    if school is None:
        raise ValidationFailed([FieldError("school_id", "not_found", _("Nothing has this id."))])
    data = _objects(data, user=request.user, school_id=school.pk)
    person = services.person_create(actor=request.user, school=school, **data)
    return Status(201, selectors.person_get(user=request.user, pk=person.pk))


@router.patch("/persons/{person_id}", response=PersonDetailOut, summary="Change a person")
def persons_update(request, person_id: Id, payload: PersonPatch):
    person = selectors.person_get(user=request.user, pk=person_id)
    sent = payload.model_dump(exclude_unset=True)
    # null clears only what may be empty; for the rest it means "leave as is"
    changes = _objects({k: v for k, v in sent.items() if v is not None or k in CLEARABLE},
                       user=request.user, school_id=person.school_id)
    services.person_update(actor=request.user, person=person, **changes)
    return selectors.person_get(user=request.user, pk=person_id)


@router.post(
    "/persons/{person_id}/reveal-document",
    response=RevealOut,
    summary="The full document number, with a reason; the view is recorded",
)
def persons_reveal_document(request, person_id: Id, payload: RevealIn):
    person = selectors.person_get(user=request.user, pk=person_id, perm="people.reveal_id")
    number = services.person_reveal_document(
        actor=request.user, person=person, reason=payload.reason, ip=request.META.get("REMOTE_ADDR")
    )
    return {"doc_type": person.doc_type, "doc_number": number}


@router.get(
    "/persons/{person_id}/code",
    response=CodeOut,
    summary="Today's personal code for gate and sampling scans, with its QR code",
)
def persons_code(request, person_id: Id):
    person = selectors.person_get_for_code(user=request.user, pk=person_id)
    day = timezone.localdate()
    code = codes.personal_code_issue(person=person, day=day)
    return {"code": code, "valid_on": day, "svg": codes.personal_code_svg(code)}


@router.get(
    "/persons/{person_id}/household",
    response=list[HouseholdMemberOut],
    summary="Co-residents of a day student",
)
def persons_household(request, person_id: Id) -> list[HouseholdMember]:
    person = selectors.person_get(user=request.user, pk=person_id)
    return list(selectors.person_household(user=request.user, person=person))


@router.get(
    "/persons/{person_id}/guardians", response=list[GuardianOut], summary="A child's guardians"
)
def persons_guardians(request, person_id: Id) -> list[Guardianship]:
    person = selectors.person_get(user=request.user, pk=person_id)
    return list(selectors.person_guardians(user=request.user, person=person))
