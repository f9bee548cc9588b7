"""Policy pages: the packs and their parameters, the effective policy of a school or bureau
with where each value came from, tightening a parameter, the province's choice of pack,
and the change history. Nodes are read through the scoped layer: out of scope is a 404."""

from operator import eq

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.access.rules import may, may_in_region
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.progress import DONE, Progress, progress_response
from apps.orgs.models import Bureau, School
from apps.policy import selectors, services
from apps.policy.forms import ChooseForm, TightenForm, parse_value
from apps.policy.models import PolicyOverride, PolicySwitch, SwitchState
from apps.policy.presenters import history_rows, pack_rows, param_title, provenance_rows

VIEW = "orgs.view"
TIGHTEN = "policy.tighten"
NODE_MODELS = {"school": School, "bureau": Bureau}
LIST_LIMIT = 200


def _node(user, kind: str, pk: int, perm: str = VIEW):
    model = NODE_MODELS.get(kind)
    if model is None:
        raise Http404
    return get_object_or_404(model.objects.restrict(user, perm), pk=pk)


def user_province(user) -> str | None:
    """The province of the user's first organisational node (one province per deployment)."""
    bureau = Bureau.objects.restrict(user, VIEW).order_by("region_id").first()
    if bureau is not None:
        return bureau.province_code
    school = School.objects.restrict(user, VIEW).order_by("pk").first()
    return school.province_code if school else None


# ---- index and packs -------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    user = request.user
    province = user_province(user)
    if province is None:
        raise Http404
    q = request.GET.get("q", "").strip()
    schools = School.objects.restrict(user, VIEW).order_by("county_code", "name")
    if q:
        schools = schools.filter(name__contains=q)
    switches = selectors.switches_for(province)
    scheduled = next((s for s in switches if s.state == SwitchState.SCHEDULED), None)
    if scheduled is not None and scheduled.effective_from <= timezone.now():
        _apply_soon()  # past its time and the worker has not got to it yet
    progress_switch = selectors.switch_showing_progress(switches, timezone.now())
    context = {
        "packs": selectors.packs_all(),
        "choice": selectors.province_choice(province),
        "switches": switches,
        "scheduled": scheduled,
        "progress_switch": progress_switch,
        "progress": progress_switch and selectors.switch_progress(progress_switch,
                                                                  timezone.now()),
        "active": _active_or_error(province),
        "default_pack": selectors.DEFAULT_PACK,
        "bureaus": Bureau.objects.restrict(user, VIEW).order_by("region_id")[:LIST_LIMIT],
        "schools": schools[:LIST_LIMIT],
        "q": q,
        "may_choose": may_in_region(user, services.CHOOSE, province, within=eq),
    }
    return render(request, "policy/index.html", context)


def _apply_soon() -> None:
    from apps.policy.tasks import apply_due_switches

    transaction.on_commit(apply_due_switches.enqueue)


def _active_or_error(province: str):
    try:
        return {"pack": selectors.active_pack(province), "error": ""}
    except (selectors.PackOutdated, selectors.PackMissing) as exc:
        return {"pack": None, "error": str(exc)}


@login_required
@require_GET
def pack_detail(request, pack_id: str):
    if pack_id not in selectors.pack_paths():
        raise Http404
    pack = selectors.pack_get(pack_id)
    return render(request, "policy/pack.html", {"pack": pack, **pack_rows(pack)})


# ---- effective policy and tightening ---------------------------------------------------


def _effective(node):
    if isinstance(node, School):
        return selectors.effective_for_school(node)
    return selectors.effective_for_bureau(node)


def _effective_context(request, kind: str, node, form=None) -> dict:
    try:
        effective = _effective(node)
    except (selectors.PackOutdated, selectors.PackMissing) as exc:
        return {"kind": kind, "node": node, "error": str(exc)}
    own = PolicyOverride.objects.filter(  # under the pack and the packs it extends
        **{kind: node}, pack_id__in=effective.pack.ids).select_related("created_by")
    may_tighten = may(request.user, TIGHTEN, type(node), node.pk)
    params = [(name, f"{param_title(spec)} ({name})")
              for name, spec in effective.pack.parameters.items()]
    return {
        "kind": kind,
        "node": node,
        "progress": selectors.override_progress(kind, node),
        "effective": effective,
        "rows": provenance_rows(effective, selectors.own_overrides(effective.pack, own)),
        "may_tighten": may_tighten,
        "form": form or (TightenForm(params=params, initial={"param": request.GET.get("param")})
                         if may_tighten else None),
        "params": params,
    }


@login_required
@require_GET
def effective(request, kind: str, pk: int):
    node = _node(request.user, kind, pk)
    return render(request, "policy/effective.html", _effective_context(request, kind, node))


