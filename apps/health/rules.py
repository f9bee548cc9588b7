"""What a school's effective policy says about check-ins: which slots, the fever line, and how
long before a slot is due its reminders go out.

Read on every submission, so kept in this process for a while
(settings.SHAODIAN_CHECKIN_POLICY_CACHE_SECONDS, from the environment variable of that name,
default 300 s) and dropped at once when a policy change is committed in this process
(apps.health.apps connects `policy_changed`); other processes see a tightened threshold
within that time.
A miss loads every school of the same bureau at once (the same five queries as one school),
so a process serving a province warms up county by county, not school by school.
"""

import threading
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from apps.health.models import Slot
from apps.people.models import Residence

DEFAULT_FEVER = Decimal("37.3")
DEFAULT_REMINDER_MINUTES = 30  # a pack without checkin_reminder_minutes

_cache: dict[int, tuple[float, "CheckInRules"]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class CheckInRules:
    morning: bool
    noon: bool
    fever: Decimal
    reminder_minutes: int = DEFAULT_REMINDER_MINUTES  # before a slot is due

    def slots_for(self, residence: str) -> tuple[str, ...]:
        """Morning and noon as the policy says; the evening check for boarders."""
        slots = [s for s, on in ((Slot.MORNING, self.morning), (Slot.NOON, self.noon)) if on]
        if residence == Residence.BOARDER:
            slots.append(Slot.EVENING)
        return tuple(slots)


def rules_from_params(params: dict) -> CheckInRules:
    fever = params.get("fever_threshold_celsius")
    return CheckInRules(
        morning=bool(params.get("morning_check", True)),
        noon=bool(params.get("noon_check", True)),
        fever=Decimal(str(fever)) if fever is not None else DEFAULT_FEVER,
        reminder_minutes=int(params.get("checkin_reminder_minutes", DEFAULT_REMINDER_MINUTES)),
    )


def rules_for_school(school_id: int) -> CheckInRules:
    now = time.monotonic()
    hit = _cache.get(school_id)
    if hit and hit[0] > now:
        return hit[1]
    from apps.orgs.models import School

    bureau = School.objects.filter(pk=school_id).values("bureau_id")
    siblings = School.objects.filter(bureau_id__in=bureau).values_list("pk", flat=True)
    found = rules_for_schools([school_id, *siblings])
    until = now + settings.SHAODIAN_CHECKIN_POLICY_CACHE_SECONDS
    with _lock:
        _cache.update({pk: (until, rules) for pk, rules in found.items()})
    return found[school_id]


def rules_for_schools(school_ids) -> dict[int, CheckInRules]:
    """Many schools at once (the reminder sweep, the completion pages): five queries."""
    from apps.policy.selectors import effective_policies_for_schools

    return {pk: rules_from_params(policy.params)
            for pk, policy in effective_policies_for_schools(school_ids).items()}


def forget(**kwargs) -> None:
    with _lock:
        _cache.clear()
