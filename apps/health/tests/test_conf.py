"""The check-in times and thresholds are settings (shaodian/settings.py reads the
environment), read when asked, so a test or a deployment moves them without a restart."""

import time as clock
from datetime import date, time

from apps.health import conf, rules


def test_it_reads_the_slot_times_from_the_settings_when_asked(settings):
    day = date(2026, 11, 18)
    assert conf.due_at(day, "morning").time() == time(8, 0)
    settings.SHAODIAN_CHECKIN_DUE = ["09:15", "13:00", "21:00"]
    assert conf.due_at(day, "morning").time() == time(9, 15)
    settings.SHAODIAN_CHECKIN_OPENS = ["00:00", "10:00", "17:00"]
    assert conf.current_slot(conf.at(day, time(10, 30))) == "noon"
    assert conf.slot_times()["morning"].remind(30) == time(8, 45)  # the policy's minutes


def test_it_keeps_a_schools_rules_for_the_cache_setting(world, settings):
    school = world.schools["a"].pk
    settings.SHAODIAN_CHECKIN_POLICY_CACHE_SECONDS = 0
    rules.rules_for_school(school)
    assert rules._cache[school][0] <= clock.monotonic()
