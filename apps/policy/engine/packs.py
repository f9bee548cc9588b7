"""Policy packs: versioned YAML files (apps/policy/packs/<id>.yaml), validated here, and the
tighten-only overrides of bureaus and schools on top of them.

A pack has id, version, title and summary (zh/en), `sources` {key: citation}, `parameters`
{name: {value, unit, title {zh, en}, source (a key of `sources`), verified, tighten, note?,
informational?}} and `rules` [{id, applies_to, params, title, description}]. `tighten` names
the stricter direction: "higher" (a longer monitoring period; a flag that is on) or "lower"
(a smaller gathering limit; a flag that is off). A bureau or school may move a value only
that way. `informational: true` marks guidance for people that no code acts on
(apps/policy/readers.py lists where every other parameter acts).

A pack may be a layer over another: `extends: "<pack id>@<version>"`. Its effective contents
are the base's with the layer's added: the layer's sources and rules join the base's (a rule
of the same id is the layer's), and a parameter it names again keeps the base's unit and
direction and may only be as strict or stricter, as an override may (`Parameter.layer` says
which pack gives each). The base must be at that version: a base that moved on is a change
the layer's authors must review before it runs.
"""

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from . import rules as _registered  # noqa: F401  (importing registers the engine's rules)
from .facts import Policy
from .registry import RULES

PACKS_DIR = Path(__file__).resolve().parent.parent / "packs"
UNITS = frozenset({
    "flag", "days", "hours", "minutes", "tests", "percent", "cases", "persons", "celsius",
    "swabs",
})
TIGHTEN = ("higher", "lower")
APPLIES_TO = frozenset({"person", "class", "school", "region"})


# ---- the pack ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    zh: str
    en: str


@dataclass(frozen=True)
class Parameter:
    name: str
    value: bool | int | float
    unit: str
    title: Text
    source: str  # the citation
    source_key: str
    verified: bool
    tighten: str  # higher | lower
    note: Text | None = None
    layer: str = ""  # the pack that gives it (the layer's id, or its base's)
    informational: bool = False  # guidance a person follows; no code reads it (readers.py)

    @property
    def is_flag(self) -> bool:
        return isinstance(self.value, bool)


@dataclass(frozen=True)
class Rule:
    id: str
    applies_to: str  # person | class | school | region
    params: tuple[str, ...]
    title: Text
    description: Text
    layer: str = ""  # the pack that gives it


