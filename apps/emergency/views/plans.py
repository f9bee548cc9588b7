"""Pages of the emergency plan, the task force, plan runs (checklists) and drills. Views
validate, call apps.emergency.plans / taskforce / plan_versions / drills, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.access.rules import may, may_any
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.pages import form_page
from apps.emergency import drills as drill_services
from apps.emergency import plan_versions, plans, selectors, taskforce
from apps.emergency.forms.plans import (
    DrillFinishForm,
    DrillScheduleForm,
    ExternalMemberForm,
    InternalMemberForm,
    PlanStartForm,
    StepFormSet,
    step_initial,
)
from apps.emergency.models import PlanTask, TaskForceMember
from apps.orgs.models import School


def _picker(request, target: str):
    """A school user goes straight to their school; a bureau picks one of its schools."""
    schools = School.objects.restrict(request.user, plans.VIEW)
    picked = request.GET.get("school", "")
    if picked.isdigit():
        return redirect(target, school_id=int(picked))
    if not schools.exists():
        raise Http404
    if schools[:2].count() == 1:
        return redirect(target, school_id=schools.get().pk)
    rows, totals = selectors.schools_readiness(user=request.user)
    return render(request, "emergency/plans/picker.html", {
        "rows": rows, "totals": totals, "target": target})


@login_required
@require_GET
def plans_home(request):
    return _picker(request, "emergency:plan")


@login_required
@require_GET
def drills_home(request):
    return _picker(request, "emergency:drills")


def _members_by_duty(members) -> dict[str, TaskForceMember]:
    by_duty: dict[str, TaskForceMember] = {}
    for m in sorted(members, key=lambda m: (m.external, m.user_id is None, not m.lead, m.pk)):
        by_duty.setdefault(m.duty, m)
    return by_duty


def _step_rows(steps: list[dict], members) -> list[dict]:
    """The plan's steps with who would get each today (the leader when nobody has the
    duty)."""
    by_duty = _members_by_duty(members)
    leader = next((m for m in members if m.lead), None) or by_duty.get(plans.Duty.LEADER)
    return [{"no": n, "title": s["title"], "duty": plans.duty_label(s["duty"]),
             "due_minutes": s["due_minutes"], "who": by_duty.get(s["duty"], leader),
             "fallback": s["duty"] not in by_duty}
            for n, s in enumerate(steps, start=1)]


@login_required
@require_GET
def plan(request, school_id: int):
    school = plans.school_for_read(request.user, school_id)
    members = list(taskforce.task_force(user=request.user, school_id=school_id))
    current = plan_versions.school_plan_latest(school_id=school_id)
    template = None if current else plan_versions.plan_template_latest(school_kind=school.kind)
    steps = current.steps if current else (template.steps if template else [])
    runs = list(plans.plan_runs(user=request.user, school_id=school_id)[:20])
    counts = plans.run_counts([r.pk for r in runs])
    may_manage = may(request.user, plans.MANAGE, School, school_id)
    may_start = may_any(request.user, plans.START, School, school_id)
    triggers = list(plans.open_triggers(school_id=school_id)) if may_start else []
    return render(request, "emergency/plans/plan.html", {
        "school": school, "section": "plan", "plan": current, "template": template,
        "steps": _step_rows(steps, members), "members": members, "may_manage": may_manage,
        "may_start": may_start,
        "hospital": plans.hospital_card(school), "start_form": PlanStartForm(triggers=triggers),
        "runs": [(r, counts[r.pk]) for r in runs],
    })


@login_required
@require_POST
def plan_create(request, school_id: int):
    plan_versions.school_plan_from_template(actor=request.user, school_id=school_id)
    messages.success(request, _("The plan is created from the template."))
    return redirect("emergency:plan", school_id=school_id)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, school_id: int):
    school = plans.school_for_read(request.user, school_id)
    if not may(request.user, plans.MANAGE, School, school_id):
        raise Http404
    current = plan_versions.school_plan_latest(school_id=school_id)
    if current is None:  # the plan page offers to make it from the template first
        return redirect("emergency:plan", school_id=school_id)
    formset = StepFormSet(request.POST or None, initial=step_initial(current.steps),
                          prefix="steps")
    error = None
    if request.method == "POST" and formset.is_valid():
        steps = [form.step() for form in formset.ordered_forms]
        base = request.POST.get("base_version", "")
        try:
            saved = plan_versions.school_plan_save(actor=request.user, school_id=school_id,
                                                   steps=steps, base_version=int(base or 0))
        except ValidationFailed as exc:
            error = "; ".join(str(e.message) for e in exc.errors)
        else:
            if saved.version == current.version:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(request, _("Saved as version %(v)s.") % {"v": saved.version})
            return redirect("emergency:plan", school_id=school_id)
    return render(request, "emergency/plans/edit.html", {
        "school": school, "section": "plan", "plan": current, "formset": formset,
        "error": error}, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def plan_history(request, school_id: int):
    school = plans.school_for_read(request.user, school_id)
    versions = list(plan_versions.school_plan_versions(user=request.user, school_id=school_id))
    rows = []
    for i, v in enumerate(versions):
        older = versions[i + 1] if i + 1 < len(versions) else None
        rows.append((v, plan_versions.step_changes(older.steps, v.steps) if older else None))
    shown = request.GET.get("version", "")
    shown = next((v for v in versions if str(v.version) == shown), None)
    return render(request, "emergency/plans/history.html", {
        "school": school, "section": "plan", "rows": rows, "shown": shown,
        "shown_steps": _step_rows(shown.steps, []) if shown else []})


@login_required
@require_POST
def plan_start(request, school_id: int):
    plans.school_for_read(request.user, school_id)
    if not may_any(request.user, plans.START, School, school_id):
        raise Http404
    form = PlanStartForm(request.POST,
                         triggers=list(plans.open_triggers(school_id=school_id)))
    if not form.is_valid():  # a trigger already answered, or not this school's
        messages.error(request, "; ".join(str(e) for e in form.errors.get("trigger", [])))
        return redirect("emergency:plan", school_id=school_id)
    trigger_id = form.cleaned_data["trigger"]
    try:
        run = plans.plan_run_start(actor=request.user, school_id=school_id,
                                   trigger_id=trigger_id)
    except ValidationFailed as exc:
        messages.error(request, "; ".join(str(e.message) for e in exc.errors))
        return redirect("emergency:plan", school_id=school_id)
    messages.success(request, _("The plan is started: every task is on its member."))
    return redirect("emergency:plan_run", run_id=run.pk)


# ---- task force -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def task_force(request, school_id: int):
    school = plans.school_for_read(request.user, school_id)
    may_manage = may(request.user, plans.MANAGE, School, school_id)
    kind = request.POST.get("form", "")
    users = taskforce.school_user_choices(school_id) if may_manage else []
    internal = InternalMemberForm(request.POST if kind == "internal" else None, users=users,
                                  prefix="in")
    external = ExternalMemberForm(request.POST if kind == "external" else None, prefix="out")
    status = 200
    if request.method == "POST":
        if not may_manage:
            raise Http404
        form = internal if kind == "internal" else external
        if form.is_valid():
            fields = dict(form.cleaned_data)
            if "user" in fields:
                fields["user_id"] = fields.pop("user")
            try:
                taskforce.task_force_member_add(actor=request.user, school_id=school_id,
                                                external=kind == "external", **fields)
            except ValidationFailed as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("The member is added to the task force."))
                return redirect("emergency:task_force", school_id=school_id)
        status = 400
    return render(request, "emergency/plans/task_force.html", {
        "school": school, "section": "task_force", "may_manage": may_manage,
        "members": taskforce.task_force(user=request.user, school_id=school_id),
        "internal": internal, "external": external, "open_form": kind,
        "hospital": plans.hospital_card(school)}, status=status)


@login_required
@require_POST
def task_force_lead(request, school_id: int, member_id: int):
    taskforce.task_force_lead_set(actor=request.user, member_id=member_id, school_id=school_id)
    return redirect("emergency:task_force", school_id=school_id)


@login_required
@require_POST
def task_force_remove(request, school_id: int, member_id: int):
    taskforce.task_force_member_remove(actor=request.user, member_id=member_id,
                                       school_id=school_id)
    messages.success(request, _("The member is removed from the task force."))
    return redirect("emergency:task_force", school_id=school_id)


# ---- runs -------------------------------------------------------------------------------------


def _step_link(run, key: str) -> str:
    """Where a step is done, for the steps that have a page: the mode switch, and the
    trigger's answer and trace-back list."""
    if key == "decide_mode":
        return reverse("emergency:school_modes", args=[run.school_id])
    if key in ("convene", "trace_back", "co_residents", "colleges") and run.trigger_id:
        return reverse("emergency:trigger_detail", args=[run.trigger_id])
    return ""


