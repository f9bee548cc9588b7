"""Plan templates and each school's plan versions. Templates per school kind ship in
data/plan_templates.yaml and are stored as a new `PlanTemplate` version whenever the file
changes; a school's plan starts as a copy of its kind's template and every edit is a new
`SchoolPlan` version, so a run (apps.emergency.plans) always names the version it used."""

from functools import lru_cache
from pathlib import Path

import yaml
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.errors import FieldError, ValidationFailed
from apps.emergency.models import PlanTemplate, SchoolPlan
from apps.emergency.plans import Duty, _fail, check_manage, school_for_read
from apps.orgs.models import School, SchoolKind

TEMPLATES_FILE = Path(__file__).resolve().parent / "data" / "plan_templates.yaml"
MAX_DUE_MINUTES = 14 * 24 * 60
MAX_STEPS = 60


def _validate_steps(raw_steps, *, field: str = "steps") -> list[dict]:
    """Each step as {"key", "title": {"zh", "en"}, "duty", "due_minutes"}; errors name the
    step (`steps.3.due_minutes`)."""
    if not isinstance(raw_steps, list) or not raw_steps:
        raise _fail(field, "empty", _("A plan needs at least one step."))
    if len(raw_steps) > MAX_STEPS:
        raise _fail(field, "too_many", _("A plan has at most %(n)s steps.") % {"n": MAX_STEPS})
    errors, steps = [], []
    for i, raw in enumerate(raw_steps, start=1):
        where = f"{field}.{i}"
        raw = raw if isinstance(raw, dict) else {}
        title = raw.get("title") if isinstance(raw.get("title"), dict) else {}
        zh = str(title.get("zh") or "").strip()[:200]
        en = str(title.get("en") or "").strip()[:200] or zh
        duty = raw.get("duty")
        minutes = raw.get("due_minutes")
        if not zh:
            errors.append(FieldError(f"{where}.title", "required",
                                     gettext("Step %(i)s needs a title.") % {"i": i}))
        elif set(title) - {"zh", "en"}:
            errors.append(FieldError(f"{where}.title", "unknown_keys",
                                     gettext("Step %(i)s: a title has only zh and en.")
                                     % {"i": i}))
        if duty not in Duty.values:
            errors.append(FieldError(f"{where}.duty", "unknown",
                                     gettext("Step %(i)s: unknown duty.") % {"i": i}))
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not (
                0 < minutes <= MAX_DUE_MINUTES):
            errors.append(FieldError(
                f"{where}.due_minutes", "out_of_range",
                gettext("Step %(i)s: due minutes must be between 1 and %(max)s.")
                % {"i": i, "max": MAX_DUE_MINUTES}))
        steps.append({"key": str(raw.get("key") or "")[:40], "title": {"zh": zh, "en": en},
                      "duty": duty, "due_minutes": minutes})
    if errors:
        raise ValidationFailed(errors)
    return steps


@lru_cache(maxsize=4)
def _read_templates(path: str, mtime: float) -> dict[str, dict]:
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    templates = data.get("templates") or {}
    missing = [k for k in SchoolKind.values if k not in templates]
    if missing:
        raise _fail("templates", "missing_kind", f"{path}: no template for {', '.join(missing)}")
    out = {}
    for kind, body in templates.items():
        if kind not in SchoolKind.values:
            raise _fail("templates", "unknown_kind", f"{path}: unknown school kind {kind}")
        name = str(body.get("name") or "").strip()
        if not name:
            raise _fail(f"templates.{kind}.name", "required", f"{path}: {kind} has no name")
        out[kind] = {"name": name[:100],
                     "steps": _validate_steps(body.get("steps"), field=f"templates.{kind}.steps")}
    return out


def plan_templates_read(path: Path = TEMPLATES_FILE) -> dict[str, dict]:
    """The templates in the file, validated: {kind: {"name", "steps"}}."""
    return _read_templates(str(path), path.stat().st_mtime)


