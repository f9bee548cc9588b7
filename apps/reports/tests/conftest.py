from datetime import datetime, time

import pytest

from shaodian.testing.clock import BEIJING, SUITE_DAY

DAY = SUITE_DAY


def at(hour: int, minute: int = 0) -> datetime:
    """A moment of the suite's day, Beijing time (the deadline is 10:00 under routine)."""
    return datetime.combine(DAY, time(hour, minute), BEIJING)


@pytest.fixture
def morning(clock):
    """Before the deadline, whatever hour the suite runs at."""
    clock.move_to(at(9))
    return clock
