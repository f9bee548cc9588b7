"""Background work of the results import (django.tasks): load by id, call a service."""

from django.tasks import task

from apps.status.services import status_recompute_persons
from apps.testing.services.results import CAUSE


@task()
def recompute_after_results(school_id: int, person_ids: list[int]) -> int:
    """Statuses of persons whose new test results may count towards a regimen (two tests in
    three days, a key population's tests), after the import committed."""
    return status_recompute_persons(school_id=school_id, person_ids=person_ids, reason=CAUSE)
