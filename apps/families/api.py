"""Guardians' binding endpoints (/families): issuing a class's codes, a guardian's sign-up (no
sign-in: the code is the credential, under the lockout) and binding of another child, the
pending requests with confirm and reject, and a guardian's edits of a child's household.
Phone numbers are masked in every answer."""

from datetime import datetime

from django.conf import settings
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.core.identity import mask_phone
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.families import selectors, services
from apps.families.models import BindingRequest
from apps.people.models import HouseholdMember

router = Router(tags=["families"])


class FamilyCodesIn(Schema):
    klass_id: Id | None = Field(None, description="a class; or unit_id for a whole unit")
    unit_id: Id | None = None


class FamilyCodeOut(Schema):
    person_id: int
    person_name: str
    klass_name: str
    code: str = Field(description="shown once: only its hash is kept")
    expires_at: datetime


class FamilyBindIn(Schema):
    code: str = Field(max_length=40)
    relation: str = Field(max_length=20)
    consent: bool = Field(False, description="required when the child is under 14")


class FamilySignUpIn(FamilyBindIn):
    phone: str = Field(max_length=20, description="the guardian signs in with it")
    name: str = Field(max_length=50)
    password: str = Field(max_length=128)


class FamilyBindingOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(alias="person.name")
    guardian: str
    guardian_phone_masked: str
    relation: str
    state: str
    consent_at: datetime | None
    created_at: datetime
    decided_at: datetime | None
    reason: str

    @staticmethod
    def resolve_guardian(obj: BindingRequest) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_guardian_phone_masked(obj: BindingRequest) -> str:
        return mask_phone(obj.user.phone) if obj.user.phone else ""


class FamilyRejectIn(Schema):
    reason: str = Field(max_length=200)


class FamilyHouseholdIn(Schema):
    name: str = Field(max_length=50)
    relation: str = Field(max_length=20)
    phone: str = Field("", max_length=20)
    occupation: str = Field("", max_length=50)
    residence_region_code: str | None = Field(None, max_length=6)


class FamilyHouseholdPatch(Schema):
    name: str | None = Field(None, max_length=50)
    relation: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=20)
    occupation: str | None = Field(None, max_length=50)
    residence_region_code: str | None = Field(None, max_length=6)


class FamilyHouseholdOut(Schema):
    id: int
    person_id: int
    name: str
    relation: str
    phone_masked: str
    occupation: str
    residence_region_code: str | None = Field(None, alias="residence_region_id")

    @staticmethod
    def resolve_phone_masked(obj: HouseholdMember) -> str:
        return mask_phone(obj.phone) if obj.phone else ""


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@router.post("/codes", response={201: list[FamilyCodeOut]},
             summary="New binding codes for every student of a class or unit (old ones void)")
def codes_issue(request, payload: FamilyCodesIn):
    issued = services.binding_codes_issue(actor=request.user, klass_id=payload.klass_id,
                                          unit_id=payload.unit_id)
    return Status(201, [{"person_id": i.person.pk, "person_name": i.person.name,
                         "klass_name": i.person.klass.name if i.person.klass_id else "",
                         "code": i.code, "expires_at": i.expires_at} for i in issued])


@router.post("/signup", auth=None, response={201: FamilyBindingOut},
             summary="A guardian signs up with a binding code (no sign-in; rate-limited)")
def signup(request, payload: FamilySignUpIn):
    binding = services.guardian_sign_up(
        code=payload.code, phone=payload.phone, name=payload.name, relation=payload.relation,
        password=payload.password, consent=payload.consent, ip=_ip(request))
    return Status(201, binding)


@router.post("/bindings", response={201: FamilyBindingOut},
             summary="A signed-in guardian asks to be linked to another child")
def bindings_create(request, payload: FamilyBindIn):
    binding = services.guardian_bind(actor=request.user, code=payload.code,
                                     relation=payload.relation, consent=payload.consent,
                                     ip=_ip(request))
    return Status(201, binding)


@router.get("/bindings", response=list[FamilyBindingOut],
            summary="Requests waiting for my confirmation")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def bindings_pending(request):
    return selectors.pending_requests(user=request.user)


@router.get("/bindings/mine", response=list[FamilyBindingOut],
            summary="My own requests (the latest 50: a guardian makes a handful)")
def bindings_mine(request):
    return list(selectors.my_requests(user=request.user).select_related("user")[:50])


@router.post("/bindings/{binding_id}/confirm", response=FamilyBindingOut,
             summary="Link the guardian to the child")
def bindings_confirm(request, binding_id: Id):
    return services.binding_confirm(actor=request.user, binding_id=binding_id)


@router.post("/bindings/{binding_id}/reject", response=FamilyBindingOut,
             summary="Refuse a request, with a reason the guardian is told")
def bindings_reject(request, binding_id: Id, payload: FamilyRejectIn):
    return services.binding_reject(actor=request.user, binding_id=binding_id,
                                   reason=payload.reason)


@router.post("/persons/{person_id}/household", response={201: FamilyHouseholdOut},
             summary="Add a co-resident to a child's household (the class teacher is told)")
def household_add(request, person_id: Id, payload: FamilyHouseholdIn):
    member = services.household_member_add(actor=request.user, person_id=person_id,
                                           **payload.model_dump())
    return Status(201, member)


@router.patch("/household/{household_member_id}", response=FamilyHouseholdOut,
              summary="Change a co-resident (the class teacher is told)")
def household_update(request, household_member_id: Id, payload: FamilyHouseholdPatch):
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items()
               if v is not None or k == "residence_region_code"}
    return services.household_member_update(actor=request.user, member_id=household_member_id,
                                            **changes)


@router.delete("/household/{household_member_id}", response={204: None},
               summary="Remove a co-resident (the class teacher is told)")
def household_remove(request, household_member_id: Id):
    services.household_member_remove(actor=request.user, member_id=household_member_id)
    return Status(204, None)
