"""Helpers for the results tests: closed tubes with their samples written straight to the
tables (the station has its own tests), lab rows, and statuses read back."""

from datetime import timedelta

from django.utils import timezone

from apps.testing.models import RoundStatus, Sample, TestRound, Tube, TubeStatus
from apps.testing.services.results import LabRow


def a_round(school, *, kind: str = "pcr_pooled", days_ago: int = 0, drill: bool = False,
            name: str = "全员核酸") -> TestRound:
    return TestRound.objects.create(school=school, name=name, kind=kind, drill=drill,
                                    day=timezone.localdate() - timedelta(days=days_ago),
                                    status=RoundStatus.OPEN)


def closed_tube(round_, barcode: str, persons, *, pool_size: int | None = None,
                hours_ago: float = 3, closed: bool = True, recheck_of: Tube | None = None,
                result: str = "") -> Tube:
    """A tube of the round holding these persons' swabs, scanned and closed hours_ago."""
    at = timezone.now() - timedelta(hours=hours_ago)
    size = pool_size or (1 if len(persons) == 1 else 10)
    tube = Tube.objects.create(
        school=round_.school, round=round_, barcode=barcode, pool_size=size,
        opened_at=at, closed_at=at if closed else None, client_id=f"tube-{barcode}",
        status=(TubeStatus.RESULTED if result else TubeStatus.CLOSED) if closed
        else TubeStatus.OPEN, result=result, recheck_of=recheck_of)
    Sample.objects.bulk_create([
        Sample(school=round_.school, round=round_, tube=tube, person=p, scanned_at=at,
               client_id=f"{barcode}-{p.pk}", recheck=recheck_of is not None)
        for p in persons
    ])
    return tube


def rows(*pairs) -> list[LabRow]:
    """LabRows numbered from 2 (the row under a header): (barcode, result[, tested_at])."""
    return [LabRow(i, *pair) for i, pair in enumerate(pairs, start=2)]


def status_of(person) -> str:
    from apps.status.models import PersonStatus

    row = PersonStatus.objects.filter(school_id=person.school_id, person=person).first()
    return row.category if row else "normal"
