"""Reads of the delivery point, through the scope layer: a school's batches of a day (or the
latest), one batch, its photos, and the staff who may be named as having disinfected it."""

from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from apps.core.selectors import school_log
from apps.orgs.models import School
from apps.parcels.models import ParcelBatch, ParcelPhoto
from apps.people.models import Person, PersonKind

VIEW, RECORD = "parcels.view", "parcels.record"


def school_get(*, user, school_id: int, perm: str = VIEW) -> School:
    return get_object_or_404(School.objects.restrict(user, perm), pk=school_id)


BATCH_RELATED = ("disinfected_by", "recorded_by")


def batches(*, user, school_id: int | None = None, day: date | None = None,
            perm: str = VIEW) -> QuerySet[ParcelBatch]:
    return school_log(ParcelBatch.objects.restrict(user, perm), field="received_at",
                      school_id=school_id, day=day, related=BATCH_RELATED)


def batches_of_day(*, school: School, day: date) -> list[ParcelBatch]:
    """A school's batches received on a day, first first (the daily log; the caller has
    checked the school is in scope)."""
    return list(school_log(ParcelBatch.objects.filter(school_id=school.pk), field="received_at",
                           day=day, related=BATCH_RELATED, latest_first=False))


def batch_get(*, user, pk: int, perm: str = VIEW) -> ParcelBatch:
    return get_object_or_404(ParcelBatch.objects.restrict(user, perm)
                             .select_related("school", "disinfected_by"), pk=pk)


def photo_get(*, user, pk: int) -> ParcelPhoto:
    return get_object_or_404(ParcelPhoto.objects.restrict(user, VIEW), pk=pk)


def staff_of(*, school_id: int) -> QuerySet[Person]:
    """The school's active staff: who may be named as having disinfected a batch."""
    return (Person.objects.filter(school_id=school_id, kind=PersonKind.STAFF, active=True)
            .order_by("name", "id"))


def waiting(*, user, school_id: int) -> QuerySet[ParcelBatch]:
    """Batches received and not yet disinfected (nothing may be picked up before)."""
    return batches(user=user, school_id=school_id).filter(disinfected_at__isnull=True)
