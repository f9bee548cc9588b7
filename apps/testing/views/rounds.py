"""Round pages: the rounds in scope, a new round (whom, how, when, where), a round's plan per
day and progress, open and close. Reads need testing.view or testing.sample; making,
opening and closing need testing.manage on the school (out of scope: 404)."""

from math import ceil
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.access.grants import has_perm_anywhere
from apps.core.errors import ValidationFailed
from apps.core.forms import BootstrapForm, DateInput
from apps.orgs.models import School, SchoolClass
from apps.policy.selectors import PackMissing, PackOutdated, effective_for_school
from apps.schoolyear.grades import grade_order
from apps.testing.models import RoundKind, RoundMember, RoundScope, TestRound
from apps.testing.selectors.station import READ_PERMS, round_for, round_progress, rounds_visible
from apps.testing.services import rounds as services

ROUNDS_SHOWN = 100


def _reader(request) -> None:
    if not any(has_perm_anywhere(request.user, p) for p in READ_PERMS):
        raise Http404


class RoundForm(BootstrapForm):
    school = forms.TypedChoiceField(label=gettext_lazy("School"), coerce=int)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of test"), choices=RoundKind.choices)
    scope = forms.ChoiceField(label=pgettext_lazy("round scope", "Who"), choices=RoundScope.choices)
    klass_ids = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Classes"), coerce=int, required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}))
    numbers = forms.CharField(
        label=gettext_lazy("Student or staff numbers, one a line"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}))
    share_percent = forms.IntegerField(label=gettext_lazy("Random share (%)"), required=False,
                                       min_value=1, max_value=100)
    day = forms.DateField(label=gettext_lazy("First day"),
                          widget=DateInput())
    days = forms.IntegerField(label=gettext_lazy("Days"), min_value=1, max_value=31, initial=1,
                              help_text=gettext_lazy("1 for a one-day round; 7 for a week's "
                                                     "rotation."))
    daily_share = forms.IntegerField(
        label=gettext_lazy("Daily share (%)"), required=False, min_value=1, max_value=100,
        help_text=gettext_lazy("e.g. 20: at least 20% a day, everyone within the days."))
    stations = forms.CharField(label=gettext_lazy("Stations, one a line"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    drill = forms.BooleanField(label=gettext_lazy("Drill"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        schools = School.objects.restrict(user, services.PERM).order_by("name")[:200]
        self.fields["school"].choices = [(s.pk, s.name) for s in schools]
        classes = (SchoolClass.objects.restrict(user, services.PERM).open()
                   .select_related("school").order_by("school_id", "name")[:500])
        classes = sorted(classes, key=lambda c: (c.school_id, grade_order(c.name)))
        self.fields["klass_ids"].choices = [(c.pk, c.name) for c in classes]
        self.fields["drill"].widget.attrs["class"] = "form-check-input"

    def detail(self) -> dict:
        data = self.cleaned_data
        return {"klass_ids": data.get("klass_ids") or [], "numbers": data.get("numbers", ""),
                "share_percent": data.get("share_percent")}


@login_required
def round_list(request):
    _reader(request)
    found = list(rounds_visible(user=request.user).order_by("-day", "-id")[:ROUNDS_SHOWN])
    planned = dict(RoundMember.objects.filter(round__in=[r.pk for r in found])
                   .values_list("round").annotate(n=Count("id")).values_list("round", "n"))
    for r in found:
        r.planned = planned.get(r.pk, 0)
    return render(request, "testing/rounds/list.html", {
        "rounds": found,
        "can_manage": has_perm_anywhere(request.user, services.PERM),
        "can_sample": has_perm_anywhere(request.user, "testing.sample"),
    })


# What a link from the school's testing cycle may fill in the form (GET, never saved as is).
PROPOSED = ("scope", "days", "daily_share")


def _cycle(school_id: int) -> tuple[list[dict], dict]:
    """The testing cycle the school's policy asks for, as links that fill the form: the whole
    school within `whole_school_testing_days`, then a rotation of `daily_testing_percent` a
    day (everyone within 100 / P days), each saying where its value comes from (the pack
    layer and its source, or the bureau or school that tightened it). With them the form's
    defaults: a whole-school round over N days. Nothing when the pack has neither
    (routine). The same parameters drive the automatic rounds (apps.testing.services.cycle)."""
    try:
        effective = effective_for_school(school_id)
    except (PackOutdated, PackMissing):
        return [], {}
    params = effective.policy.params
    found = []
    days = params.get("whole_school_testing_days")
    if days:
        found.append({"label": _("The whole school within %(days)d days") % {"days": days},
                      "query": urlencode({"scope": RoundScope.SCHOOL, "days": days}),
                      "origin": _origin(effective, "whole_school_testing_days")})
    share = params.get("daily_testing_percent")
    if share:
        found.append({"label": _("Then at least %(share)d%% a day") % {"share": share},
                      "query": urlencode({"scope": RoundScope.SCHOOL,
                                          "days": ceil(100 / share), "daily_share": share}),
                      "origin": _origin(effective, "daily_testing_percent")})
    return found, ({"scope": RoundScope.SCHOOL, "days": days} if days else {})


def _origin(effective, name: str) -> str:
    """"whole_school_testing_days = 2 · henan-2022 (<the pack's citation>)", or the node that
    tightened it with its reason: "… = 1 · 金水区教育局 (一天完成)"."""
    value, layer, source = effective.provenance[name]
    spec = effective.pack.parameters[name]
    where = (f"{spec.layer or effective.pack.id} ({source})" if layer == "pack"
             else f"{layer} ({source})" if source != layer else layer)
    return f"{name} = {value} · {where}"


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request):
    if not has_perm_anywhere(request.user, services.PERM):
        raise Http404
    proposed = {k: request.GET[k] for k in PROPOSED if request.GET.get(k, "").isalnum()}
    form = RoundForm(request.POST or None, user=request.user,
                     initial={"day": timezone.localdate(), "kind": RoundKind.PCR_POOLED})
    schools = form.fields["school"].choices
    cycle, defaults = _cycle(schools[0][0]) if schools else ([], {})
    form.initial.update({**defaults, **proposed})  # the pack's proposal, then the link's
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.round_create(
                actor=request.user, school_id=data["school"], name=data["name"],
                kind=data["kind"], scope=data["scope"], scope_detail=form.detail(),
                day=data["day"], days=data["days"], daily_share=data["daily_share"],
                stations=(data["stations"] or "").splitlines(), drill=data["drill"])
        except ValidationFailed as exc:
            for error in exc.errors:
                name = error.field.split("[")[0]
                form.add_error(name if name in form.fields else None, error.message)
        else:
            messages.success(request, _("Round created: %(n)d people planned.")
                             % {"n": made.members.count()})
            return redirect("testing:round_detail", round_id=made.pk)
    return render(request, "testing/rounds/new.html", {"form": form, "cycle": cycle})


@login_required
def round_detail(request, round_id: int):
    test_round = round_for(user=request.user, round_id=round_id)
    per_day = list(RoundMember.objects.filter(school_id=test_round.school_id, round=test_round)
                   .values_list("planned_day").annotate(n=Count("id")).order_by("planned_day")
                   .values_list("planned_day", "n"))
    manage = TestRound.objects.restrict(request.user, services.PERM).filter(pk=round_id).exists()
    return render(request, "testing/rounds/detail.html", {
        "round": test_round, "progress": round_progress(test_round=test_round),
        "per_day": per_day, "can_manage": manage,
        "can_sample": TestRound.objects.restrict(request.user, "testing.sample")
        .filter(pk=round_id).exists(),
        "chart_data": {"days": {"labels": [d.isoformat() for d, _n in per_day],
                                "values": [n for _d, n in per_day],
                                "title": _("People planned")}},
    })


@login_required
@require_POST
def round_transition(request, round_id: int, to: str):
    change = {"open": services.round_open, "close": services.round_close}.get(to)
    if change is None:
        raise Http404
    try:
        change(actor=request.user, round_id=round_id)
    except ValidationFailed as exc:
        messages.error(request, "; ".join(str(e.message) for e in exc.errors))
    return redirect("testing:round_detail", round_id=round_id)
