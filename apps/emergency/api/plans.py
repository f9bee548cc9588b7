"""Plans API (/api/v1/emergency): the task force, the school's plan and its versions, plan
runs and their tasks, drills with their timings. Same services and scope as the pages."""

from datetime import datetime

from django.http import Http404
from ninja import Field, Router, Schema, Status

from apps.core.schema_types import Count, Id
from apps.emergency import drills as drill_services
from apps.emergency import plan_versions as versions
from apps.emergency import plans, taskforce
from apps.emergency.models import Drill, PlanRun

router = Router(tags=["emergency plans"])


class MemberOut(Schema):
    id: int
    name: str
    duty: str
    user_id: int | None
    organisation: str
    phone: str
    email: str
    external: bool
    lead: bool


class MemberIn(Schema):
    duty: str = Field(..., description="leader, deputy, reporting, health, logistics, "
                                       "cdc_liaison, hospital_liaison, communication, teaching, "
                                       "security, care, health_department, cdc")
    user_id: Id | None = Field(None, description="a school account (not for outside members)")
    name: str = ""
    organisation: str = ""
    phone: str = ""
    email: str = ""
    external: bool = False
    lead: bool = False


class TitleOut(Schema):
    zh: str
    en: str


class StepSchema(Schema):
    key: str = ""
    title: TitleOut
    duty: str
    due_minutes: Count


class PlanOut(Schema):
    school_id: int
    version: int
    template_version: int | None
    edited_at: datetime
    steps: list[StepSchema]


class PlanIn(Schema):
    base_version: Count = Field(..., description="the version the edit started from")
    steps: list[dict] = Field(..., description='[{"title": {"zh", "en"}, "duty", '
                                                '"due_minutes"}, …] in order')


class TaskOut(Schema):
    id: int
    step_no: int
    title_zh: str
    title_en: str
    member_id: int | None
    due_at: datetime
    done_at: datetime | None
    note: str


class RunOut(Schema):
    id: int
    school_id: int
    plan_version: int
    trigger_id: int | None
    drill: bool
    started_at: datetime
    finished_at: datetime | None
    tasks: list[TaskOut]


class RunIn(Schema):
    trigger_id: Id | None = None


class PlanTaskCompleteIn(Schema):
    note: str = ""


class TimingsOut(Schema):
    acknowledge: float | None = Field(None, description="minutes from firing")
    first_action: float | None = None
    traceback: float | None = None
    tasks: int
    on_time: int
    late: int
    open: int


class DrillOut(Schema):
    id: int
    school_id: int
    scenario: str
    scheduled_for: datetime
    started_at: datetime | None
    finished_at: datetime | None
    trigger_id: int | None
    participants: int
    findings: str
    timings: TimingsOut


class DrillIn(Schema):
    scenario: str
    scheduled_for: datetime


class FinishIn(Schema):
    participants: Count
    findings: str = ""


def _plan_out(plan) -> PlanOut:
    return PlanOut(school_id=plan.school_id, version=plan.version,
                   template_version=plan.template.version if plan.template else None,
                   edited_at=plan.edited_at, steps=plan.steps)


def _run_out(run: PlanRun) -> RunOut:
    return RunOut(id=run.pk, school_id=run.school_id, plan_version=run.plan.version,
                  trigger_id=run.trigger_id, drill=run.drill, started_at=run.started_at,
                  finished_at=run.finished_at, tasks=list(run.tasks.order_by("step_no")))


def _drill_schema(drill: Drill, timings) -> DrillOut:
    return DrillOut(id=drill.pk, school_id=drill.school_id, scenario=drill.scenario,
                    scheduled_for=drill.scheduled_for, started_at=drill.started_at,
                    finished_at=drill.finished_at, trigger_id=drill.trigger_id,
                    participants=drill.participants, findings=drill.findings,
                    timings=TimingsOut(**timings.__dict__))


