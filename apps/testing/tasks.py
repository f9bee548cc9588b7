"""Background work of testing (django.tasks): load by id, call a service.

`open_cycle_rounds` every SHAODIAN_TESTING_CYCLE_SECONDS (settings.PERIODIC_TASKS): the day's
automatic rounds of the schools whose pack asks for the testing cycle (henan-2022's
whole_school_testing_days and daily_testing_percent), set-based and idempotent (one automatic
round per school and day)."""

from django.tasks import task

from apps.status.services import status_recompute_persons
from apps.testing.services.cycle import testing_cycle_run
from apps.testing.services.results import CAUSE


@task()
def recompute_after_results(school_id: int, person_ids: list[int]) -> int:
    """Statuses of persons whose new test results may count towards a regimen (two tests in
    three days, a key population's tests), after the import committed."""
    return status_recompute_persons(school_id=school_id, person_ids=person_ids, reason=CAUSE)


@task()
def open_cycle_rounds() -> dict:
    return testing_cycle_run()
