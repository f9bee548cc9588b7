"""The school-year rollover over the API (/rollover): a dry run by default; applied once
per school and year."""

from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from apps.orgs.models import School
from apps.orgs.selectors import CHANGE
from apps.schoolyear.services import rollover_plan, school_year_rollover

router = Router(tags=["schoolyear"])


class SchoolYearRolloverIn(Schema):
    to_year: Annotated[int, Field(ge=2000, le=2100)] | None = None  # default: the next one
    school_id: int | None = None  # default: every school the caller sets up
    dry_run: bool = True


class SchoolYearRolloverRenameOut(Schema):
    id: int
    old: str
    new: str


class SchoolYearRolloverIntakeOut(Schema):
    grade: str
    classes: list[str]


class SchoolYearRolloverSchoolOut(Schema):
    school_id: int
    school_name: str
    done: bool
    grades: list[SchoolYearRolloverRenameOut]
    classes: list[SchoolYearRolloverRenameOut]
    graduated_grades: list[SchoolYearRolloverRenameOut]
    graduated_classes: list[SchoolYearRolloverRenameOut]
    graduates: int
    intake: list[SchoolYearRolloverIntakeOut]
    untouched: list[str]
    problems: list[str]


class SchoolYearRolloverOut(Schema):
    to_year: int
    dry_run: bool
    schools: list[SchoolYearRolloverSchoolOut]


def _renames(rows) -> list[dict]:
    return [{"id": pk, "old": old, "new": new} for pk, old, new in rows]


def _rollover_school(s) -> dict:
    return {"school_id": s.school_id, "school_name": s.school_name, "done": s.done,
            "grades": _renames(s.units), "classes": _renames(s.classes),
            "graduated_grades": _renames(s.graduated_units),
            "graduated_classes": _renames(s.graduated_classes), "graduates": s.graduates,
            "intake": [{"grade": grade, "classes": names} for grade, names in s.intake],
            "untouched": s.untouched, "problems": s.problems}


@router.post("/rollover", response=SchoolYearRolloverOut,
             summary="The school-year rollover of one school or all the caller sets up "
                     "(a dry run unless dry_run is false; once per school and year)")
def rollover(request, payload: SchoolYearRolloverIn):
    if payload.school_id is not None:
        get_object_or_404(School.objects.restrict(request.user, CHANGE),
                          pk=payload.school_id)
    run = rollover_plan if payload.dry_run else school_year_rollover
    plan = run(actor=request.user, school=payload.school_id, to_year=payload.to_year)
    return {"to_year": plan.to_year, "dry_run": payload.dry_run,
            "schools": [_rollover_school(s) for s in plan.schools]}