def _task_rows(request, run, tasks) -> list[dict]:
    now = timezone.now()
    # A task is ticked by its member, or by whoever may tick any (the leader, a manager).
    tick_any = may_any(request.user, plans.TICK_ANY, School, run.school_id)
    keys = [s.get("key", "") for s in run.plan.steps]
    rows = [{"task": t, "state": plans.task_state(t, now),
             "mine": bool(t.member and t.member.user_id == request.user.pk),
             "link": _step_link(run, keys[t.step_no - 1] if t.step_no <= len(keys) else "")}
            for t in tasks]
    return [{**row, "may_tick": tick_any or row["mine"]} for row in rows]


@login_required
@require_GET
def plan_run(request, run_id: int):
    run = plans.plan_run_detail(user=request.user, run_id=run_id)
    tasks = list(plans.run_tasks(run))
    return render(request, "emergency/plans/run.html", {
        "school": run.school, "section": "plan", "run": run,
        "rows": _task_rows(request, run, tasks),
        "counts": plans.run_counts([run.pk])[run.pk],
        "hospital": plans.hospital_card(run.school)})


@login_required
@require_POST
def plan_task_done(request, task_id: int):
    task = plans.plan_task_complete(actor=request.user, task_id=task_id,
                                    note=request.POST.get("note", ""))
    if not request.htmx:
        return redirect("emergency:plan_run", run_id=task.run_id)
    task = PlanTask.objects.select_related("member", "done_by", "run__plan").get(pk=task.pk)
    return render(request, "emergency/plans/_task_done.html", {
        "row": _task_rows(request, task.run, [task])[0],
        "counts": plans.run_counts([task.run_id])[task.run_id]})


