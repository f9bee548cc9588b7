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
from apps.policy.models import PolicyOverride, ProvincePolicy
from apps.policy.signals import send_policy_changed

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


def policy_choose_pack(
    *, actor, province_code: str, pack_id: str, reason: str, pack_version: str | None = None
) -> ProvincePolicy:
    """Make `pack_id` the province's pack. `pack_version` is the version the admin reviewed:
    when the file has changed since, the choice is refused (field "pack_version", reason
    "stale"), so nobody chooses rules they have not seen."""
    # A province admin of this province (a grant on the province department).
    if not may_in_region(actor, CHOOSE, province_code, within=eq):
        raise Http404
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
    reason, found = _check_reason(reason)
    errors += found
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        choice = ProvincePolicy.objects.select_for_update().filter(
            province_code=province_code).first() or ProvincePolicy(province_code=province_code)
        choice.pack_id, choice.pack_version = pack.id, str(pack.version)
        choice.reason, choice.chosen_by, choice.chosen_at = reason, actor, timezone.now()
        _record(choice, actor, reason)
        choice.save()
        send_policy_changed(sender=ProvincePolicy, node=province_code)
    return choice


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