@transaction.atomic
def plan_templates_load(path: Path = TEMPLATES_FILE) -> dict[str, tuple[int, bool]]:
    """Store each kind's template as a new version when it differs from the latest stored
    one; returns {kind: (latest version, whether it is new)}. Running it again changes
    nothing."""
    wanted = plan_templates_read(path)
    latest: dict[str, PlanTemplate] = {}
    for template in PlanTemplate.objects.filter(school_kind__in=wanted).order_by("version"):
        latest[template.school_kind] = template
    result = {}
    for kind, body in wanted.items():
        current = latest.get(kind)
        if current and current.name == body["name"] and current.steps == body["steps"]:
            result[kind] = (current.version, False)
            continue
        version = current.version + 1 if current else 1
        try:
            with transaction.atomic():
                PlanTemplate.objects.create(school_kind=kind, name=body["name"],
                                            version=version, steps=body["steps"])
        except IntegrityError:  # a concurrent load stored this version first
            result[kind] = (version, False)
            continue
        result[kind] = (version, True)
    return result


def plan_template_latest(*, school_kind: str) -> PlanTemplate | None:
    """The kind's latest template, loading the shipped file first when none is stored."""
    template = (PlanTemplate.objects.filter(school_kind=school_kind).order_by("-version")
                .first())
    if template is None:
        plan_templates_load()
        template = (PlanTemplate.objects.filter(school_kind=school_kind).order_by("-version")
                    .first())
    return template


# ---- school plans -----------------------------------------------------------------------------


def school_plan_latest(*, school_id: int) -> SchoolPlan | None:
    return SchoolPlan.objects.filter(school_id=school_id).order_by("-version").first()


def school_plan_versions(*, user, school_id: int):
    school_for_read(user, school_id)
    return (SchoolPlan.objects.filter(school_id=school_id).select_related("edited_by",
                                                                          "template")
            .order_by("-version"))


def _new_version(*, actor, school_id: int, steps: list[dict], template=None) -> SchoolPlan:
    latest = school_plan_latest(school_id=school_id)
    version = latest.version + 1 if latest else 1
    try:
        with transaction.atomic():
            return SchoolPlan.objects.create(
                school_id=school_id, version=version, steps=steps,
                template=template or (latest.template if latest else None),
                edited_by=actor if actor and actor.is_authenticated else None)
    except IntegrityError:
        raise _fail("base_version", "stale",
                    _("Someone saved the plan at the same time; reload it and edit again.")
                    ) from None


@transaction.atomic
def school_plan_from_template(*, actor, school_id: int) -> SchoolPlan:
    """A new version of the school's plan copied from its kind's latest template (the first
    version, or a reset to a newer template)."""
    if actor is not None:
        check_manage(actor, school_id)
    kind = School.objects.values_list("kind", flat=True).get(pk=school_id)
    template = plan_template_latest(school_kind=kind)
    if template is None:
        raise _fail("template", "missing", _("No plan template for this kind of school."))
    return _new_version(actor=actor, school_id=school_id, steps=template.steps,
                        template=template)


@transaction.atomic
def school_plan_save(*, actor, school_id: int, steps: list[dict],
                     base_version: int) -> SchoolPlan:
    """Save an edited plan (steps added, removed, reordered, duties and due minutes changed)
    as a new version. `base_version` is the version the editor started from: a plan saved by
    someone else meanwhile is refused, never overwritten. Unchanged steps save nothing."""
    check_manage(actor, school_id)
    steps = _validate_steps(steps)
    latest = school_plan_latest(school_id=school_id)
    if (latest.version if latest else 0) != base_version:
        raise _fail("base_version", "stale",
                    _("The plan changed since you opened it; reload it and edit again."))
    if latest and latest.steps == steps:
        return latest
    return _new_version(actor=actor, school_id=school_id, steps=steps)


def step_changes(old: list[dict], new: list[dict]) -> dict[str, int]:
    """How a version differs from the one before: steps added, removed, changed (by title)."""
    before = {s["title"]["zh"]: s for s in old}
    after = {s["title"]["zh"]: s for s in new}
    changed = sum(1 for t in before.keys() & after.keys()
                  if (before[t]["duty"], before[t]["due_minutes"]) !=
                  (after[t]["duty"], after[t]["due_minutes"]))
    moved = [t for t in [s["title"]["zh"] for s in new] if t in before] != [
        t for t in [s["title"]["zh"] for s in old] if t in after]
    return {"added": len(after.keys() - before.keys()),
            "removed": len(before.keys() - after.keys()), "changed": changed,
            "reordered": int(moved)}