@dataclass(frozen=True)
class Pack:
    id: str
    version: str
    title: Text
    summary: Text
    sources: dict[str, str]
    parameters: dict[str, Parameter]
    rules: tuple[Rule, ...]
    path: Path | None = field(default=None, compare=False)
    # this pack and the packs under it, top down: (("henan-2022", "2022.4.1"), ("routine", …))
    lineage: tuple[tuple[str, str], ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        """This pack's id and its bases', top down."""
        return tuple(pack_id for pack_id, _version in self.lineage) or (self.id,)

    @property
    def person_rules(self) -> tuple[str, ...]:
        """The rules the engine evaluates per person (the others are read by other modules)."""
        return tuple(r.id for r in self.rules if r.applies_to == "person")

    def values(self) -> dict[str, Any]:
        return {name: p.value for name, p in self.parameters.items()}

    def policy(self) -> Policy:
        return Policy(self.id, self.version, self.values(), self.person_rules)


# ---- validation ------------------------------------------------------------------------------


class PackError(ValueError):
    """A pack file that does not follow the schema: every problem, each as (where, reason,
    message), e.g. ("parameters.key_population_tests.source", "missing", ...)."""

    def __init__(self, path, problems: list[tuple[str, str, str]]):
        self.path, self.problems = path, problems
        lines = "\n".join(f"  {where}: {reason}: {message}" for where, reason, message in problems)
        super().__init__(f"policy pack {path} is not valid:\n{lines}")


class _Checker:
    def __init__(self):
        self.problems: list[tuple[str, str, str]] = []

    def add(self, where: str, reason: str, message: str) -> None:
        self.problems.append((where, reason, message))

    def keys(self, where: str, data: dict, required: set[str], optional: set[str] = frozenset()):
        for key in sorted(set(data) - required - optional, key=str):
            self.add(f"{where}.{key}" if where else str(key), "unknown_key",
                     f"not a field of the schema (expected one of {sorted(required | optional)})")
        for key in sorted(required - set(data)):
            self.add(f"{where}.{key}" if where else key, "missing", "required")

    def typed(self, where: str, value, types, what: str) -> bool:
        if isinstance(value, bool) and bool not in _as_tuple(types):
            ok = False
        else:
            ok = isinstance(value, types)
        if not ok:
            self.add(where, "wrong_type", f"must be {what}, not {type(value).__name__} {value!r}")
        return ok

    def text(self, where: str, value) -> Text | None:
        if not self.typed(where, value, dict, "a mapping with zh and en"):
            return None
        self.keys(where, value, {"zh", "en"})
        for lang in ("zh", "en"):
            if lang in value and self.typed(f"{where}.{lang}", value[lang], str, "text"):
                if not value[lang].strip():
                    self.add(f"{where}.{lang}", "empty", "must not be empty")
        if self.problems_under(where):
            return None
        return Text(value["zh"], value["en"])

    def problems_under(self, where: str) -> bool:
        return any(w == where or w.startswith(where + ".") for w, _, _ in self.problems)


def _as_tuple(types) -> tuple:
    return types if isinstance(types, tuple) else (types,)


def load_pack(path: str | Path, *, _below: tuple[str, ...] = ()) -> Pack:
    """Read and validate a pack file, with the pack it extends (a file of the same folder);
    raises PackError naming every problem."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PackError(path, [("", "yaml", str(exc))]) from exc
    seen = (*_below, path.stem)

    def base(pack_id: str) -> Pack:
        if pack_id in seen:
            raise PackError(path, [("extends", "cycle", " -> ".join((*seen, pack_id)))])
        found = available_packs(path.parent).get(pack_id)
        if found is None:
            raise PackError(path, [("extends", "unknown_pack", f"no pack {pack_id!r} here")])
        return load_pack(found, _below=seen)

    return parse_pack(data, path, base=base)


def parse_pack(data: Any, path: str | Path = "<pack>", *, base=None) -> Pack:
    """A pack from its parsed file. `base(pack_id)` gives the pack it extends (None: it
    may extend none)."""
    check = _Checker()
    if not check.typed("", data, dict, "a mapping"):
        raise PackError(path, check.problems)
    check.keys("", data, {"id", "version", "title", "summary", "sources", "parameters", "rules"},
               {"extends"})
    # The base first: the layer's rules may read its parameters.
    below = _base_of(data["extends"], base, path) if "extends" in data else None
    for key in ("id", "version"):
        if key in data:
            check.typed(key, data[key], str, "text (quote a version such as \"2022.3\")")
    if isinstance(path, Path) and isinstance(data.get("id"), str) and path.stem != data["id"]:
        check.add("id", "mismatch", f"must be the file's name {path.stem!r}")
    title = check.text("title", data.get("title")) if "title" in data else None
    summary = check.text("summary", data.get("summary")) if "summary" in data else None
    sources = _sources(check, data.get("sources", {}))
    parameters = _parameters(check, data.get("parameters", {}), sources)
    # Rules are checked against every parameter named, valid or not, so that one bad
    # parameter is reported once, not again by each rule that reads it.
    named = set(data["parameters"]) if isinstance(data.get("parameters"), dict) else set()
    rules = _rules(check, data.get("rules", []), named | set(below.parameters if below else ()))
    if check.problems:
        raise PackError(path, check.problems)
    pack = Pack(data["id"], data["version"], title, summary, sources,
                {name: replace(p, layer=data["id"]) for name, p in parameters.items()},
                tuple(replace(r, layer=data["id"]) for r in rules),
                path if isinstance(path, Path) else None, ((data["id"], data["version"]),))
    return pack if below is None else _layered(below, pack, path)


def _base_of(extends: Any, base, path) -> Pack:
    """The pack `extends` names, at the version it names."""
    pack_id, at, version = extends.partition("@") if isinstance(extends, str) else ("", "", "")
    if not (pack_id and at and version):
        raise PackError(path, [("extends", "bad_extends",
                                f"must be \"<pack id>@<version>\", not {extends!r}")])
    if base is None:
        raise PackError(path, [("extends", "no_base", "this pack cannot extend another")])
    found = base(pack_id)
    if found.version != version:
        raise PackError(path, [("extends", "base_moved",
                                f"{pack_id} is now version {found.version}, not {version}: "
                                f"review this layer against it and extend {pack_id}@"
                                f"{found.version}")])
    return found


def _layered(base: Pack, layer: Pack, path) -> Pack:
    """The layer over its base; raises PackError naming every conflict."""
    check = _Checker()
    for key in sorted(set(base.sources) & set(layer.sources)):
        if base.sources[key] != layer.sources[key]:
            check.add(f"sources.{key}", "conflict",
                      f"{base.id} cites {base.sources[key]!r} under this key")
    for name in sorted(set(base.parameters) & set(layer.parameters)):
        _check_tightened(check, base, layer.parameters[name])
    if check.problems:
        raise PackError(path, check.problems)
    layer_rules = {r.id for r in layer.rules}
    return replace(
        layer, sources={**base.sources, **layer.sources},
        parameters={**base.parameters, **layer.parameters},
        rules=(*(r for r in base.rules if r.id not in layer_rules), *layer.rules),
        lineage=(*layer.lineage, *base.lineage))


def _check_tightened(check: _Checker, base: Pack, spec: Parameter) -> None:
    """A parameter a layer names again: the base's unit and direction, as strict or more."""
    where, below = f"parameters.{spec.name}", base.parameters[spec.name]
    if (spec.unit, spec.tighten) != (below.unit, below.tighten):
        check.add(where, "conflict", f"{base.id} gives it unit {below.unit!r} and tighten "
                  f"{below.tighten!r}; a layer may not change them")
        return
    try:
        check_override(base, spec.name, spec.value)  # as an override of the base's value
    except OverrideRejected as exc:
        check.add(f"{where}.value", "loosens", f"{exc} (the value of {base.id})")


def _sources(check: _Checker, data) -> dict[str, str]:
    if not check.typed("sources", data, dict, "a mapping of key to citation"):
        return {}
    found = {}
    for key, citation in data.items():
        if check.typed(f"sources.{key}", citation, str, "a citation") and citation.strip():
            found[str(key)] = citation
        elif isinstance(citation, str):
            check.add(f"sources.{key}", "empty", "must name a document")
    return found


PARAM_REQUIRED = {"value", "unit", "title", "source", "verified", "tighten"}


def _parameters(check: _Checker, data, sources: dict[str, str]) -> dict[str, Parameter]:
    if not check.typed("parameters", data, dict, "a mapping of name to parameter"):
        return {}
    found = {}
    for name, spec in data.items():
        where = f"parameters.{name}"
        if not check.typed(where, spec, dict, "a mapping"):
            continue
        check.keys(where, spec, PARAM_REQUIRED, {"note", "informational"})
        value, unit = spec.get("value"), spec.get("unit")
        if unit is not None and unit not in UNITS:
            check.add(f"{where}.unit", "bad_unit", f"must be one of {sorted(UNITS)}")
        if "value" in spec:
            _check_value(check, f"{where}.value", value, unit)
        source = spec.get("source")
        if "source" in spec and (not isinstance(source, str) or source not in sources):
            check.add(f"{where}.source", "unknown_source",
                      f"must be a key of `sources` ({sorted(sources)}), not {source!r}")
        for flag in ("verified", "informational"):
            if flag in spec:
                check.typed(f"{where}.{flag}", spec[flag], bool, "true or false")
        if "tighten" in spec and spec["tighten"] not in TIGHTEN:
            check.add(f"{where}.tighten", "bad_tighten",
                      f"must be 'higher' or 'lower', not {spec['tighten']!r}")
        title = check.text(f"{where}.title", spec["title"]) if "title" in spec else None
        note = check.text(f"{where}.note", spec["note"]) if "note" in spec else None
        if not check.problems_under(where):
            found[name] = Parameter(name, value, unit, title, sources[source], source,
                                    spec["verified"], spec["tighten"], note,
                                    informational=spec.get("informational", False))
    return found


def _check_value(check: _Checker, where: str, value, unit) -> None:
    if unit == "flag":
        check.typed(where, value, bool, "true or false (the unit is flag)")
    elif check.typed(where, value, (int, float), "a number") and value < 0:
        check.add(where, "negative", "must not be negative")


RULE_REQUIRED = {"id", "applies_to", "params", "title", "description"}


def _rules(check: _Checker, data, parameters: set[str]) -> tuple[Rule, ...]:
    if not check.typed("rules", data, list, "a list of rules"):
        return ()
    found, seen = [], set()
    for i, spec in enumerate(data):
        where = f"rules[{i}]"
        if not check.typed(where, spec, dict, "a mapping"):
            continue
        where = f"rules.{spec.get('id', i)}"
        check.keys(where, spec, RULE_REQUIRED)
        rule_id, applies_to = spec.get("id"), spec.get("applies_to")
        if rule_id in seen:
            check.add(where, "duplicate", "a rule id appears once")
        seen.add(rule_id)
        if "applies_to" in spec and applies_to not in APPLIES_TO:
            check.add(f"{where}.applies_to", "bad_scope", f"must be one of {sorted(APPLIES_TO)}")
        params = spec.get("params", [])
        if check.typed(f"{where}.params", params, list, "a list of parameter names"):
            for name in params:
                if name not in parameters:
                    check.add(f"{where}.params", "unknown_param", f"no parameter {name!r}")
        if applies_to == "person":
            _check_engine_rule(check, where, rule_id, params)
        title = check.text(f"{where}.title", spec["title"]) if "title" in spec else None
        text = check.text(f"{where}.description", spec["description"]) \
            if "description" in spec else None
        if not check.problems_under(where):
            found.append(Rule(rule_id, applies_to, tuple(params), title, text))
    return tuple(found)


def _check_engine_rule(check: _Checker, where: str, rule_id, params) -> None:
    """A person rule must be one the engine has, listing every parameter it reads."""
    engine_rule = RULES.get(rule_id)
    if engine_rule is None:
        check.add(f"{where}.id", "unknown_rule",
                  f"the engine has no person rule {rule_id!r} (it has {sorted(RULES)})")
        return
    missing = [p for p in engine_rule.params if p not in (params or [])]
    if missing:
        check.add(f"{where}.params", "missing_param", f"the rule reads {missing}")


def available_packs(directory: Path = PACKS_DIR) -> dict[str, Path]:
    """{pack id: path} of the pack files shipped (a pack's id is its file's name)."""
    return {path.stem: path for path in sorted(directory.glob("*.yaml"))}


# ---- tighten-only overrides ------------------------------------------------------------------


class OverrideRejected(ValueError):
    """An override a node may not make. `reason`: unknown | wrong_type | negative | loosens."""

    def __init__(self, param: str, reason: str, message: str = ""):
        self.param, self.reason = param, reason
        super().__init__(message or f"{param}: {reason}")


class OverrideLayer(NamedTuple):
    label: str  # "province", "city:410100", "county:410105", "school:123", or a name
    values: dict[str, Any]
    source: str = ""  # the decision that tightened, e.g. a bureau's notice; the label if empty


@dataclass(frozen=True)
class EffectivePolicy:
    policy: Policy
    # {param: (value, layer label or "pack", source)}
    provenance: dict[str, tuple[Any, str, str]]


def check_override(pack: Pack, param: str, value: Any, parent_value: Any = None) -> None:
    """Raise OverrideRejected unless `value` is a valid value of `param` that is as strict as
    `parent_value` (the value above the node; the pack's when None) or stricter."""
    spec = pack.parameters.get(param)
    if spec is None:
        raise OverrideRejected(param, "unknown", f"the pack {pack.id} has no parameter {param}")
    _check_type(spec, value)
    parent = spec.value if parent_value is None else parent_value
    looser = value < parent if spec.tighten == "higher" else value > parent
    if looser:
        raise OverrideRejected(
            param, "loosens",
            f"{param}: {value!r} is looser than {parent!r} (only {spec.tighten} values tighten)",
        )


def _check_type(spec: Parameter, value: Any) -> None:
    if spec.is_flag:
        if not isinstance(value, bool):
            raise OverrideRejected(spec.name, "wrong_type", f"{spec.name} is true or false")
        return
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or (isinstance(spec.value, int) and not float(value).is_integer()):
        kind = "a whole number" if isinstance(spec.value, int) else "a number"
        raise OverrideRejected(spec.name, "wrong_type", f"{spec.name} is {kind} ({spec.unit})")
    if value < 0:
        raise OverrideRejected(spec.name, "negative", f"{spec.name} must not be negative")


def _normal(spec: Parameter, value: Any) -> Any:
    """7.0 for a whole-number parameter is stored as 7, so the rules get the pack's type."""
    if not spec.is_flag and isinstance(spec.value, int) and isinstance(value, float):
        return int(value)
    return value


def apply_overrides(pack: Pack, layers: list[OverrideLayer | tuple]) -> EffectivePolicy:
    """The pack's values, then each layer's (top down), each checked against the value above
    it. Raises OverrideRejected on the first override that is unknown, invalid or looser."""
    values = pack.values()
    provenance = {name: (p.value, "pack", p.source) for name, p in pack.parameters.items()}
    for layer in layers:
        layer = OverrideLayer(*layer)
        for param in sorted(layer.values):
            value = layer.values[param]
            check_override(pack, param, value, values[param])
            values[param] = _normal(pack.parameters[param], value)
            provenance[param] = (values[param], layer.label, layer.source or layer.label)
    return EffectivePolicy(Policy(pack.id, pack.version, values, pack.person_rules), provenance)
