"""Reads: the mode of a school (and of its grades and classes)."""

from collections.abc import Iterable

from apps.emergency.models import Mode, ModeScope, ModeState, ModeSwitch


def school_modes(*, school_ids: Iterable[int]) -> dict[int, str]:
    """The whole-school mode of each school (normal when it has no row): one query."""
    ids = set(school_ids)
    modes = dict.fromkeys(ids, Mode.NORMAL.value)
    modes.update(ModeState.objects.filter(school_id__in=ids, scope=ModeScope.SCHOOL)
                 .values_list("school_id", "mode"))
    return modes


def school_mode(*, school_id: int) -> str:
    return school_modes(school_ids=[school_id])[school_id]


def online_scopes(*, school_id: int) -> dict[str, set[int]]:
    """Grades (units) and classes of a school in online teaching, as
    {"unit": {unit ids}, "klass": {class ids}}."""
    scopes: dict[str, set[int]] = {ModeScope.UNIT: set(), ModeScope.KLASS: set()}
    for scope, key in (ModeState.objects.filter(school_id=school_id, mode=Mode.ONLINE)
                       .exclude(scope=ModeScope.SCHOOL).values_list("scope", "scope_key")):
        scopes[scope].add(int(key))
    return scopes


def mode_states(*, user, school_id: int):
    return ModeState.objects.restrict(user, "emergency.view").filter(school_id=school_id)


def mode_history(*, user, school_id: int):
    return (ModeSwitch.objects.restrict(user, "emergency.view").filter(school_id=school_id)
            .select_related("switched_by"))
