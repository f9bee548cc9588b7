"""Writes of policy: the province's choice of pack, and the tightening overrides of bureaus
and schools. Each function is one transaction; bad input raises ValidationFailed naming
every bad field, and a node outside the actor's scope is a 404. Every change is recorded
in the models' history with the actor and the reason."""

from operator import eq

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access.rules import may_in_region
from apps.core.errors import FieldError, ValidationFailed
from apps.orgs.models import Bureau, School
from apps.policy import selectors
from apps.policy.engine.packs import OverrideRejected, check_override
from apps.policy.models import PolicyOverride, PolicySwitch, ProvincePolicy, SwitchState
from apps.policy.signals import policy_switched, send_policy_changed

CHOOSE = "policy.choose"
REASON_MAX = PolicyOverride._meta.get_field("reason").max_length
HISTORY_REASON_MAX = 100  # simple_history's history_change_reason column


def _check_reason(reason: str) -> tuple[str, list[FieldError]]:
    reason = " ".join(str(reason or "").split())
    if not reason:
        return reason, [FieldError("reason", "required", _("Say why."))]
    if len(reason) > REASON_MAX:
        return reason, [FieldError("reason", "too_long", _("At most %(n)d characters.")
                                   % {"n": REASON_MAX})]
    return reason, []


def _record(obj, actor, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason[:HISTORY_REASON_MAX]


# ---- the province's pack ---------------------------------------------------------------


def _check_pack(pack_id: str, pack_version: str | None) -> tuple[object, list[FieldError]]:
    """The pack, and the errors of an unknown pack or a version the file no longer has."""
    errors = []
    pack = None
    if pack_id not in selectors.pack_paths():
        errors.append(FieldError("pack_id", "unknown",
                                 _("There is no policy pack %(pack)s.") % {"pack": pack_id}))
    else:
        pack = selectors.pack_get(pack_id)
        if pack_version and pack_version != str(pack.version):
            errors.append(FieldError("pack_version", "stale", _(
                "Pack %(pack)s is now version %(current)s, not the version %(seen)s you "
                "reviewed: read it again and choose it again.")
                % {"pack": pack_id, "current": pack.version, "seen": pack_version}))
    return pack, errors


def policy_choose_pack(
    *, actor, province_code: str, pack_id: str, reason: str, pack_version: str | None = None
) -> ProvincePolicy:
    """Make `pack_id` the province's pack now. `pack_version` is the version the admin
    reviewed: when the file has changed since, the choice is refused (field "pack_version",
    reason "stale"), so nobody chooses rules they have not seen. Recorded as a switch applied
    at once (the history of switches); the statuses are recomputed by the worker."""
    # A province admin of this province (a grant on the province department).
    if not may_in_region(actor, CHOOSE, province_code, within=eq):
        raise Http404
    pack, errors = _check_pack(pack_id, pack_version)
    reason, found = _check_reason(reason)
    errors += found
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    with transaction.atomic():
        choice, previous = _set_choice(province_code, pack, actor, reason, now)
        PolicySwitch.objects.create(
            province_code=province_code, pack_id=pack.id, pack_version=str(pack.version),
            previous_pack_id=previous[0], previous_pack_version=previous[1],
            effective_from=now, state=SwitchState.APPLIED, reason=reason, scheduled_by=actor,
            scheduled_at=now, applied_at=now)
        send_policy_changed(sender=ProvincePolicy, node=province_code)
    return choice


def _set_choice(province_code: str, pack, actor, reason: str, now
                ) -> tuple[ProvincePolicy, tuple[str, str]]:
    """Write the province's choice; returns it and (pack id, version) of what ran before."""
    choice = ProvincePolicy.objects.select_for_update().filter(
        province_code=province_code).first() or ProvincePolicy(province_code=province_code)
    previous = ((choice.pack_id, choice.pack_version) if choice.pk
                else (selectors.DEFAULT_PACK, str(selectors.pack_get(selectors.DEFAULT_PACK)
                                                   .version)))
    choice.pack_id, choice.pack_version = pack.id, str(pack.version)
    choice.reason, choice.chosen_by, choice.chosen_at = reason, actor, now
    _record(choice, actor, reason)
    choice.save()
    return choice, previous


# ---- scheduled switches ----------------------------------------------------------------


def policy_switch_schedule(
    *, actor, province_code: str, pack_id: str, pack_version: str | None, effective_from,
    reason: str,
) -> PolicySwitch:
    """Schedule the province's switch to `pack_id` at `pack_version` (the version the admin
    reviewed) from `effective_from`, a time in the future: a new version of the pack's file,
    or a layer (henan-2022 over routine) switched on, or off by scheduling its base. Refused:
    another switch already scheduled (field "effective_from", reason "pending": cancel it
    first), a time not in the future ("effective_from", "past"), an unknown pack or a stale
    version, no reason. Only the province's admin schedules (404 otherwise)."""
    if not may_in_region(actor, CHOOSE, province_code, within=eq):
        raise Http404
    pack, errors = _check_pack(pack_id, pack_version)
    now = timezone.now()
    if effective_from is None:
        errors.append(FieldError("effective_from", "required", _("Say when it takes effect.")))
    elif effective_from <= now:
        errors.append(FieldError("effective_from", "past", _(
            "Choose a time in the future (or choose the pack now).")))
    reason, found = _check_reason(reason)
    errors += found
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        pending = PolicySwitch.objects.select_for_update().filter(
            province_code=province_code, state=SwitchState.SCHEDULED).first()
        if pending is not None:
            if (pending.pack_id, pending.pack_version, pending.effective_from, pending.reason) \
                    == (pack.id, str(pack.version), effective_from, reason):
                return pending  # a repeated submission
            raise ValidationFailed([FieldError("effective_from", "pending", _(
                "A switch to %(pack)s %(version)s is already scheduled for %(when)s: cancel "
                "it first.") % {"pack": pending.pack_id, "version": pending.pack_version,
                                "when": timezone.localtime(pending.effective_from)
                                .strftime("%Y-%m-%d %H:%M")})])
        return PolicySwitch.objects.create(
            province_code=province_code, pack_id=pack.id, pack_version=str(pack.version),
            effective_from=effective_from, reason=reason, scheduled_by=actor, scheduled_at=now)


def policy_switch_cancel(*, actor, switch: PolicySwitch | int) -> PolicySwitch:
    """Cancel a scheduled switch, by a conditional UPDATE (scheduled -> cancelled), so a
    cancel racing the switch time either wins or finds it applied (field "switch", reason
    "applied"). Cancelling it again changes nothing. Province admin only (404 otherwise)."""
    pk = switch if isinstance(switch, int) else switch.pk
    found = PolicySwitch.objects.filter(pk=pk).first()
    if found is None or not may_in_region(actor, CHOOSE, found.province_code, within=eq):
        raise Http404
    PolicySwitch.objects.filter(pk=pk, state=SwitchState.SCHEDULED).update(
        state=SwitchState.CANCELLED, cancelled_at=timezone.now(), cancelled_by=actor)
    found.refresh_from_db()
    if found.state != SwitchState.CANCELLED:
        raise ValidationFailed([FieldError("switch", found.state, _(
            "This switch is no longer scheduled: it is %(state)s.")
            % {"state": found.get_state_display()})])
    return found


def policy_switches_apply_due(*, now=None) -> list[PolicySwitch]:
    """Apply every scheduled switch whose time has come (the periodic task; safe to run in
    several workers at once). Each is claimed by a conditional UPDATE (scheduled -> applied
    while its time has come), so exactly one run applies it; in the same transaction the
    province's choice is set and its statuses recomputed (the policy_switched receivers),
    or nothing is, and a later run tries again. A switch whose pack file changed since it
    was scheduled is refused, not applied."""
    now = now or timezone.now()
    due = PolicySwitch.objects.filter(state=SwitchState.SCHEDULED, effective_from__lte=now)
    return [switch for pk in due.order_by("effective_from", "pk").values_list("pk", flat=True)
            if (switch := _apply(pk, now)) is not None]


def _apply(pk: int, now) -> PolicySwitch | None:
    with transaction.atomic():
        claimed = PolicySwitch.objects.filter(
            pk=pk, state=SwitchState.SCHEDULED, effective_from__lte=now,
        ).update(state=SwitchState.APPLIED, applied_at=now)
        if not claimed:
            return None  # applied, cancelled or moved by someone else meanwhile
        switch = PolicySwitch.objects.select_related("scheduled_by").get(pk=pk)
        pack, errors = _check_pack(switch.pack_id, switch.pack_version)
        if errors:
            switch.state = SwitchState.REFUSED
            switch.save(update_fields=["state"])
            return switch
        _choice, previous = _set_choice(switch.province_code, pack, switch.scheduled_by,
                                        switch.reason, now)
        answers = policy_switched.send(sender=PolicySwitch, province_code=switch.province_code,
                                       now=now)
        switch.previous_pack_id, switch.previous_pack_version = previous
        switch.recomputed = sum(n for _receiver, n in answers if isinstance(n, int))
        switch.save(update_fields=["previous_pack_id", "previous_pack_version", "recomputed"])
        # On commit, as any change of policy: caches of it forget (the statuses are done).
        send_policy_changed(sender=PolicySwitch, node=switch.province_code)
    return switch


# ---- overrides -------------------------------------------------------------------------


def _require_tighten(actor, node) -> None:
    if not type(node).objects.restrict(actor, "policy.tighten").filter(pk=node.pk).exists():
        raise Http404


def _parent_value(pack, node, param: str) -> tuple[object, str]:
    """The value the node's override must not loosen, and where it comes from."""
    parent = selectors.effective_for_parent(node)
    if parent is None:
        return pack.parameters[param].value, _("the pack %(pack)s") % {"pack": pack.id}
    value, layer, _source = parent.provenance[param]
    if layer == "pack":
        return value, _("the pack %(pack)s") % {"pack": pack.id}
    return value, layer


def _check_value(pack, node, param: str, value) -> list[FieldError]:
    if param not in pack.parameters:
        return [FieldError("param", "unknown", _(
            "The pack %(pack)s has no parameter %(param)s.") % {"pack": pack.id, "param": param})]
    parent_value, where = _parent_value(pack, node, param)
    try:
        check_override(pack, param, value, parent_value)
    except OverrideRejected as exc:
        return [_rejection(exc, pack, param, parent_value, where)]
    return []


def _rejection(exc, pack, param, parent_value, where) -> FieldError:
    spec = pack.parameters[param]
    if exc.reason == "loosens":
        direction = _("higher") if spec.tighten == "higher" else _("lower")
        return FieldError("value", "loosens", _(
            "This would loosen the policy: %(param)s is %(parent)s %(unit)s from %(where)s, "
            "and a value here may only be the same or %(direction)s.")
            % {"param": param, "parent": parent_value, "unit": spec.unit or "",
               "where": where, "direction": direction})
    if exc.reason == "unknown":
        return FieldError("param", "unknown", str(exc))
    return FieldError("value", exc.reason, _("Not a valid value for %(param)s: %(why)s")
                      % {"param": param, "why": exc})


def _node_fields(node) -> dict:
    return {"bureau": node} if isinstance(node, Bureau) else {"school": node}


def policy_override_set(
    *, actor, node: Bureau | School, param: str, value, reason: str
) -> PolicyOverride:
    """Tighten `param` for the node's subtree. Refused: an unknown parameter (field "param"),
    a value of the wrong type or range (field "value"), a value that loosens the parent's
    effective value (field "value", reason "loosens", naming that value and where it comes
    from). Setting the same value again changes nothing."""
    _require_tighten(actor, node)
    pack = selectors.active_pack(node.province_code)
    reason, errors = _check_reason(reason)
    errors = _check_value(pack, node, param, value) + errors
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        override = PolicyOverride.objects.select_for_update().filter(
            **_node_fields(node), pack_id=pack.id, param=param).first()
        if override is not None and override.value == value and override.reason == reason:
            return override  # a repeated submission
        override = override or PolicyOverride(**_node_fields(node), pack_id=pack.id, param=param)
        override.value, override.reason = value, reason
        override.created_by, override.created_at = actor, timezone.now()
        override.copy_region_codes()
        _record(override, actor, reason)
        override.save()
        send_policy_changed(sender=PolicyOverride, node=node)
    return override


def policy_override_remove(*, actor, override: PolicyOverride | int, reason: str = "") -> None:
    """Remove an override: the node falls back to its parent's value. Recorded in the
    history with the actor and the reason."""
    pk = override if isinstance(override, int) else override.pk
    with transaction.atomic():
        found = PolicyOverride.objects.restrict(actor, "policy.tighten").select_for_update()
        override = found.filter(pk=pk).first()
        if override is None:
            raise Http404
        _record(override, actor, " ".join(str(reason or "").split()) or _("removed"))
        node = override.bureau or override.school
        override.delete()
        send_policy_changed(sender=PolicyOverride, node=node)
