"""Writes of supplies: a movement of one item at one school (received, used, transferred
out, expired; a stocktake's count sets the level), a stocktake workbook imported all or
nothing, and the daily snapshot of every school's cover (the chart).

A movement with a `client_id` is recorded once: the same submission again answers the row
it made. Each raises ValidationFailed naming the field and reason; nothing is written then."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import FieldError, ValidationFailed
from apps.orgs.models import School
from apps.supplies import catalogue, sheet
from apps.supplies.models import ADDS, CoverSnapshot, Movement, MovementKind, Stock
from apps.supplies.selectors import MANAGE, cover_rows

NOTE_LIMIT = 200
CLIENT_ID_LIMIT = 64
BACKDATE_DAYS = 30


def _fail(field: str, reason: str, message: str) -> None:
    raise ValidationFailed([FieldError(field, reason, message)])


def _school(actor, school_id: int) -> School:
    school = (School.objects.restrict(actor, MANAGE).filter(pk=school_id, active=True)
              .select_for_update(of=("self",)).first())
    if school is None:
        _fail("school_id", "not_found", _("No school whose supplies you keep has this id."))
    return school


def _checked(*, item: str, kind: str, quantity: int, day: date, note: str,
             client_id: str) -> list[FieldError]:
    errors = []
    if catalogue.get(item) is None:
        errors.append(FieldError("item", "bad_choice", _("This item is not in the catalogue.")))
    if kind not in MovementKind.values:
        errors.append(FieldError("kind", "bad_choice", _(
            "Choose received, used, transferred out, expired or counted.")))
    if not isinstance(quantity, int) or quantity < 0 or quantity > sheet.MAX_QUANTITY or (
            quantity == 0 and kind != MovementKind.COUNTED):
        errors.append(FieldError("quantity", "invalid", _(
            "Give a whole number above 0 (a count may be 0).")))
    today = timezone.localdate()
    if day > today or day < today - timedelta(days=BACKDATE_DAYS):
        errors.append(FieldError("day", "out_of_range", _(
            "The day is today or one of the last 30 days.")))
    if len(note) > NOTE_LIMIT:
        errors.append(FieldError("note", "too_long", _("At most 200 characters.")))
    if len(client_id) > CLIENT_ID_LIMIT:
        errors.append(FieldError("client_id", "too_long", _("At most 64 characters.")))
    return errors


def _apply(*, actor, school: School, item: str, kind: str, quantity: int, day: date,
           note: str = "", client_id: str = "") -> Movement:
    """One movement on the locked school's stock row (made at 0 when new)."""
    stock, _made = Stock.objects.select_for_update().get_or_create(school=school, item=item)
    if kind == MovementKind.COUNTED:
        level = quantity
        stock.counted_on = day
    elif kind in ADDS:
        level = stock.quantity + quantity
    else:
        if quantity > stock.quantity:
            _fail("quantity", "more_than_stock", _(
                "Only %(n)s are in stock: count the stock first if there are more.")
                % {"n": stock.quantity})
        level = stock.quantity - quantity
    stock.quantity, stock.updated_at = level, timezone.now()
    stock.save(update_fields=["quantity", "counted_on", "updated_at"])
    return Movement.objects.create(school=school, item=item, kind=kind, quantity=quantity,
                                   level_after=level, day=day, note=note,
                                   client_id=client_id, actor=actor)


@transaction.atomic
def movement_record(*, actor, school_id: int, item: str, kind: str, quantity: int,
                    day: date | None = None, note: str = "", client_id: str = "") -> Movement:
    """Record what arrived, was used, moved out, expired, or was found by a count."""
    day = day or timezone.localdate()
    note, client_id = str(note or "").strip(), str(client_id or "").strip()
    school = _school(actor, school_id)
    if client_id:
        done = Movement.objects.filter(school_id=school.pk, client_id=client_id).first()
        if done is not None:
            return done
    errors = _checked(item=item, kind=kind, quantity=quantity, day=day, note=note,
                      client_id=client_id)
    if errors:
        raise ValidationFailed(errors)
    _snapshot_on_commit(school.pk)
    return _apply(actor=actor, school=school, item=item, kind=kind, quantity=quantity,
                  day=day, note=note, client_id=client_id)


def _snapshot_on_commit(school_id: int) -> None:
    """Today's snapshot of the school taken again once its write commits, so its bureau's
    home (which counts snapshot rows) sees the change before the next sweep."""
    transaction.on_commit(lambda: cover_snapshot_take(school_ids=[school_id]))


@transaction.atomic
def counts_import(*, actor, school_id: int, data: bytes, day: date | None = None,
                  client_id: str = "") -> list[Movement]:
    """A stocktake workbook: every row a count of one item, all or nothing. The same
    workbook sent again with its `client_id` changes nothing."""
    school = _school(actor, school_id)
    client_id = str(client_id or "").strip()[:CLIENT_ID_LIMIT - 4]
    if client_id and Movement.objects.filter(school_id=school.pk,
                                             client_id__startswith=f"{client_id}:").exists():
        return list(Movement.objects.filter(school_id=school.pk,
                                            client_id__startswith=f"{client_id}:"))
    rows, errors = sheet.read_counts(data)
    if errors:
        raise ValidationFailed(errors)
    day = day or timezone.localdate()
    note = _("Imported stocktake")
    _snapshot_on_commit(school.pk)
    return [_apply(actor=actor, school=school, item=row.item, kind=MovementKind.COUNTED,
                   quantity=row.quantity, day=day, note=note,
                   client_id=f"{client_id}:{row.row}" if client_id else "")
            for row in rows]


def cover_snapshot_take(*, day: date | None = None, school_ids=None) -> int:
    """Every active school's cover of every item on `day` (today), kept for the chart: the
    cover of them all from one statement, written by batched upserts (run twice, the day's
    rows are replaced, never doubled). Returns the rows written."""
    day = day or timezone.localdate()
    schools = School.objects.filter(active=True)
    if school_ids is not None:
        schools = schools.filter(pk__in=list(school_ids))
    rows = [CoverSnapshot(school_id=c.school_id, item=c.item, day=day, stock=c.stock,
                          daily_use=c.daily_use, days_cover=c.days, min_days=c.min_days)
            for c in cover_rows(schools=schools, today=day)]
    with transaction.atomic():
        CoverSnapshot.objects.bulk_create(
            rows, batch_size=5000, update_conflicts=True,
            unique_fields=["school", "item", "day"],
            update_fields=["stock", "daily_use", "days_cover", "min_days"])
    return len(rows)

