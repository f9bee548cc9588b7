"""The task force (专班), the emergency plan (应急预案) and its runs: services and selectors.

A school's task force is its staff with accounts plus outside contacts (health department,
CDC), each with a duty. Plan templates per school kind ship in data/plan_templates.yaml; a
school's plan starts as a copy of its kind's template and every edit is a new version. A run
turns the latest plan into a checklist of tasks, each on the member holding the step's duty
(the leader when nobody does), due at start + the step's minutes.

Who may do what (apps.access.rules answers; apps/emergency/permissions.py declares): reading
needs `emergency.view` on the school, or `emergency.plans`, the grant of its task force's
members; managing the task force and the plan needs `emergency.mode` on the school; starting
a run needs `emergency.mode` or `emergency.respond` (the school's epidemic office answering
its trigger); a task is ticked by its member, or with `emergency.lead` (the task force's
leader) or `emergency.mode` on the school.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.access.rules import may, may_any
from apps.core.errors import FieldError, ValidationFailed
from apps.core.identity import DocumentError, normalize_phone
from apps.emergency.models import (
    Drill,
    PlanRun,
    PlanTask,
    PlanTemplate,
    SchoolPlan,
    SchoolTrigger,
    TaskForceMember,
)
from apps.orgs.models import School, SchoolKind

VIEW = "emergency.view"
MANAGE = "emergency.mode"
RESPOND = "emergency.respond"
TASK_FORCE = "emergency.plans"  # held by the school's task force members (a grant)
LEAD = "emergency.lead"  # held by the task force's leader
START = (MANAGE, RESPOND)  # either starts a run
TICK_ANY = (MANAGE, LEAD)  # either ticks any task of the school's runs
TEMPLATES_FILE = Path(__file__).resolve().parent / "data" / "plan_templates.yaml"
MAX_DUE_MINUTES = 14 * 24 * 60
MAX_STEPS = 60
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


# ---- the task force ---------------------------------------------------------------------------


def school_user_ids(school_id: int) -> set[int]:
    """Accounts that belong to the school: its role holders (school or unit), its class
    teachers and its staff with accounts. Guardians and students are not candidates."""
    from apps.access.models import RoleAssignment
    from apps.orgs.models import SchoolClass
    from apps.people.models import Person

    ids = set(RoleAssignment.objects.filter(Q(school_id=school_id) | Q(unit__school_id=school_id))
              .values_list("user_id", flat=True))
    ids |= set(SchoolClass.objects.filter(school_id=school_id, teacher__isnull=False)
               .values_list("teacher_id", flat=True))
    ids |= set(Person.objects.filter(school_id=school_id, kind="staff", user__isnull=False)
               .values_list("user_id", flat=True))
    return ids


def school_user_choices(school_id: int) -> list[tuple[int, str]]:
    from apps.access.models import User

    users = User.objects.filter(pk__in=school_user_ids(school_id), is_active=True)
    return sorted(((u.pk, str(u)) for u in users), key=lambda pair: pair[1])


def task_force_user_ids(*, school_ids) -> dict[int, set[int]]:
    """The accounts on each school's task force (outside members have none), in one query:
    who a trigger or a plan run notifies."""
    out: dict[int, set[int]] = {}
    for school_id, user_id in (TaskForceMember.objects.filter(
            school_id__in=list(school_ids), user__isnull=False, external=False)
            .values_list("school_id", "user_id")):
        out.setdefault(school_id, set()).add(user_id)
    return out


def task_force(*, user, school_id: int):
    school_for_read(user, school_id)
    return (TaskForceMember.objects.filter(school_id=school_id).select_related("user")
            .order_by("-lead", "external", "duty", "name"))


def _clean_contact(*, phone: str, email: str) -> str:
    """The phone normalised; the e-mail checked."""
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise _fail("email", "invalid", _("Not an e-mail address.")) from None
    if not phone:
        return ""
    try:
        return normalize_phone(phone)
    except DocumentError:
        raise _fail("phone", "bad_phone", _("Not a mobile or landline number.")) from None


@transaction.atomic
def task_force_member_add(
    *,
    actor,
    school_id: int,
    duty: str,
    user_id: int | None = None,
    name: str = "",
    organisation: str = "",
    phone: str = "",
    email: str = "",
    external: bool = False,
    lead: bool = False,
) -> TaskForceMember:
    """Add a member: a school account (name taken from it), or an outside contact (health
    department, CDC) with a name, an organisation and a phone or an e-mail."""
    check_manage(actor, school_id)
    if duty not in Duty.values:
        raise _fail("duty", "unknown", _("Choose a duty from the list."))
    name, organisation, email = name.strip(), organisation.strip(), email.strip()
    phone = _clean_contact(phone=phone.strip(), email=email)
    if external:
        if user_id:
            raise _fail("user", "external_account",
                        _("An outside contact has no account here; give a name instead."))
        if not organisation:
            raise _fail("organisation", "required",
                        _("Name the outside member's organisation."))
        if not (phone or email):
            raise _fail("phone", "required", _("Give an outside member a phone or an e-mail."))
    elif user_id:
        if user_id not in school_user_ids(school_id):
            raise _fail("user", "not_in_school", _("That account does not belong to the school."))
        from apps.access.models import User

        name = name or str(User.objects.get(pk=user_id))
    if not name:
        raise _fail("name", "required", _("Give the member's name or pick an account."))
    if TaskForceMember.objects.filter(school_id=school_id, name=name, duty=duty).exists():
        raise _fail("duty", "duplicate", _("This member already holds this duty."))
    if lead:
        TaskForceMember.objects.filter(school_id=school_id, lead=True).update(lead=False)
    return TaskForceMember.objects.create(
        school_id=school_id, user_id=user_id, name=name[:50], duty=duty,
        organisation=organisation[:100], phone=phone, email=email, external=external,
        lead=lead,
    )


def _member_for_manage(actor, member_id: int) -> TaskForceMember:
    member = (TaskForceMember.objects.restrict(actor, MANAGE).select_for_update()
              .filter(pk=member_id).first())
    if member is None:
        raise Http404
    return member


@transaction.atomic
def task_force_lead_set(*, actor, member_id: int) -> TaskForceMember:
    """Make this member the task force's leader (one leader per school)."""
    member = _member_for_manage(actor, member_id)
    TaskForceMember.objects.filter(school_id=member.school_id, lead=True).exclude(
        pk=member.pk).update(lead=False)
    if not member.lead:
        member.lead = True
        member.save(update_fields=["lead"])
    return member


