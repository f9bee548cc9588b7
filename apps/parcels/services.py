"""Writes of the delivery point: a batch of parcels received (idempotent by client id, with
optional photos), its disinfection by a named staff member of the school, and its placing for
pickup (only once disinfected). Each raises ValidationFailed naming the field and reason;
nothing is written then."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ValidationFailed
from apps.core.errors import refuse as _fail
from apps.parcels import photos as photo_files
from apps.parcels import selectors
from apps.parcels.models import ParcelBatch, ParcelPhoto
from apps.parcels.selectors import RECORD
from apps.people.validation import text_checked as _text

MAX_COUNT = 10000
SLACK = timedelta(minutes=5)  # a device's clock a little ahead is not "in the future"


def _when(field: str, value: datetime | None, *, not_before: datetime | None = None) -> datetime:
    now = timezone.now()
    value = value or now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + SLACK:
        _fail(field, "future", _("This time is in the future."))
    if not_before is not None and value < not_before:
        _fail(field, "too_early", _("This time is before the parcels were received (%(t)s).")
              % {"t": timezone.localtime(not_before).strftime("%Y-%m-%d %H:%M")})
    return value


@transaction.atomic
def batch_receive(*, actor, school_id: int, count: int, received_at: datetime | None = None,
                  courier: str = "", note: str = "", client_id: str = "",
                  photos=()) -> ParcelBatch:
    """A batch left at the delivery point. The same client id again returns the batch."""
    from apps.orgs.models import School

    school = School.objects.restrict(actor, RECORD).filter(pk=school_id).first()
    if school is None:
        _fail("school_id", "not_found", _("No school you may record deliveries for has this id."))
    courier = _text("courier", courier, 100, needed=False)
    note = _text("note", note, 200, needed=False)
    client_id = _text("client_id", client_id, 64, needed=False)
    if client_id:
        done = ParcelBatch.objects.filter(school_id=school.pk, client_id=client_id).first()
        if done is not None:
            return done
    if not 1 <= count <= MAX_COUNT:
        _fail("count", "out_of_range", _("A batch holds 1 to %(n)d parcels.") % {"n": MAX_COUNT})
    received_at = _when("received_at", received_at)
    read, errors = photo_files.read_checked("photos", photos)
    if errors:
        raise ValidationFailed(errors)
    batch = ParcelBatch.objects.create(school_id=school.pk, client_id=client_id, count=count,
                                       received_at=received_at, courier=courier, note=note,
                                       recorded_by=actor)
    ParcelPhoto.objects.bulk_create([
        ParcelPhoto(school_id=school.pk, batch=batch, content_type=ctype, size=len(data),
                    path=photo_files.store(school.pk, data, ext), uploaded_by=actor)
        for data, ctype, ext in read])
    return batch


def _locked(actor, batch_id: int) -> ParcelBatch:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(ParcelBatch.objects.restrict(actor, RECORD)
                             .select_for_update(of=("self",)), pk=batch_id)


@transaction.atomic
def batch_disinfect(*, actor, batch_id: int, person_id: int,
                    at: datetime | None = None) -> ParcelBatch:
    """The batch was disinfected by a staff member of its school. Recording it again with the
    same person and time changes nothing; a different one is refused."""
    batch = _locked(actor, batch_id)
    if not selectors.staff_of(school_id=batch.school_id).filter(pk=person_id).exists():
        _fail("person_id", "not_found", _("No staff member of this school has this id."))
    at = _when("at", at, not_before=batch.received_at)
    if batch.disinfected_at is not None:
        if batch.disinfected_by_id == person_id and batch.disinfected_at == at:
            return batch
        _fail("batch_id", "done", _("This batch is recorded as disinfected already."))
    batch.disinfected_at, batch.disinfected_by_id = at, person_id
    batch.save(update_fields=["disinfected_at", "disinfected_by"])
    return batch


@transaction.atomic
def batch_place(*, actor, batch_id: int, at: datetime | None = None) -> ParcelBatch:
    """The disinfected batch is placed for pickup (a second time changes nothing)."""
    batch = _locked(actor, batch_id)
    if batch.placed_at is not None:
        return batch
    if batch.disinfected_at is None:
        _fail("batch_id", "not_disinfected",
              _("Parcels are placed for pickup only once they are disinfected."))
    batch.placed_at = _when("at", at, not_before=batch.disinfected_at)
    batch.save(update_fields=["placed_at"])
    return batch
