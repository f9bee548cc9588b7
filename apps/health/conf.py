"""When each check-in slot opens, is due and is reminded, and the thresholds of the flags.

All times are Asia/Shanghai wall-clock times, in settings of the same name as the
environment variables that set them (shaodian/settings.py reads them; a deployment may move
them, tests override them with the `settings` fixture):

    SHAODIAN_CHECKIN_OPENS      00:00,11:00,17:00   morning, noon, evening open
    SHAODIAN_CHECKIN_DUE        08:00,13:00,21:00   a check-in after this is late

Reminders go to whoever has not checked in the school's policy's `checkin_reminder_minutes`
before a slot is due (routine: 30, so 07:30, 12:30, 20:30; a bureau or school may remind
earlier), never before the slot opens (apps.health.reminders).

The thresholds of the class teacher's flags are settings too (selectors reads them):

    SHAODIAN_CHECKIN_SAME_ANSWER_DAYS     5   the same temperature on this many days in a row
    SHAODIAN_CHECKIN_DEVICE_PERSONS       3   one device submitting for this many people a day
    SHAODIAN_CHECKIN_CLASS_IDENTICAL_MIN  5   a whole class identical once it has this many
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.utils import timezone

from apps.health.models import Slot

SLOTS = (Slot.MORNING, Slot.NOON, Slot.EVENING)
_TIMES = ("SHAODIAN_CHECKIN_OPENS", "SHAODIAN_CHECKIN_DUE")


@dataclass(frozen=True)
class SlotTimes:
    opens: time
    due: time

    def remind(self, minutes: int) -> time:
        """`minutes` before the slot is due, but not before it opens."""
        due = datetime.combine(date(2000, 1, 2), self.due)
        at = due - timedelta(minutes=minutes)
        return self.opens if at.date() < due.date() else max(at.time(), self.opens)


def slot_times() -> dict[str, SlotTimes]:
    return _slot_times(*(tuple(getattr(settings, n)) for n in _TIMES))


@cache  # read twice a check-in: parsed once per value of the settings (tests change them)
def _slot_times(opens: tuple[str, ...], due: tuple[str, ...]) -> dict[str, SlotTimes]:
    return {slot: SlotTimes(time.fromisoformat(o), time.fromisoformat(d))
            for slot, o, d in zip(SLOTS, opens, due, strict=True)}


def at(day: date, when: time) -> datetime:
    """That wall-clock time of that day in Asia/Shanghai, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, when))


def current_slot(now: datetime | None = None) -> str:
    """The latest slot that has opened by now (local time)."""
    local = timezone.localtime(now or timezone.now()).time()
    found = SLOTS[0]
    for slot, times in slot_times().items():
        if times.opens <= local:
            found = slot
    return found


def slot_is_open(slot: str, now: datetime | None = None) -> bool:
    local = timezone.localtime(now or timezone.now()).time()
    return slot_times()[slot].opens <= local


def due_at(day: date, slot: str) -> datetime:
    return at(day, slot_times()[slot].due)


def opens_at(day: date, slot: str) -> datetime:
    return at(day, slot_times()[slot].opens)


def latest_open(slots, now: datetime | None = None) -> str | None:
    """Of a person's slots, the latest that has opened by now: the one to answer now (a day
    student's noon check stays it for the rest of the day, late after 13:00); None if none
    has opened."""
    opened = [s for s in slots if slot_is_open(s, now)]
    return opened[-1] if opened else None
