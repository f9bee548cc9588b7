"""Writes: switch a school's mode, or a grade's or class's to online teaching and back."""

from functools import partial

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.errors import FieldError, ValidationFailed
from apps.emergency.models import Mode, ModeScope, ModeState, ModeSwitch
from apps.emergency.signals import modes_changed
from apps.orgs.models import School, SchoolClass, Unit


def _check_target(*, school_id: int, scope: str, scope_key: str, mode: str) -> None:
    if scope == ModeScope.SCHOOL:
        if scope_key:
            raise ValidationFailed([FieldError(
                "scope_key", "not_allowed", _("A whole-school switch names no grade or class."))])
        return
    if mode not in (Mode.NORMAL, Mode.ONLINE):
        raise ValidationFailed([FieldError(
            "mode", "school_only", _("A grade or a class can only go online or back to normal."))])
    model = Unit if scope == ModeScope.UNIT else SchoolClass
    if not (scope_key.isdigit() and model.objects.filter(school_id=school_id,
                                                         pk=int(scope_key)).exists()):
        raise ValidationFailed([FieldError("scope_key", "unknown",
                                           _("No such grade or class in this school."))])


@transaction.atomic
def mode_switch(
    *,
    actor,
    school_id: int,
    mode: str,
    reason: str = "",
    scope: str = ModeScope.SCHOOL,
    scope_key: str = "",
    drill: bool = False,
) -> ModeSwitch | None:
    """Put the school (or one of its grades or classes) in `mode`. Going back to normal needs
    a reason; switching to the mode already in force changes nothing and returns None."""
    if not School.objects.restrict(actor, "emergency.mode").filter(pk=school_id).exists():
        raise Http404
    if mode not in Mode.values:
        raise ValidationFailed([FieldError("mode", "unknown", _("Unknown mode."))])
    if scope not in ModeScope.values:
        raise ValidationFailed([FieldError("scope", "unknown", _("Unknown scope."))])
    _check_target(school_id=school_id, scope=scope, scope_key=scope_key, mode=mode)
    reason = reason.strip()
    if mode == Mode.NORMAL and not reason:
        raise ValidationFailed([FieldError("reason", "required",
                                           _("Say why it is safe to return to normal."))])
    state = (ModeState.objects.select_for_update()
             .filter(school_id=school_id, scope=scope, scope_key=scope_key).first())
    current = state.mode if state else Mode.NORMAL
    if current == mode:
        return None
    now = timezone.now()
    if mode == Mode.NORMAL:
        state.delete()
    else:
        ModeState.objects.update_or_create(
            school_id=school_id, scope=scope, scope_key=scope_key,
            defaults={"mode": mode, "since": now, "reason": reason, "set_by": actor,
                      "drill": drill},
        )
    switch = ModeSwitch.objects.create(
        school_id=school_id, scope=scope, scope_key=scope_key, from_mode=current, to_mode=mode,
        reason=reason, switched_by=actor, switched_at=now, drill=drill,
    )
    transaction.on_commit(partial(modes_changed.send, sender=ModeSwitch, school_ids=[school_id]))
    return switch
