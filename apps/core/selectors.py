"""Reads many apps' selectors share, with no domain: the rows of a day by a time field, in
Beijing time, and a school's log of timed rows (a delivery point's batches, a disinfection
log's entries) as every list and printed day shows it."""

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The day's start and the next day's, in Beijing time."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def on_day(rows: QuerySet, field: str, day: date | None) -> QuerySet:
    """The rows whose `field` (a time) falls on the day in Beijing (all when no day)."""
    if day is None:
        return rows
    start, end = day_bounds(day)
    return rows.filter(**{f"{field}__gte": start, f"{field}__lt": end})


def school_log(rows: QuerySet, *, field: str, school_id: int | None = None,
               day: date | None = None, related: tuple[str, ...] = (),
               latest_first: bool = True) -> QuerySet:
    """`rows` (already scoped, or one school's) of the school and the day when given, with
    `related` joined: the latest first for a list, the first first for a printed day."""
    if school_id is not None:
        rows = rows.filter(school_id=school_id)
    rows = on_day(rows, field, day).order_by(*(
        (f"-{field}", "-id") if latest_first else (field, "id")))
    return rows.select_related(*related) if related else rows
