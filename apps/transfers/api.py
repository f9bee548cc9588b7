"""Transfers over the API (/transfers): the sending school requests, the receiving school
accepts into a class or refuses, the sender cancels; both schools (and the bureaus above
them) list the transfers that touch them."""

from datetime import datetime

from django.conf import settings
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.transfers import selectors, services
from apps.transfers.models import TransferState

router = Router(tags=["transfers"])


class TransferIn(Schema):
    person_id: Id = Field(description="a student of the caller's school")
    to_school_id: Id = Field(description="another school of the province")
    reason: str = Field("", max_length=200)


class TransferAcceptIn(Schema):
    to_class_id: Id = Field(description="an open class of the receiving school")
    number: str = Field("", max_length=32,
                        description="the student number there (default: the one they have)")


class TransferRefuseIn(Schema):
    reason: str = Field(max_length=200)


class TransferCancelIn(Schema):
    reason: str = Field("", max_length=200)


class TransferOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(alias="person.name")
    from_school_id: int
    from_school_name: str = Field(alias="from_school.name")
    from_class_name: str
    to_school_id: int
    to_school_name: str = Field(alias="to_school.name")
    to_class_id: int | None
    to_class_name: str
    state: str
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    decision_reason: str

    @staticmethod
    def resolve_from_class_name(obj) -> str:
        return obj.from_class.name if obj.from_class_id else ""

    @staticmethod
    def resolve_to_class_name(obj) -> str:
        return obj.to_class.name if obj.to_class_id else ""


@router.get("", response=list[TransferOut],
            summary="Transfers touching the caller's schools (sending or receiving)")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def transfers_list(request, state: TransferState | None = None, school_id: Id | None = None):
    return selectors.transfer_list(user=request.user, state=state or "", school_id=school_id)


@router.post("", response={201: TransferOut},
             summary="Ask another school of the province to take one of your students")
def transfers_request(request, payload: TransferIn):
    transfer = services.transfer_request(actor=request.user, person_id=payload.person_id,
                                         to_school_id=payload.to_school_id,
                                         reason=payload.reason)
    return Status(201, selectors.transfer_get(user=request.user, pk=transfer.pk))


@router.get("/{transfer_id}", response=TransferOut, summary="One transfer")
def transfers_get(request, transfer_id: Id):
    return selectors.transfer_get(user=request.user, pk=transfer_id)


@router.post("/{transfer_id}/accept", response=TransferOut,
             summary="The receiving school takes the student into a class (again: no change)")
def transfers_accept(request, transfer_id: Id, payload: TransferAcceptIn):
    services.transfer_accept(actor=request.user, transfer_id=transfer_id,
                             to_class_id=payload.to_class_id, number=payload.number)
    return selectors.transfer_get(user=request.user, pk=transfer_id)


@router.post("/{transfer_id}/refuse", response=TransferOut,
             summary="The receiving school refuses, with a reason")
def transfers_refuse(request, transfer_id: Id, payload: TransferRefuseIn):
    services.transfer_refuse(actor=request.user, transfer_id=transfer_id, reason=payload.reason)
    return selectors.transfer_get(user=request.user, pk=transfer_id)


@router.post("/{transfer_id}/cancel", response=TransferOut,
             summary="The sending school withdraws its request while it waits")
def transfers_cancel(request, transfer_id: Id, payload: TransferCancelIn):
    services.transfer_cancel(actor=request.user, transfer_id=transfer_id, reason=payload.reason)
    return selectors.transfer_get(user=request.user, pk=transfer_id)
