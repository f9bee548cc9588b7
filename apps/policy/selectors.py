"""Reads of policy: the pack a province runs, and the effective policy of a school or a
bureau (the pack, then the tightening overrides of each bureau above it, then its own),
with where each value came from.

The pack's contents come from its YAML file (apps.policy.engine.packs), loaded once per
process and file version; only the choice and the overrides are in the database.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.orgs.models import Bureau, School
from apps.policy.engine import facts
from apps.policy.engine.packs import (
    OverrideLayer,
    OverrideRejected,
    apply_overrides,
    available_packs,
    check_override,
    load_pack,
)
from apps.policy.models import PolicyOverride, PolicySwitch, ProvincePolicy, SwitchState

# The law today (学校和托幼机构传染病疫情报告工作规范 2006, GB 28932-2012, WS/T 772-2020):
# a province that has chosen nothing runs routine surveillance, not the 2022 directive.
DEFAULT_PACK = "routine"
BATCH = 2000  # school ids per IN (...) list


class PackOutdated(Exception):
    """The province chose a pack version that its file no longer has: the rules changed
    under it, and running them unreviewed would be a policy change nobody chose."""

    def __init__(self, province_code: str, pack_id: str, chosen: str, current: str):
        self.province_code, self.pack_id = province_code, pack_id
        self.chosen, self.current = chosen, current
        super().__init__(
            _("Province %(province)s chose pack %(pack)s version %(chosen)s, but its file is "
              "now version %(current)s: a province admin must review it and choose it again.")
            % {"province": province_code, "pack": pack_id, "chosen": chosen, "current": current}
        )


class PackMissing(Exception):
    def __init__(self, pack_id: str):
        self.pack_id = pack_id
        super().__init__(_("Policy pack %(pack)s has no file any more.") % {"pack": pack_id})


# ---- packs -----------------------------------------------------------------------------


def pack_paths() -> dict:
    return available_packs()


@lru_cache(maxsize=32)
def _load(path: str, mtime_ns: int):
    return load_pack(path)


def pack_get(pack_id: str):
    """The pack with this id, from its file (cached until the file changes)."""
    path = pack_paths().get(pack_id)
    if path is None:
        raise PackMissing(pack_id)
    return _load(str(path), path.stat().st_mtime_ns)


def rule_layers(pack_id: str) -> dict[str, str]:
    """{rule id: the pack of the lineage that gives it} of a pack (henan-2022's own rules,
    and routine's it extends)."""
    return {rule.id: rule.layer or pack_id for rule in pack_get(pack_id).rules}


def packs_all() -> list:
    return [pack_get(pack_id) for pack_id in sorted(pack_paths())]


def province_choice(province_code: str) -> ProvincePolicy | None:
    return ProvincePolicy.objects.filter(province_code=province_code).first()


def active_pack(province_code: str):
    """The pack the province runs: its choice, or DEFAULT_PACK ("routine") when it has made
    none. Raises PackOutdated when the chosen version is no longer the file's."""
    return _active_pack(province_choice(province_code), province_code)


def _active_pack(choice: ProvincePolicy | None, province_code: str):
    if choice is None:
        return pack_get(DEFAULT_PACK)
    pack = pack_get(choice.pack_id)
    if str(pack.version) != choice.pack_version:
        raise PackOutdated(province_code, choice.pack_id, choice.pack_version, str(pack.version))
    return pack


SWITCHES_SHOWN = 200


def switches_for(province_code: str) -> list[PolicySwitch]:
    """The province's switches, newest first: the one scheduled, and the history."""
    return list(PolicySwitch.objects.filter(province_code=province_code)
                .select_related("scheduled_by", "cancelled_by")[:SWITCHES_SHOWN])


def switch_reach(province_code: str) -> dict:
    """How many schools (and active people in them) a switch of the province's pack reaches:
    every school of the province (what the choose page asks the admin to confirm)."""
    from apps.people.models import Person

    return {"schools": School.objects.filter(province_code=province_code).count(),
            "people": Person.objects.filter(school__province_code=province_code,
                                            active=True).count()}


PROGRESS_SHOWN = timedelta(hours=1)  # an applied switch's bar stays on the page this long


def switch_showing_progress(switches: list[PolicySwitch], now) -> PolicySwitch | None:
    """The switch whose bar the policy page shows: one due and not applied yet, or one
    applied within the last hour (the admin who just chose sees it finish)."""
    for switch in switches:
        if switch.state == SwitchState.SCHEDULED and switch.effective_from <= now:
            return switch
        if switch.state == SwitchState.APPLIED and switch.applied_at \
                and now - switch.applied_at <= PROGRESS_SHOWN:
            return switch
    return None


def switch_progress(switch: PolicySwitch, now):
    """How far a switch is (apps.core.progress), from what the worker committed: a scheduled
    switch is applied and its statuses recomputed in one transaction (its row says applied,
    with the persons recomputed); a choice made for now is recorded applied at once and the
    worker's recompute_for_pack_choice task recomputes the statuses (its task record)."""
    from django.urls import reverse
    from django.utils.translation import ngettext

    from apps.core.progress import DONE, QUEUED, RUNNING, Progress
    from apps.status.progress import recompute_progress

    history = {"result_url": reverse("policy:history"), "result_label": _("Change history")}
    schools = School.objects.filter(province_code=switch.province_code).count()
    if switch.state == SwitchState.SCHEDULED:
        if switch.effective_from > now:
            return Progress(QUEUED, label=_("Scheduled: nothing is done before its time."))
        return Progress(RUNNING, label=ngettext(
            "Applying the switch to %(n)d school and recomputing its people's statuses.",
            "Applying the switch to %(n)d schools and recomputing their people's statuses.",
            schools) % {"n": schools})
    if switch.state != SwitchState.APPLIED:
        return Progress(DONE, label=switch.get_state_display(), **history)
    label = (ngettext("In force in %(n)d school.", "In force in %(n)d schools.", schools)
             % {"n": schools})
    if switch.recomputed is not None:
        label += " " + ngettext("%(n)d person's status recomputed.",
                                "%(n)d persons' statuses recomputed.",
                                switch.recomputed) % {"n": switch.recomputed}
        return Progress(DONE, done=schools, total=schools, label=label, **history)
    # chosen for now: the worker's recompute after it
    recompute = recompute_progress(
        "recompute_for_pack_choice", since=switch.applied_at, args=[switch.province_code],
        running=ngettext("Recomputing the statuses of the people of %(n)d school.",
                         "Recomputing the statuses of the people of %(n)d schools.",
                         schools) % {"n": schools}, **history)
    if recompute is None:
        return Progress(DONE, done=schools, total=schools, label=label, **history)
    if recompute.state == DONE:
        return Progress(DONE, done=schools, total=schools,
                        label=f"{label} {recompute.label}", **history)
    return recompute


def override_progress(kind: str, node):
    """The bar of the statuses' recompute that the node's last tightening (or removal of
    one) started in the worker, for the node's schools; None once it is an hour old."""
    from apps.policy.signals import schools_under
    from apps.status.progress import recompute_progress

    last = (PolicyOverride.history.filter(**{f"{kind}_id": node.pk})
            .order_by("-history_date").values_list("history_date", flat=True).first())
    schools = schools_under(node)
    return recompute_progress(
        "recompute_for_schools", since=last, args=[schools],
        running=_("Recomputing the statuses of the people of the schools below."))


# ---- layers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """One node's overrides {param: value} and their reasons; `label` (the node's name)
    names the node on the pages and in the provenance."""

    kind: str  # bureau | school
    node_id: int
    label: str
    values: dict
    reasons: dict = field(default_factory=dict)


def bureau_chain(bureau: Bureau) -> list[Bureau]:
    """The bureau and those above it, from the province down (parents already loaded by
    select_related("parent__parent") cost no query)."""
    chain = []
    node = bureau
    while node is not None:
        chain.append(node)
        node = node.parent if node.parent_id else None
    return chain[::-1]


def _layers(pack, bureaus: list[Bureau], school: School | None) -> list[Layer]:
    """The layers of overrides, top down, read in one query. A node's overrides made under
    the pack or a pack it extends (`pack.ids`) all count, the pack's own over a base's
    (`_merged`): a layer such as henan-2022 keeps what the bureaus tightened under routine."""
    nodes = Q(bureau_id__in=[b.pk for b in bureaus])
    if school is not None:
        nodes |= Q(school_id=school.pk)
    values, reasons = defaultdict(_by_pack), defaultdict(_by_pack)
    for o in PolicyOverride.objects.filter(nodes, pack_id__in=pack.ids).values(
        "bureau_id", "school_id", "pack_id", "param", "value", "reason"
    ):
        key = ("bureau", o["bureau_id"]) if o["bureau_id"] else ("school", o["school_id"])
        values[key][o["pack_id"]][o["param"]] = o["value"]
        reasons[key][o["pack_id"]][o["param"]] = o["reason"]
    nodes = [("bureau", b) for b in bureaus] + ([("school", school)] if school else [])
    return [Layer(kind, node.pk, node.name, _merged(pack, values[(kind, node.pk)]),
                  _merged(pack, reasons[(kind, node.pk)])) for kind, node in nodes]


def _by_pack() -> defaultdict:
    """{pack id: {param: ...}} of one node."""
    return defaultdict(dict)


def own_overrides(pack, overrides) -> dict:
    """{param: override} of one node, the pack's own over a base's (as they apply)."""
    by_pack = _by_pack()
    for o in overrides:
        by_pack[o.pack_id][o.param] = o
    return _merged(pack, by_pack)


def _merged(pack, by_pack: dict) -> dict:
    """{param: ...} of one node's {pack id: {param: ...}}: the deepest base first, so the
    pack's own (last) win."""
    return {param: value for pack_id in reversed(pack.ids)
            for param, value in by_pack.get(pack_id, {}).items()}


def _apply(pack, layers: list[Layer]):
    """The engine's apply_overrides over the layers, one override at a time (so each value's
    provenance carries its own reason). An override that is no longer valid or no longer
    stricter than the value above it (the pack or a bureau above has since tightened past
    it, or the pack's new version dropped the parameter) is superseded and skipped: it can
    never loosen anything, and it must not break the policy of the schools below."""
    running = pack.values()
    applied = []
    for layer in layers:
        for param in sorted(layer.values):
            value = layer.values[param]
            try:
                check_override(pack, param, value, running[param] if param in running else None)
            except OverrideRejected:
                continue
            running[param] = value
            applied.append(OverrideLayer(layer.label, {param: value},
                                         layer.reasons.get(param, "")))
    return apply_overrides(pack, applied)


# ---- effective policy ------------------------------------------------------------------


# Flags that, while on, are an instruction to every school under them: its home page says so.
INSTRUCTION_FLAGS = ("offline_training_suspended",)


@dataclass(frozen=True)
class Effective:
    """What the pages and the API show: the pack, the layers, and the engine's result."""

    pack: object
    layers: list[Layer]
    result: object  # engine EffectivePolicy: .policy and .provenance

    @property
    def policy(self) -> facts.Policy:
        return self.result.policy

    @property
    def provenance(self) -> dict:
        return self.result.provenance


def _school_with_chain(school: School | int) -> School:
    pk = school if isinstance(school, int) else school.pk
    return School.objects.select_related("bureau__parent__parent").get(pk=pk)


def effective_for_school(school: School | int) -> Effective:
    """The school's effective policy with its layers (three queries: the school and its
    bureaus, the province's choice, the overrides). Kept on the school object, so a request
    that asks again for the same object does not read again."""
    cached = getattr(school, "_policy_effective", None)
    if cached is not None:
        return cached
    loaded = _school_with_chain(school)
    pack = active_pack(loaded.province_code)
    layers = _layers(pack, bureau_chain(loaded.bureau), loaded)
    effective = Effective(pack, layers, _apply(pack, layers))
    if isinstance(school, School):
        school._policy_effective = effective
    return effective


def effective_policy_for_school(school: School | int):
    """The engine's EffectivePolicy of one school: `.policy` (facts.Policy) and
    `.provenance` {param: (value, layer label or "pack", source)}."""
    return effective_for_school(school).result


def effective_for_bureau(bureau: Bureau | int) -> Effective:
    """A bureau's effective policy: the pack and the overrides of it and the bureaus above."""
    pk = bureau if isinstance(bureau, int) else bureau.pk
    loaded = Bureau.objects.select_related("parent__parent").get(pk=pk)
    pack = active_pack(loaded.province_code)
    layers = _layers(pack, bureau_chain(loaded), None)
    return Effective(pack, layers, _apply(pack, layers))


def effective_for_parent(node: Bureau | School) -> Effective | None:
    """What a node's override is checked against: the effective policy of the node above it
    (a school's bureau; a bureau's parent). None for the province bureau: the pack itself."""
    if isinstance(node, School):
        return effective_for_bureau(node.bureau_id)
    if node.parent_id:
        return effective_for_bureau(node.parent_id)
    return None


def _batches(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def effective_policies_for_schools(school_ids: Iterable[int]) -> dict[int, facts.Policy]:
    """The effective policy of many schools at once, set-based: the schools, every bureau of
    their provinces, the provinces' choices, the bureaus' overrides and the schools'
    overrides are read in five queries (one more for each further BATCH schools), and the
    schools of one bureau with the same overrides of their own (most often none) share one
    computation."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    schools = []
    for batch in _batches(ids):
        schools += School.objects.filter(pk__in=batch).values_list(
            "pk", "bureau_id", "province_code", "name")
    provinces = {s[2] for s in schools}
    packs = {code: _active_pack(choice, code) for code, choice in _choices(provinces).items()}
    pack_ids = {pack_id for p in packs.values() for pack_id in p.ids}
    chains = _bureau_chains(provinces, pack_ids)
    own = _school_overrides(ids, pack_ids, provinces)
    shared: dict[tuple, facts.Policy] = {}
    result = {}
    for pk, bureau_id, province, name in schools:
        pack = packs[province]
        layers = [Layer("bureau", b.pk, b.name, _merged(pack, values))
                  for b, values in chains[bureau_id]]
        mine = _merged(pack, own.get(pk, {}))
        # Schools of one bureau with the same overrides of their own share one computation.
        key = (bureau_id, pack.id, repr(sorted(mine.items())))
        if key not in shared:
            shared[key] = _apply(pack, [*layers, Layer("school", pk, name, mine)]).policy
        result[pk] = shared[key]
    return result


def _choices(provinces: set[str]) -> dict[str, ProvincePolicy | None]:
    chosen = {c.province_code: c for c in ProvincePolicy.objects.filter(
        province_code__in=provinces)}
    return {code: chosen.get(code) for code in provinces}


def _bureau_chains(provinces: set[str], pack_ids: set[str]) -> dict[int, list]:
    """Every bureau of the provinces -> its chain from the province down, each bureau with
    its overrides {pack_id: {param: value}}: two queries, parents linked in memory."""
    bureaus = {b.pk: b for b in Bureau.objects.filter(province_code__in=provinces)}
    values = defaultdict(_by_pack)
    for bureau_id, pack_id, param, value in PolicyOverride.objects.filter(
        bureau_id__in=list(bureaus), pack_id__in=pack_ids
    ).values_list("bureau_id", "pack_id", "param", "value"):
        values[bureau_id][pack_id][param] = value
    chains = {}
    for pk, bureau in bureaus.items():
        chain, node = [], bureau
        while node is not None:
            chain.append((node, values[node.pk]))
            node = bureaus.get(node.parent_id)
        chains[pk] = chain[::-1]
    return chains


def _school_overrides(ids: list[int], pack_ids: set[str], provinces: set[str]
                      ) -> dict[int, dict[str, dict]]:
    """{school id: {pack id: {param: value}}} in one query: by school id for a batch or
    less, otherwise every school override of the provinces (few: most schools have none),
    kept for the schools asked about."""
    overrides = PolicyOverride.objects.filter(pack_id__in=pack_ids)
    if len(ids) <= BATCH:
        overrides = overrides.filter(school_id__in=ids)
    else:
        overrides = overrides.filter(school__isnull=False, province_code__in=provinces)
    wanted = set(ids)
    own = defaultdict(_by_pack)
    for school_id, pack_id, param, value in overrides.values_list(
        "school_id", "pack_id", "param", "value"
    ):
        if school_id in wanted:
            own[school_id][pack_id][param] = value
    return own


def instructions_for_school(school: School) -> list:
    """The pack parameters (INSTRUCTION_FLAGS) in force for the school, for its home page;
    none while its province's pack choice needs review."""
    try:
        effective = effective_for_school(school)
    except (PackOutdated, PackMissing):
        return []
    return [effective.pack.parameters[name] for name in INSTRUCTION_FLAGS
            if effective.policy.params.get(name)]
