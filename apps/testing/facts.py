"""Test results as the policy engine's facts, for the status recomputation (apps.status.facts
asks this through the source testing registers at start-up, so status imports no testing)."""

from collections import defaultdict
from datetime import datetime

from django.utils import timezone

from apps.policy.engine import facts as engine
from apps.testing.models import RoundKind, Sample, TubeResult


def resulted_tests(school_ids, person_ids, since: datetime,
                 now: datetime) -> dict[int, list[engine.TestResult]]:
    """Each person's resulted tests from `since` to `now`, pooled or single, through their
    samples (a sample undone before its tube closed is not a test). Taken when the swab was
    scanned; a tube still waiting for its result, or an invalid one, is no test yet."""
    found = defaultdict(list)
    # The school leads the filter: the indexes start with it, and a sharded table is read
    # on the shards of these schools only.
    rows = (
        Sample.objects.filter(school_id__in=school_ids, person_id__in=person_ids)
        .filter(removed_at__isnull=True, scanned_at__gte=since, scanned_at__lte=now,
                tube__result__in=(TubeResult.NEGATIVE, TubeResult.POSITIVE))
        .order_by("person_id", "scanned_at", "pk")
        .values_list("person_id", "scanned_at", "tube__result", "tube__pool_size", "round__kind")
    )
    for person_id, scanned_at, result, pool_size, kind in rows:
        found[person_id].append(engine.TestResult(
            taken_at=timezone.localtime(scanned_at), result=result,
            method="antigen" if kind == RoundKind.ANTIGEN else "pcr", pooled=pool_size > 1,
        ))
    return found
