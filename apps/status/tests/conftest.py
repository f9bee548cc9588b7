"""Helpers for the status tests (the `henan` fixture, the province running henan-2022, is
in the root conftest): trips, exposures and risk areas written straight to their tables
(the declaration and designation services have their own tests), and statuses read back."""

from datetime import timedelta

from django.utils import timezone

SHANGHAI_PUDONG = "310115"
LUOYANG_JIANXI = "410305"
ZHENGZHOU_JINSHUI = "410105"


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def trip(person, to_region: str, *, back_days_ago: int, member=None, from_region=None):
    """A leg from home to `to_region` and one back, the return `back_days_ago` days ago."""
    from apps.travel.models import TripLeg

    home = from_region or ZHENGZHOU_JINSHUI
    out = days_ago(back_days_ago + 2)
    back = days_ago(back_days_ago)
    common = {"school_id": person.school_id, "person": person, "household_member": member,
              "transport": "train", "number": "G1234"}
    return [
        TripLeg.objects.create(from_region_id=home, to_region_id=to_region, depart=out,
                               arrive=out, **common),
        TripLeg.objects.create(from_region_id=to_region, to_region_id=home, depart=back,
                               arrive=back, **common),
    ]


def designate(region: str, level: str = "high", *, since_days_ago: int = 10):
    from apps.risk.models import RiskArea

    return RiskArea.objects.create(region_id=region, level=level, start=days_ago(since_days_ago),
                                   source="test")


def status_of(person):
    """(category, until) stored for the person, or None when no row exists (normal)."""
    from apps.status.models import PersonStatus

    return PersonStatus.objects.filter(person=person).values_list("category", "until").first()