@transaction.atomic
def task_force_member_remove(*, actor, member_id: int) -> None:
    """Remove a member; their open tasks stay, unassigned, for the leader to take."""
    _member_for_manage(actor, member_id).delete()


# ---- plan templates ---------------------------------------------------------------------------


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
        triggers.filter(acknowledged_at__isnull=True).update(acknowledged_at=now,
                                                             acknowledged_by=actor)


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


# ---- readiness across schools (bureaus) -------------------------------------------------------


def _count_of(model, **filters):
    return Subquery(model.objects.filter(school=OuterRef("pk"), **filters)
                    .values("school").annotate(n=Count("id")).values("n")[:1])


def schools_readiness(*, user, limit: int = 500, now: datetime | None = None):
    """The user's schools with their task force size, plan version and last finished drill
    (one query, capped), and how many of all of them lack a task force, a plan, or a drill in
    the last year (three counts)."""
    now = now or timezone.now()
    schools = School.objects.restrict(user, VIEW)
    year_ago = now - timedelta(days=365)
    rows = (schools.select_related("hospital").annotate(
        members=Coalesce(_count_of(TaskForceMember), 0),
        plan_version=Subquery(SchoolPlan.objects.filter(school=OuterRef("pk"))
                              .order_by("-version").values("version")[:1]),
        last_drill=Subquery(Drill.objects.filter(school=OuterRef("pk"),
                                                 finished_at__isnull=False)
                            .order_by("-finished_at").values("finished_at")[:1]),
    ).order_by("county_code", "name")[:limit])
    totals = {
        "schools": schools.count(),
        "no_task_force": schools.exclude(Exists(TaskForceMember.objects.filter(
            school=OuterRef("pk")))).count(),
        "no_plan": schools.exclude(Exists(SchoolPlan.objects.filter(
            school=OuterRef("pk")))).count(),
        "no_recent_drill": schools.exclude(Exists(Drill.objects.filter(
            school=OuterRef("pk"), finished_at__gte=year_ago))).count(),
    }
    return rows, totals
