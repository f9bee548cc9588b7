"""When each area is due: every `<kind>_interval_hours_<mode>` hours after its last entry of
that kind (or after it was added), the school's effective policy read for its whole-school
mode (online teaching counts as normal). A pack without these parameters (routine) asks no
schedule, so nothing is due or overdue under it.

`due_refresh` stores the next due time on every area of the schools given: the schools are
grouped by their pair of intervals and each group is one UPDATE computed by the database
(last entry + interval), so a province's areas are a handful of statements."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.db.models import F
from django.db.models.functions import Coalesce

from apps.disinfection.models import Area, EntryKind

KINDS = (EntryKind.DISINFECTION.value, EntryKind.VENTILATION.value)
MODES = ("normal", "emergency", "closed_loop")
BATCH = 5000
# the pack's parameters, by kind and mode (apps.policy.readers lists them as read here)
PARAMS = {
    ("disinfection", "normal"): "disinfection_interval_hours_normal",
    ("disinfection", "emergency"): "disinfection_interval_hours_emergency",
    ("disinfection", "closed_loop"): "disinfection_interval_hours_closed_loop",
    ("ventilation", "normal"): "ventilation_interval_hours_normal",
    ("ventilation", "emergency"): "ventilation_interval_hours_emergency",
    ("ventilation", "closed_loop"): "ventilation_interval_hours_closed_loop",
}


def param_name(kind: str, mode: str) -> str:
    return PARAMS[kind, mode if mode in MODES else "normal"]


def intervals(school_ids: Iterable[int]) -> dict[int, dict[str, int | None]]:
    """Each school's hours between disinfections and between ventilations (None: not asked)."""
    from apps.emergency.selectors import school_modes
    from apps.policy.selectors import effective_policies_for_schools

    ids = sorted(set(school_ids))
    modes = school_modes(school_ids=ids)
    policies = effective_policies_for_schools(ids)
    found = {}
    for school_id in ids:
        params = policies[school_id].params
        found[school_id] = {kind: params.get(param_name(kind, modes[school_id]))
                            for kind in KINDS}
    return found


def interval_of(school_id: int, kind: str) -> int | None:
    return intervals([school_id])[school_id][kind]


def due_refresh(*, school_ids: Iterable[int]) -> int:
    """Store when each area of these schools is next due; returns how many areas changed."""
    ids = sorted(set(school_ids))
    changed = 0
    for start in range(0, len(ids), BATCH):
        groups: dict[tuple, list[int]] = defaultdict(list)
        for school_id, hours in intervals(ids[start:start + BATCH]).items():
            groups[tuple(hours[k] for k in KINDS)].append(school_id)
        for hours, members in groups.items():
            values = {}
            for kind, h in zip(KINDS, hours, strict=True):
                values[f"{kind}_due_at"] = (None if h is None else Coalesce(
                    F(f"last_{kind}_at"), F("created_at")) + timedelta(hours=int(h)))
            changed += Area.objects.filter(school_id__in=members).update(**values)
    return changed
