"""The emergency plan (应急预案) run as a checklist, and who may do what with plans.

A run turns the school's latest plan (apps.emergency.plan_versions) into a checklist of tasks,
each on the task-force member (apps.emergency.taskforce) holding the step's duty (the leader
when nobody does), due at start + the step's minutes. The duties, the access rules and the
school read that the task force, the plan versions and the drills share are here too.

Who may do what (apps.access.rules answers; apps/emergency/permissions.py declares): reading
needs `emergency.view` on the school, or `emergency.plans`, the grant of its task force's
members; managing the task force and the plan needs `emergency.mode` on the school; starting
a run needs `emergency.mode` or `emergency.respond` (the school's epidemic office answering
its trigger); a task is ticked by its member, or with `emergency.lead` (the task force's
leader) or `emergency.mode` on the school.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.access.rules import may, may_any
from apps.core.errors import FieldError, ValidationFailed
from apps.core.signals import send_late_items_resolved
from apps.emergency.models import PlanRun, PlanTask, SchoolTrigger, TaskForceMember
from apps.orgs.models import School

VIEW = "emergency.view"
MANAGE = "emergency.mode"
RESPOND = "emergency.respond"
TASK_FORCE = "emergency.plans"  # held by the school's task force members (a grant)
LEAD = "emergency.lead"  # held by the task force's leader
START = (MANAGE, RESPOND)  # either starts a run
TICK_ANY = (MANAGE, LEAD)  # either ticks any task of the school's runs
ACKNOWLEDGE_STEP = "convene"  # the templates' "acknowledge the alert, convene" step


class Duty(models.TextChoices):
    """Task-force duties. Plan steps name one; a run gives the step to its holder."""

    LEADER = "leader", _("Leader")
    DEPUTY = "deputy", _("Deputy leader")
    REPORTING = "reporting", _("Reporting")
    HEALTH = "health", _("Health care")
    LOGISTICS = "logistics", _("Logistics")
    CDC_LIAISON = "cdc_liaison", _("CDC liaison")
    HOSPITAL_LIAISON = "hospital_liaison", _("Liaison with the hospital")
    COMMUNICATION = "communication", _("Parents and communication")
    TEACHING = "teaching", _("Teaching")
    SECURITY = "security", _("Gates and security")
    CARE = "care", _("Care and counselling")
    HEALTH_DEPARTMENT = "health_department", _("Health department (outside)")
    CDC = "cdc", _("CDC (outside)")


def duty_label(code: str) -> str:
    return Duty(code).label if code in Duty.values else code


# ---- access ---------------------------------------------------------------------------------


def school_for_read(user, school_id: int) -> School:
    """The school when the user sees its emergency pages (scope, or its task force's grant);
    else 404."""
    for perm in (VIEW, TASK_FORCE):
        school = (School.objects.restrict(user, perm).filter(pk=school_id)
                  .select_related("hospital").first())
        if school is not None:
            return school
    raise Http404


def check_manage(actor, school_id: int) -> None:
    if not may(actor, MANAGE, School, school_id):
        raise Http404


def _fail(field: str, reason: str, message) -> ValidationFailed:
    return ValidationFailed([FieldError(field, reason, message)])


# ---- runs -------------------------------------------------------------------------------------


def _assignees(school_id: int) -> tuple[dict[str, int], int | None]:
    """{duty: member id} (members with accounts first) and the leader's member id."""
    members = list(TaskForceMember.objects.filter(school_id=school_id)
                   .order_by("external", "-lead", "id")
                   .values_list("pk", "duty", "lead", "user_id"))
    by_duty: dict[str, int] = {}
    for pk, duty, _lead, _user in sorted(members, key=lambda m: m[3] is None):
        by_duty.setdefault(duty, pk)
    leader = next((pk for pk, _d, lead, _u in members if lead), None)
    return by_duty, leader or by_duty.get(Duty.LEADER)


def _trigger_for(school_id: int, trigger_id: int | None, drill: bool) -> SchoolTrigger | None:
    if trigger_id is None:
        return None
    trigger = SchoolTrigger.objects.filter(pk=trigger_id, school_id=school_id).first()
    if trigger is None:
        raise _fail("trigger_id", "unknown", _("No such trigger for this school."))
    if drill and not trigger.drill:
        raise _fail("drill", "real_trigger", _("A drill cannot run on a real trigger."))
    return trigger


def plan_run_start(*, actor, school_id: int, trigger_id: int | None = None,
                   drill: bool = False) -> PlanRun:
    """Start the school's latest plan as a checklist: one task per step, on the member with
    the step's duty (the leader when nobody holds it), due at start + due minutes. One run per
    trigger: starting again returns the run that exists. The members with accounts get an
    inbox message (drill-flagged in a drill: nothing goes outside). `actor=None` is the
    system (a trigger or a drill starting the plan)."""
    if actor is not None and not may_any(actor, START, School, school_id):
        raise Http404
    try:
        with transaction.atomic():
            return _plan_run_create(actor=actor, school_id=school_id, trigger_id=trigger_id,
                                    drill=drill)
    except IntegrityError:
        existing = PlanRun.objects.filter(school_id=school_id, trigger_id=trigger_id).first()
        if trigger_id is None or existing is None:
            raise
        return existing


def _plan_run_create(*, actor, school_id, trigger_id, drill) -> PlanRun:
    trigger = _trigger_for(school_id, trigger_id, drill)
    drill = drill or bool(trigger and trigger.drill)
    if trigger is not None:
        existing = PlanRun.objects.filter(school_id=school_id, trigger=trigger).first()
        if existing:
            return existing
    # function-level: plan_versions imports this module's duties and access rules
    from apps.emergency.plan_versions import school_plan_from_template, school_plan_latest

    plan = school_plan_latest(school_id=school_id) or school_plan_from_template(
        actor=None, school_id=school_id)
    now = timezone.now()
    run = PlanRun.objects.create(school_id=school_id, plan=plan, trigger=trigger, drill=drill,
                                 started_at=now, started_by=actor)
    by_duty, leader = _assignees(school_id)
    PlanTask.objects.bulk_create([
        PlanTask(school_id=school_id, run=run, step_no=n, title_zh=step["title"]["zh"],
                 title_en=step["title"]["en"] or step["title"]["zh"],
                 member_id=by_duty.get(step["duty"], leader),
                 due_at=now + timedelta(minutes=step["due_minutes"]))
        for n, step in enumerate(plan.steps, start=1)
    ])
    _notify_members(run)
    return run


def _notify_members(run: PlanRun) -> None:
    from apps.emergency.taskforce import task_force_user_ids  # it imports this module
    from apps.notifications.services import notification_send

    recipients = task_force_user_ids(school_ids=[run.school_id]).get(run.school_id, set())
    if not recipients:
        return
    school = School.objects.values_list("name", flat=True).get(pk=run.school_id)
    drill = run.drill

    def subject():
        text = gettext("The emergency plan of %(school)s has started") % {"school": school}
        return gettext("Drill: %(text)s") % {"text": text} if drill else text

    def body():
        return gettext("Open the checklist to see your tasks and their due times.")

    from django.urls import reverse

    notification_send(recipient_ids=recipients, kind="plan.started", subject=subject,
                      body=body, link=reverse("emergency:plan_run", args=[run.pk]),
                      school_id=run.school_id, severity="info" if drill else "urgent",
                      dedupe_key=f"plan_run:{run.pk}", drill=drill)


def _task_for_tick(actor, task_id: int) -> PlanTask:
    task = (PlanTask.objects.select_related("member", "run__plan").filter(pk=task_id)
            .first())
    if task is None or actor is None or not actor.is_authenticated:
        raise Http404
    if task.member and task.member.user_id == actor.pk:
        return task
    if may_any(actor, TICK_ANY, School, task.school_id):
        return task
    raise Http404


def _stamp_trigger(task: PlanTask, actor, now: datetime) -> None:
    """The first task done is the school's first action on its trigger; the step that
    acknowledges the alert (key `convene`) acknowledges the trigger, when nobody has yet."""
    triggers = SchoolTrigger.objects.filter(pk=task.run.trigger_id)
    triggers.filter(first_action_at__isnull=True).update(first_action_at=now)
    steps = task.run.plan.steps
    key = steps[task.step_no - 1].get("key") if task.step_no <= len(steps) else ""
    if key == ACKNOWLEDGE_STEP:
        if triggers.filter(acknowledged_at__isnull=True).update(acknowledged_at=now,
                                                                acknowledged_by=actor):
            send_late_items_resolved(sender=SchoolTrigger, school_id=task.run.school_id)


@transaction.atomic
def plan_task_complete(*, actor, task_id: int, note: str = "") -> PlanTask:
    """Tick a task (its member, the leader or a school manager). The first task done in a
    trigger's run is the school's first action on that trigger (and the `convene` step
    acknowledges it); the last one finishes the run. Ticking a done task again changes
    nothing."""
    task = _task_for_tick(actor, task_id)
    now = timezone.now()
    done = PlanTask.objects.filter(pk=task.pk, done_at__isnull=True).update(
        done_at=now, done_by=actor, note=note.strip()[:300])
    if done:
        if task.run.trigger_id:
            _stamp_trigger(task, actor, now)
        if not PlanTask.objects.filter(run_id=task.run_id, done_at__isnull=True).exists():
            PlanRun.objects.filter(pk=task.run_id, finished_at__isnull=True).update(
                finished_at=now)
    task.refresh_from_db()
    return task


# ---- run selectors ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunCounts:
    total: int
    done: int
    on_time: int
    late: int
    open: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def run_counts(run_ids: list[int], *, now: datetime | None = None) -> dict[int, RunCounts]:
    """Task counts per run in one query: done on time, done late, open, open and overdue."""
    now = now or timezone.now()
    rows = (PlanTask.objects.filter(run_id__in=run_ids).values("run_id").annotate(
        total=Count("id"),
        done=Count("id", filter=Q(done_at__isnull=False)),
        on_time=Count("id", filter=Q(done_at__isnull=False, done_at__lte=models.F("due_at"))),
        overdue=Count("id", filter=Q(done_at__isnull=True, due_at__lt=now)),
    ).order_by())
    counts = {rid: RunCounts(0, 0, 0, 0, 0, 0) for rid in run_ids}
    for r in rows:
        counts[r["run_id"]] = RunCounts(r["total"], r["done"], r["on_time"],
                                        r["done"] - r["on_time"], r["total"] - r["done"],
                                        r["overdue"])
    return counts


def plan_runs(*, user, school_id: int):
    school_for_read(user, school_id)
    return PlanRun.objects.filter(school_id=school_id).select_related("plan", "trigger",
                                                                      "started_by")


def plan_run_detail(*, user, run_id: int) -> PlanRun:
    run = (PlanRun.objects.select_related("school__hospital", "plan", "trigger",
                                          "started_by").filter(pk=run_id).first())
    if run is None:
        raise Http404
    school_for_read(user, run.school_id)
    return run


def run_tasks(run: PlanRun):
    return run.tasks.select_related("member", "done_by").order_by("step_no")


def task_state(task: PlanTask, now: datetime) -> str:
    """done | late (done after its due time) | overdue | soon (due within 10 min) | open."""
    if task.done_at:
        return "done" if task.done_at <= task.due_at else "late"
    if task.due_at < now:
        return "overdue"
    return "soon" if task.due_at - now <= timedelta(minutes=10) else "open"


def open_triggers(*, school_id: int):
    """The school's real triggers with no plan run yet, newest first."""
    return (SchoolTrigger.objects.filter(school_id=school_id, drill=False, plan_runs__isnull=True)
            .select_related("alert__region").order_by("-fired_at")[:20])


def hospital_card(school: School) -> dict | None:
    """The designated hospital (一校一院) and its contacts, for plan and run pages."""
    if not school.hospital_id:
        return None
    hospital = school.hospital
    return {"hospital": hospital, "contacts": list(hospital.contacts.order_by("id"))}