@login_required
@require_GET
def effective_progress(request, kind: str, pk: int):
    """The bar of the recompute after the node's last tightening (apps.core.progress)."""
    node = _node(request.user, kind, pk)
    progress = selectors.override_progress(kind, node) or Progress(DONE)
    return progress_response(request, progress, url=request.path,
                             element_id="override-progress")


@login_required
@require_POST
def tighten(request, kind: str, pk: int):
    node = _node(request.user, kind, pk, TIGHTEN)
    try:
        pack = selectors.active_pack(node.province_code)
    except (selectors.PackOutdated, selectors.PackMissing) as exc:
        context = {"kind": kind, "node": node, "error": str(exc)}
        return render(request, "policy/effective.html", context, status=409)
    params = [(name, f"{param_title(spec)} ({name})") for name, spec in pack.parameters.items()]
    form = TightenForm(request.POST, params=params)
    if form.is_valid():
        param = form.cleaned_data["param"]
        try:
            value = parse_value(form.cleaned_data["value"], pack.parameters[param].value)
        except ValueError:
            form.add_error("value", _("Not a value of this parameter's type."))
        else:
            try:
                services.policy_override_set(actor=request.user, node=node, param=param,
                                             value=value, reason=form.cleaned_data["reason"])
            except ValidationFailed as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("%(param)s tightened for %(node)s.")
                                 % {"param": param_title(pack.parameters[param]), "node": node})
                return redirect("policy:effective", kind=kind, pk=pk)
    context = _effective_context(request, kind, node, form=form)
    return render(request, "policy/effective.html", context, status=400)


@login_required
@require_POST
def override_remove(request, pk: int):
    override = get_object_or_404(PolicyOverride.objects.restrict(request.user, TIGHTEN), pk=pk)
    kind = "bureau" if override.bureau_id else "school"
    node_pk = override.bureau_id or override.school_id
    services.policy_override_remove(actor=request.user, override=override,
                                    reason=request.POST.get("reason", ""))
    messages.success(request, _("Override of %(param)s removed.") % {"param": override.param})
    return redirect("policy:effective", kind=kind, pk=node_pk)


# ---- the province's choice -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def choose(request):
    province = user_province(request.user)
    if province is None or not may_in_region(request.user, services.CHOOSE, province,
                                             within=eq):
        raise Http404
    packs = selectors.packs_all()
    choices = [(f"{p.id}@{p.version}", p.id) for p in packs]
    form = ChooseForm(request.POST or None, packs=choices)
    confirm = None
    if request.method == "POST" and form.is_valid() and not request.POST.get("confirmed"):
        # first say how many schools (and people) the switch reaches; apply it once confirmed
        confirm = {**selectors.switch_reach(province), "pack": form.pack_and_version()[0],
                   "when": form.cleaned_data["effective_from"]}
    elif request.method == "POST" and form.is_valid():
        pack_id, version = form.pack_and_version()
        when = form.cleaned_data["effective_from"]
        try:
            if when is None:
                services.policy_choose_pack(actor=request.user, province_code=province,
                                            pack_id=pack_id, pack_version=version,
                                            reason=form.cleaned_data["reason"])
            else:
                services.policy_switch_schedule(
                    actor=request.user, province_code=province, pack_id=pack_id,
                    pack_version=version, effective_from=when,
                    reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            form_add_errors(form, exc, {"pack_id": "pack", "pack_version": "pack"})
        else:
            messages.success(request, _(
                "The province now runs policy pack %(pack)s.") % {"pack": pack_id} if when is None
                else _("The switch to %(pack)s is scheduled for %(when)s.") % {
                    "pack": pack_id, "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")})
            return redirect("policy:index")
    context = {"form": form, "packs": packs, "choice": selectors.province_choice(province),
               "confirm": confirm}
    return render(request, "policy/choose.html", context,
                  status=400 if request.method == "POST" and not confirm else 200)


@login_required
@require_POST
def switch_cancel(request, pk: int):
    switch = get_object_or_404(PolicySwitch, pk=pk)
    if switch.province_code != user_province(request.user):
        raise Http404
    try:
        services.policy_switch_cancel(actor=request.user, switch=switch)
    except ValidationFailed as exc:
        messages.error(request, " ".join(e.message for e in exc.errors))
    else:
        messages.success(request, _("The scheduled switch is cancelled."))
    return redirect("policy:index")


@login_required
@require_GET
def switch_progress(request, pk: int):
    """The switch's bar (apps.core.progress), polled by the policy page; a switch of another
    province is a 404, as a missing one."""
    switch = PolicySwitch.objects.filter(pk=pk).first()
    if switch is None or switch.province_code != user_province(request.user):
        raise Http404
    return progress_response(request, selectors.switch_progress(switch, timezone.now()),
                             url=request.path, element_id="switch-progress")


# ---- history ---------------------------------------------------------------------------


@login_required
@require_GET
def history(request):
    province = user_province(request.user)
    if province is None:
        raise Http404
    rows = history_rows(request.user, province)
    return render(request, "policy/history.html", {"rows": rows})
