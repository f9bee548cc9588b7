"""What the policy pages and API show, built from a pack, an effective policy or history
rows: plain dicts and dataclasses, in the reader's language (Chinese or English)."""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from apps.access.grants import grants_for
from apps.core.scoping import NOTHING, grant_filter
from apps.orgs.models import Bureau, School
from apps.policy.models import PolicyOverride, ProvincePolicy

HISTORY_LIMIT = 100
# The units a pack may use (apps.policy.engine.packs.UNITS), as shown after a value.
UNITS = {
    "days": gettext_lazy("days"), "hours": gettext_lazy("hours"),
    "minutes": gettext_lazy("minutes"), "tests": gettext_lazy("tests"),
    "percent": "%", "cases": gettext_lazy("cases"), "persons": gettext_lazy("persons"),
    "celsius": "°C", "swabs": gettext_lazy("swabs"),
}
APPLIES_TO = {
    "person": gettext_lazy("each person"), "class": gettext_lazy("each class"),
    "school": gettext_lazy("each school"), "region": gettext_lazy("each region"),
}
KINDS = {"+": "set", "~": "changed", "-": "removed"}


def chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def in_language(text) -> str:
    """A pack's Text (zh, en) in the reader's language; "" for none."""
    if text is None:
        return ""
    return (text.zh or text.en) if chinese() else (text.en or text.zh)


def param_title(spec) -> str:
    return in_language(spec.title)


def show_value(value, unit: str = "") -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    unit_label = UNITS.get(unit)
    return f"{value} {unit_label}" if unit_label else str(value)


def param_row(name: str, spec) -> dict:
    return {
        "name": name,
        "title": param_title(spec),
        "title_zh": spec.title.zh,
        "title_en": spec.title.en,
        "value": spec.value,
        "shown": show_value(spec.value, spec.unit),
        "unit": spec.unit,
        "source": spec.source,
        "verified": spec.verified,
        "tighten": spec.tighten,
        "note": in_language(spec.note),
        "informational": spec.informational,  # guidance for people: no code acts on it
    }


def rule_row(rule) -> dict:
    return {"id": rule.id, "title": in_language(rule.title),
            "description": in_language(rule.description), "applies_to": rule.applies_to,
            "applies_label": str(APPLIES_TO.get(rule.applies_to, rule.applies_to)),
            "params": list(rule.params), "enabled": True}


def pack_rows(pack) -> dict:
    """The pack page's rows. Every rule a pack lists is enabled: a pack that does not run a
    rule does not list it."""
    return {
        "params": [param_row(name, spec) for name, spec in pack.parameters.items()],
        "rules": [rule_row(rule) for rule in pack.rules],
        "pack_title": in_language(pack.title),
        "pack_summary": in_language(pack.summary),
    }


def provenance_rows(effective, own: dict) -> list[dict]:
    """One row per parameter: the effective value, where it came from, the pack's value,
    and the node's own override (with its reason) when it has one."""
    rows = []
    for name, spec in effective.pack.parameters.items():
        value, layer, source = effective.provenance[name]
        rows.append({
            **param_row(name, spec),
            "value": value,
            "shown": show_value(value, spec.unit),
            "pack_shown": show_value(spec.value, spec.unit),
            "from_pack": layer == "pack",
            "layer": layer,
            "pack_layer": spec.layer or effective.pack.id,  # which pack file gives it
            "source": source if layer == "pack" else spec.source,
            "own": own.get(name),
        })
    return rows


# ---- history ---------------------------------------------------------------------------


@dataclass
class HistoryRow:
    at: object
    user: str
    kind: str  # set | changed | removed | chosen
    node: str
    what: str
    value: str
    reason: str


def _scope(user, perm: str):
    grants = [g for g in grants_for(user) if perm in g.permissions]
    if not grants:
        return NOTHING
    return reduce(or_, (grant_filter(PolicyOverride, g) for g in grants))


def history_rows(user, province: str, *, limit: int = HISTORY_LIMIT) -> list[HistoryRow]:
    """The province's pack choices and the overrides the user may see (their region, their
    school), newest first: three queries, whatever the number of rows."""
    choices = ProvincePolicy.history.filter(province_code=province).select_related(
        "history_user").order_by("-history_date")[:limit]
    overrides = list(PolicyOverride.history.filter(_scope(user, "orgs.view"),
                                                   province_code=province)
                     .select_related("history_user").order_by("-history_date")[:limit])
    bureaus = dict(Bureau.objects.filter(
        pk__in={o.bureau_id for o in overrides if o.bureau_id}).values_list("pk", "name"))
    schools = dict(School.objects.filter(
        pk__in={o.school_id for o in overrides if o.school_id}).values_list("pk", "name"))
    rows = [
        HistoryRow(c.history_date, str(c.history_user or _("system")), "chosen", province,
                   _("policy pack"), f"{c.pack_id} {c.pack_version}", c.reason)
        for c in choices
    ]
    rows += [
        HistoryRow(o.history_date, str(o.history_user or _("system")),
                   KINDS.get(o.history_type, o.history_type),
                   bureaus.get(o.bureau_id) or schools.get(o.school_id) or "—",
                   f"{o.pack_id} · {o.param}", show_value(o.value),
                   o.history_change_reason or o.reason)
        for o in overrides
    ]
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows[:limit]
