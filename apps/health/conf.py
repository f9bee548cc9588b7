"""When each check-in slot opens, is due and is reminded, and the thresholds of the flags.

All times are Asia/Shanghai wall-clock times, read from the environment (a deployment may
move them) or from settings of the same name (tests override them):

    SHAODIAN_CHECKIN_OPENS      00:00,11:00,17:00   morning, noon, evening open
    SHAODIAN_CHECKIN_DUE        08:00,13:00,21:00   a check-in after this is late
    SHAODIAN_CHECKIN_REMIND     07:30,12:30,20:30   reminders to whoever has not checked in
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone

from apps.health.models import Slot
from shaodian.env import env_int, env_list

SLOTS = (Slot.MORNING, Slot.NOON, Slot.EVENING)
_DEFAULTS = {
    "SHAODIAN_CHECKIN_OPENS": ["00:00", "11:00", "17:00"],
    "SHAODIAN_CHECKIN_DUE": ["08:00", "13:00", "21:00"],
    "SHAODIAN_CHECKIN_REMIND": ["07:30", "12:30", "20:30"],
}
# Flags for the class teacher: the same temperature on this many days in a row; one device
# submitting for at least this many people in a day (a guardian of two children is normal);
# a whole class identical once it has at least this many check-ins in a slot.
SAME_ANSWER_DAYS = env_int("SHAODIAN_CHECKIN_SAME_ANSWER_DAYS", 5)
DEVICE_PERSONS = env_int("SHAODIAN_CHECKIN_DEVICE_PERSONS", 3)
CLASS_IDENTICAL_MIN = env_int("SHAODIAN_CHECKIN_CLASS_IDENTICAL_MIN", 5)


@dataclass(frozen=True)
class SlotTimes:
    opens: time
    due: time
    remind: time


def _times(name: str) -> list[time]:
    values = getattr(settings, name, None) or env_list(name, _DEFAULTS[name])
    return [time.fromisoformat(v) for v in values]


def slot_times() -> dict[str, SlotTimes]:
    opens, due, remind = (_times(n) for n in _DEFAULTS)
    return {slot: SlotTimes(o, d, r) for slot, o, d, r in zip(SLOTS, opens, due, remind,
                                                              strict=True)}


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