def _drill_out(user, drill_id: int) -> DrillOut:
    drill = drill_services.drill_detail(user=user, drill_id=drill_id)
    return _drill_schema(drill, drill_services.drill_timings([drill])[drill.pk])


@router.get("/schools/{school_id}/task-force", response=list[MemberOut])
def list_task_force(request, school_id: Id):
    return list(taskforce.task_force(user=request.user, school_id=school_id))


@router.post("/schools/{school_id}/task-force", response={201: MemberOut})
def add_member(request, school_id: Id, payload: MemberIn):
    member = taskforce.task_force_member_add(actor=request.user, school_id=school_id,
                                             **payload.dict())
    return Status(201, member)


@router.delete("/task-force/{member_id}", response={204: None})
def remove_member(request, member_id: Id):
    taskforce.task_force_member_remove(actor=request.user, member_id=member_id)
    return Status(204, None)


@router.get("/schools/{school_id}/plan", response=PlanOut)
def get_plan(request, school_id: Id):
    plans.school_for_read(request.user, school_id)
    plan = versions.school_plan_latest(school_id=school_id)
    if plan is None:
        raise Http404
    return _plan_out(plan)


@router.put("/schools/{school_id}/plan", response=PlanOut)
def save_plan(request, school_id: Id, payload: PlanIn):
    return _plan_out(versions.school_plan_save(actor=request.user, school_id=school_id,
                                               steps=payload.steps,
                                               base_version=payload.base_version))


@router.post("/schools/{school_id}/plan/from-template", response={201: PlanOut})
def plan_from_template(request, school_id: Id):
    plan = versions.school_plan_from_template(actor=request.user, school_id=school_id)
    return Status(201, _plan_out(plan))


@router.get("/schools/{school_id}/plan/versions", response=list[PlanOut])
def plan_versions(request, school_id: Id):
    return [_plan_out(p) for p in versions.school_plan_versions(user=request.user,
                                                                school_id=school_id)[:100]]


@router.post("/schools/{school_id}/plan-runs", response={201: RunOut})
def start_run(request, school_id: Id, payload: RunIn):
    run = plans.plan_run_start(actor=request.user, school_id=school_id,
                               trigger_id=payload.trigger_id)
    return Status(201, _run_out(plans.plan_run_detail(user=request.user, run_id=run.pk)))


@router.get("/plan-runs/{run_id}", response=RunOut)
def get_run(request, run_id: Id):
    return _run_out(plans.plan_run_detail(user=request.user, run_id=run_id))


@router.post("/plan-tasks/{task_id}/complete", response=TaskOut)
def complete_task(request, task_id: Id, payload: PlanTaskCompleteIn):
    return plans.plan_task_complete(actor=request.user, task_id=task_id, note=payload.note)


@router.get("/schools/{school_id}/drills", response=list[DrillOut])
def list_drills(request, school_id: Id):
    rows = list(drill_services.drills_for_school(user=request.user, school_id=school_id)[:200])
    timings = drill_services.drill_timings(rows)
    return [_drill_schema(d, timings[d.pk]) for d in rows]


@router.post("/schools/{school_id}/drills", response={201: DrillOut})
def schedule_drill(request, school_id: Id, payload: DrillIn):
    drill = drill_services.drill_schedule(actor=request.user, school_id=school_id,
                                          **payload.dict())
    return Status(201, _drill_out(request.user, drill.pk))


@router.post("/drills/{drill_id}/start", response=DrillOut)
def start_drill(request, drill_id: Id):
    drill_services.drill_start(actor=request.user, drill_id=drill_id)
    return _drill_out(request.user, drill_id)


@router.post("/drills/{drill_id}/finish", response=DrillOut)
def finish_drill(request, drill_id: Id, payload: FinishIn):
    drill_services.drill_finish(actor=request.user, drill_id=drill_id, **payload.dict())
    return _drill_out(request.user, drill_id)

