"""Writes to risk-area designations: designate, change, lift, import a CSV.

Each is one transaction that checks every field and raises one ValidationFailed naming them
all, and, once committed, sends `risk_areas_changed` (apps.risk.signals) so that the
statuses of the people affected are recomputed. Lifting is an event, not a deletion: the
designation keeps its row with the day it ended, who lifted it and why, and every change
is in its history.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access.rules import has_perm_anywhere, may_in_region
from apps.core.errors import FieldError, ValidationFailed
from apps.people.validation import check_text, required
from apps.regions.models import Region
from apps.regions.selectors import region_is_within, region_resolve
from apps.risk.models import RiskArea, RiskLevel
from apps.risk.signals import send_risk_areas_changed

# What people write for a level: the codes, and the Chinese of notices (高/中/低风险(地区)).
LEVEL_WORDS = {
    **{level.value: level.value for level in RiskLevel},
    **{f"{zh}{suffix}": level for zh, level in (("高", "high"), ("中", "medium"), ("低", "low"))
       for suffix in ("", "风险", "风险区", "风险地区")},
}


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()  # "leave as is" for risk_area_update (None clears `end`)


def parse_level(value) -> str | None:
    """high/medium/low, any case, or 高/中/低(风险(地区)); None if it is none of them."""
    text = "".join(str(value or "").split()).lower()
    return LEVEL_WORDS.get(text)


@dataclass(frozen=True)
class AreaValues:
    region: Region | None
    sub_area: str
    level: str | None
    start: date | None
    end: date | None
    source: str


# Checks ---------------------------------------------------------------------------------


def _require_changer(actor) -> None:
    if not (actor and actor.is_authenticated and has_perm_anywhere(actor, "risk.change")):
        raise Http404


def clean_region(actor, text: str, field: str = "region") -> tuple[Region | None, list]:
    if not str(text or "").strip():
        return None, [required(field)]
    try:
        region = region_resolve(text, field=field)
    except ValidationFailed as exc:
        return None, list(exc.errors)
    # The province designates anywhere (people come back from other provinces), a bureau
    # inside its region (see RiskAreaQuerySet.restrict).
    if not may_in_region(actor, "risk.change", region.code, within=region_is_within,
                         beyond_province=True):
        return None, [FieldError(field, "out_of_scope",
                                 _("%(region)s is outside your region.")
                                 % {"region": region.full_name})]
    return region, []


def clean_level(value, field: str = "level") -> tuple[str | None, list]:
    if not str(value or "").strip():
        return None, [required(field)]
    level = parse_level(value)
    if level is None:
        return None, [FieldError(field, "unknown_level",
                                 _("The level is high, medium or low (高, 中 or 低)."))]
    return level, []


def check_period(start: date | None, end: date | None) -> list[FieldError]:
    errors = [] if start else [required("start")]
    if start and end and end < start:
        errors.append(FieldError("end", "before_start", _("The end is before the start.")))
    return errors


def _normal_sub_area(text: str) -> str:
    return " ".join(str(text or "").split())


def overlapping(values: AreaValues, *, exclude_pk: int | None = None):
    """Designations of the same region and sub-area whose period meets this one's."""
    found = RiskArea.objects.filter(region=values.region, sub_area=values.sub_area)
    if values.end:
        found = found.filter(start__lte=values.end)
    found = found.exclude(end__lt=values.start)
    return found.exclude(pk=exclude_pk) if exclude_pk else found


def check_overlap(values: AreaValues, *, exclude_pk: int | None = None) -> list[FieldError]:
    if not (values.region and values.start):
        return []
    other = overlapping(values, exclude_pk=exclude_pk).first()
    if other is None:
        return []
    return [FieldError("start", "overlaps", _(
        "%(region)s %(sub_area)s is already designated %(level)s from %(start)s; "
        "change or lift that designation instead.") % {
            "region": other.region.full_name, "sub_area": other.sub_area,
            "level": other.get_level_display(), "start": other.start.isoformat()})]


def clean_area(
    *, actor, region_code, level, start, end, sub_area, source
) -> tuple[AreaValues, list]:
    """Every field checked; the values to store and all the errors."""
    region, errors = clean_region(actor, region_code)
    level_value, found = clean_level(level)
    errors += found
    errors += check_period(start, end)
    sub_area = _normal_sub_area(sub_area)
    source = " ".join(str(source or "").split())
    errors += check_text("sub_area", sub_area, 200, needed=False)
    errors += check_text("source", source, 300, needed=True)
    values = AreaValues(region, sub_area, level_value, start, end, source)
    return values, errors


def _save(area: RiskArea, *, actor, reason: str) -> None:
    area._history_user = actor
    area._change_reason = reason
    area.save()


# Services -------------------------------------------------------------------------------