# ---- drills -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def drills(request, school_id: int):
    school = plans.school_for_read(request.user, school_id)
    may_manage = may(request.user, plans.MANAGE, School, school_id)
    form = DrillScheduleForm(request.POST or None)
    return form_page(
        request, form=form, may_post=may_manage, done=_("The drill is scheduled."),
        page=lambda f: _drills_page(request, school, f, may_manage),
        success_url=reverse("emergency:drills", args=[school_id]),
        call=lambda d: drill_services.drill_schedule(actor=request.user, school_id=school_id,
                                                     **d))


def _drills_page(request, school, form, may_manage: bool):
    rows = list(drill_services.drills_for_school(user=request.user, school_id=school.pk))
    timings = drill_services.drill_timings(rows)
    return render(request, "emergency/drills/list.html", {
        "school": school, "section": "drills", "may_manage": may_manage, "form": form,
        "rows": [(d, timings[d.pk]) for d in rows],
        "chart": drill_services.drill_chart(rows, timings) if any(
            d.started_at for d in rows) else None})


def _drill_page(request, drill, finish_form=None, status=200):
    timings = drill_services.drill_timings([drill])[drill.pk]
    return render(request, "emergency/drills/detail.html", {
        "school": drill.school, "section": "drills", "drill": drill, "timings": timings,
        "run": drill_services.drill_run(drill),
        "may_manage": may(request.user, plans.MANAGE, School, drill.school_id),
        "finish_form": finish_form or DrillFinishForm(), "hospital": None}, status=status)


@login_required
@require_GET
def drill(request, drill_id: int):
    return _drill_page(request, drill_services.drill_detail(user=request.user,
                                                            drill_id=drill_id))


@login_required
@require_POST
def drill_start(request, drill_id: int):
    drill = drill_services.drill_start(actor=request.user, drill_id=drill_id)
    messages.success(request, _("The drill has started: the clock is running."))
    run = drill_services.drill_run(drill)
    return redirect("emergency:plan_run", run_id=run.pk) if run else redirect(
        "emergency:drill", drill_id=drill.pk)


@login_required
@require_POST
def drill_finish(request, drill_id: int):
    drill = drill_services.drill_detail(user=request.user, drill_id=drill_id)
    form = DrillFinishForm(request.POST)
    if form.is_valid():
        try:
            drill_services.drill_finish(actor=request.user, drill_id=drill_id,
                                        **form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The drill is finished and recorded."))
            return redirect("emergency:drill", drill_id=drill_id)
    return _drill_page(request, drill, finish_form=form, status=400)
