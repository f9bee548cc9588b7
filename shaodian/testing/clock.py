"""The suite's clock: every test starts at the same Beijing wall-clock time on the same day,
whatever the hour or date the suite runs at, and time flows from there.

`SHAODIAN_TEST_NOW` moves it: a time of day ("18:40", on the suite's day) or a whole
ISO datetime ("2026-11-18T07:10+08:00"). `make test` runs the browser tests again at
07:10 and 18:40, so a page that only works in the morning fails there, not in CI at night.
"""

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
# A Wednesday in term time: no weekend, no holiday, far from a month's or year's end.
SUITE_DAY = date(2026, 11, 18)
SUITE_TIME = time(10, 0)


def suite_now(value: str | None = None) -> datetime:
    """The instant each test starts at, from `value` or SHAODIAN_TEST_NOW (aware)."""
    value = (value if value is not None else os.environ.get("SHAODIAN_TEST_NOW", "")).strip()
    if not value:
        return datetime.combine(SUITE_DAY, SUITE_TIME, BEIJING)
    if "T" not in value and " " not in value:
        return datetime.combine(SUITE_DAY, time.fromisoformat(value), BEIJING)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)