@transaction.atomic
def risk_area_designate(
    *,
    actor,
    region_code: str,
    level: str,
    start: date | None,
    end: date | None = None,
    sub_area: str = "",
    source: str,
) -> RiskArea:
    """A new designation of a region (or a street, compound or building in it)."""
    _require_changer(actor)
    values, errors = clean_area(actor=actor, region_code=region_code, level=level, start=start,
                                end=end, sub_area=sub_area, source=source)
    errors += check_overlap(values)
    if errors:
        raise ValidationFailed(errors)
    area = RiskArea(region=values.region, sub_area=values.sub_area, level=values.level,
                    start=values.start, end=values.end, source=values.source, created_by=actor)
    _save(area, actor=actor, reason="designated")
    send_risk_areas_changed([area.pk])
    return area


def _changeable(actor, area: RiskArea) -> RiskArea:
    # of=self: the scope joins the region tree with outer joins, which cannot be locked.
    found = RiskArea.objects.restrict(actor, "risk.change").select_for_update(of=("self",))
    area = found.filter(pk=area.pk).first()
    if area is None:
        raise Http404
    return area


@transaction.atomic
def risk_area_update(
    *,
    actor,
    area: RiskArea,
    level: str | _Unset = UNSET,
    start: date | _Unset = UNSET,
    end: date | None | _Unset = UNSET,
    sub_area: str | _Unset = UNSET,
    source: str | _Unset = UNSET,
) -> RiskArea:
    """A designation corrected or re-levelled (medium to high); a lifted one stays as lifted."""
    area = _changeable(actor, area)
    if area.lifted_at:
        raise ValidationFailed([FieldError("area", "lifted",
                                           _("A lifted designation cannot be changed."))])
    given = {"level": level, "start": start, "end": end, "sub_area": sub_area, "source": source}
    current = {name: getattr(area, name) for name in given}
    merged = {k: current[k] if v is UNSET else v for k, v in given.items()}
    values, errors = clean_area(actor=actor, region_code=area.region_id, **merged)
    errors += check_overlap(values, exclude_pk=area.pk)
    if errors:
        raise ValidationFailed(errors)
    for name in given:
        setattr(area, name, getattr(values, name))
    _save(area, actor=actor, reason="changed")
    send_risk_areas_changed([area.pk])
    return area


@transaction.atomic
def risk_area_lift(*, actor, area: RiskArea, lifted_on: date | None, reason: str) -> RiskArea:
    """Lift a designation: `lifted_on` is its last day in force."""
    area = _changeable(actor, area)
    reason = " ".join(str(reason or "").split())
    errors = check_text("reason", reason, 300, needed=True)
    if area.lifted_at:
        errors.append(FieldError("lifted_on", "already_lifted", _("It is already lifted.")))
    elif lifted_on is None:
        errors.append(required("lifted_on"))
    elif lifted_on < area.start:
        errors.append(FieldError("lifted_on", "before_start",
                                 _("A designation cannot be lifted before it started.")))
    elif lifted_on > timezone.localdate():
        errors.append(FieldError("lifted_on", "in_future", _("The date is in the future.")))
    elif area.end and lifted_on > area.end:
        errors.append(FieldError("lifted_on", "after_end",
                                 _("The designation had already ended on %(end)s.")
                                 % {"end": area.end.isoformat()}))
    if errors:
        raise ValidationFailed(errors)
    area.end = lifted_on
    area.lifted_at = timezone.now()
    area.lifted_by = actor
    area.lift_reason = reason
    _save(area, actor=actor, reason=f"lifted: {reason}"[:100])
    send_risk_areas_changed([area.pk])
    return area


def risk_areas_import_csv(*, actor, file, apply_valid_only: bool = False, dry_run: bool = False):
    """Designations from a CSV file (see apps.risk.imports for the columns and encodings).

    All or nothing unless `apply_valid_only`; `dry_run` checks and counts without saving.
    Returns an ImportReport listing every bad row (row number, column, value, reason)."""
    from apps.risk.imports import import_rows

    _require_changer(actor)
    return import_rows(actor=actor, file=file, apply_valid_only=apply_valid_only,
                       dry_run=dry_run)


def save_imported(*, actor, rows: list[AreaValues]) -> list[int]:
    """Store checked rows in bulk, with one history row each; returns their ids."""
    from simple_history.utils import bulk_create_with_history

    areas = [RiskArea(region=v.region, sub_area=v.sub_area, level=v.level, start=v.start,
                      end=v.end, source=v.source, created_by=actor) for v in rows]
    created = bulk_create_with_history(areas, RiskArea, default_user=actor,
                                       default_change_reason="imported")
    ids = [a.pk for a in created]
    send_risk_areas_changed(ids)
    return ids
