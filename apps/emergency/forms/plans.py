"""Forms of the plan, task force and drill pages."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.emergency.plan_versions import MAX_DUE_MINUTES
from apps.emergency.plans import Duty

INTERNAL_DUTIES = [(c, label) for c, label in Duty.choices
                   if c not in (Duty.HEALTH_DEPARTMENT, Duty.CDC)]


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select", **attrs})


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


class InternalMemberForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Account"), coerce=int, widget=_select())
    duty = forms.ChoiceField(label=_("Duty"), choices=INTERNAL_DUTIES, widget=_select())
    lead = forms.BooleanField(label=_("Leads the task force"), required=False,
                              widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = list(users)


class ExternalMemberForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50, widget=_text())
    organisation = forms.CharField(label=_("Organisation"), max_length=100, widget=_text(
        placeholder=_("e.g. the county CDC")))
    duty = forms.ChoiceField(label=_("Duty"), choices=Duty.choices, initial=Duty.CDC,
                             widget=_select())
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, widget=_text())
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False, widget=_text())


class StepForm(forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    title_zh = forms.CharField(label=_("Step (Chinese)"), max_length=200, widget=_text())
    title_en = forms.CharField(label=_("Step (English)"), max_length=200, required=False,
                               widget=_text())
    duty = forms.ChoiceField(label=_("Duty"), choices=Duty.choices, widget=_select())
    due_minutes = forms.IntegerField(label=_("Due (minutes)"), min_value=1,
                                     max_value=MAX_DUE_MINUTES, widget=forms.NumberInput(
                                         attrs={"class": "form-control", "style": "width:7em"}))

    def step(self) -> dict:
        data = self.cleaned_data
        return {"key": data.get("key") or "",
                "title": {"zh": data["title_zh"], "en": data.get("title_en") or ""},
                "duty": data["duty"], "due_minutes": data["due_minutes"]}


StepFormSet = forms.formset_factory(StepForm, extra=2, can_delete=True, can_order=True,
                                    max_num=60, validate_max=True)


def step_initial(steps: list[dict]) -> list[dict]:
    return [{"key": s.get("key", ""), "title_zh": s["title"]["zh"],
             "title_en": s["title"]["en"], "duty": s["duty"],
             "due_minutes": s["due_minutes"]} for s in steps]


class PlanStartForm(forms.Form):
    trigger = forms.TypedChoiceField(label=_("For the trigger"), coerce=int, required=False,
                                     empty_value=None, widget=_select())

    def __init__(self, *args, triggers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trigger"].choices = [("", _("No trigger (another emergency)"))] + [
            (t.pk, f"{t.get_kind_display()} · {t.alert.region.name} · "
                   f"{t.fired_at:%Y-%m-%d %H:%M}") for t in triggers]


class DrillScheduleForm(forms.Form):
    scenario = forms.CharField(label=_("Scenario"), max_length=200, widget=_text(
        placeholder=_("e.g. a local case reported in our county during lessons")))
    scheduled_for = forms.DateTimeField(label=_("Scheduled for"), widget=forms.DateTimeInput(
        attrs={"class": "form-control", "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))


class DrillFinishForm(forms.Form):
    participants = forms.IntegerField(label=_("Participants"), min_value=1, max_value=100_000,
                                      widget=forms.NumberInput(attrs={"class": "form-control"}))
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(
        attrs={"class": "form-control", "rows": 4}))
