"""Reads of transfers, always through Transfer.objects.restrict (both schools see a transfer,
and whoever is above either)."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.orgs.models import School, SchoolClass
from apps.transfers.models import Transfer, TransferState

VIEW, MANAGE = "transfers.view", "transfers.manage"


def transfer_list(*, user, state: str = "", school_id: int | None = None) -> QuerySet[Transfer]:
    qs = Transfer.objects.restrict(user, VIEW).select_related(
        "person", "from_school", "to_school", "from_class", "to_class")
    if state:
        qs = qs.filter(state=state)
    if school_id:  # one of the user's schools: another is answered like none at all
        if not School.objects.restrict(user, VIEW).filter(pk=school_id).exists():
            return qs.none()
        qs = qs.filter(Q(from_school_id=school_id) | Q(to_school_id=school_id))
    return qs


def transfer_get(*, user, pk: int) -> Transfer:
    return get_object_or_404(transfer_list(user=user), pk=pk)


def receiving(*, user, transfer: Transfer) -> bool:
    """Whether the user decides for the receiving school (accepts or refuses)."""
    return School.objects.restrict(user, MANAGE).filter(pk=transfer.to_school_id).exists()


def sending(*, user, transfer: Transfer) -> bool:
    return School.objects.restrict(user, MANAGE).filter(pk=transfer.from_school_id).exists()


def receiving_classes(*, transfer: Transfer) -> QuerySet[SchoolClass]:
    """The receiving school's open classes, to choose one when accepting."""
    return (SchoolClass.objects.filter(school_id=transfer.to_school_id, closed_at__isnull=True)
            .select_related("unit").order_by("unit__name", "name"))


def earlier_schools(school_ids, person_ids) -> list[int]:
    """The schools these persons left by an accepted transfer (status.facts reads their
    history there). One query per batch, by person."""
    return list(Transfer.objects.filter(person_id__in=list(person_ids),
                                        state=TransferState.ACCEPTED)
                .values_list("from_school_id", flat=True).distinct())
