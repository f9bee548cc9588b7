"""Forms of the supervision pages. The schools and the assignees offered are the user's own
(schools they inspect, people of the rectification's school), so one outside is "not a valid
choice", like one that does not exist. Photos are read from the request's files
(`photos`, several) and checked by the service."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.forms import BootstrapForm, DateInput
from apps.supervision.models import InspectionState, ItemResult, RectificationState


class InspectionFilterForm(BootstrapForm):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All")), *InspectionState.choices])


class InspectionPlanForm(BootstrapForm):
    school = forms.ModelChoiceField(queryset=None, label=_("School"))
    checklist = forms.ChoiceField(label=pgettext_lazy("inspection", "Checklist"))
    planned_on = forms.DateField(label=_("Planned for"),
                                 widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(self, *args, schools, checklists, language: str = "zh-hans", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["checklist"].choices = [
            (c.key, c.title_en if language == "en" else c.title_zh) for c in checklists]
        self.fields["planned_on"].initial = timezone.localdate()


class ItemRecordForm(BootstrapForm):
    code = forms.CharField(max_length=40, widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("Result"), choices=ItemResult.choices,
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RectificationFilterForm(BootstrapForm):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All")), *RectificationState.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("On me"), required=False)


class RectificationAssignForm(BootstrapForm):
    assignee = forms.ModelChoiceField(queryset=None, label=_("Responsible"))
    due_on = forms.DateField(label=_("Deadline"), required=False,
                             widget=DateInput(),
                             help_text=_("Leave empty to keep it; only earlier is allowed."))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = candidates


class RectificationAnswerForm(BootstrapForm):
    answer = forms.CharField(label=_("What was done"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class RectificationReopenForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=200)
    due_on = forms.DateField(label=_("New deadline"), required=False,
                             widget=DateInput())
