from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.absence.models import CauseOutcome, Disease, Symptom
from apps.core.forms import BootstrapForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ToggleChecks:
    """Multiple-choice checkboxes as Bootstrap toggle buttons: big targets on a phone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "btn-check"
                field.widget.attrs["autocomplete"] = "off"


class AbsenceForm(ToggleChecks, BootstrapForm):
    person = forms.TypedChoiceField(label=_("Who is absent"), coerce=int)
    first_day = forms.DateField(label=_("First day absent"),
                                widget=DATE)
    symptoms = forms.MultipleChoiceField(label=_("Symptoms"), choices=Symptom.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)
    temperature = forms.CharField(
        label=_("Highest temperature (°C, optional)"), required=False, max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "38.5"}))
    diseases = forms.MultipleChoiceField(label=_("Suspected disease"), choices=Disease.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)
    notifiable = forms.BooleanField(
        label=_("A doctor suspects a notifiable infectious disease"), required=False)
    last_day = forms.DateField(label=_("Expected last day absent (optional)"), required=False,
                               widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
    client_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class CauseForm(ToggleChecks, BootstrapForm):
    outcome = forms.ChoiceField(label=pgettext_lazy("absence", "Cause"),
                                choices=CauseOutcome.choices)
    diagnosis = forms.CharField(label=_("Diagnosis"), required=False, max_length=100)
    hospital = forms.CharField(label=_("Hospital"), required=False, max_length=100)
    diseases = forms.MultipleChoiceField(label=_("Suspected disease"), choices=Disease.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)
    notifiable = forms.BooleanField(label=_("Notifiable infectious disease"), required=False)


class ReturnForm(BootstrapForm):
    returned_on = forms.DateField(label=_("Back at school on"),
                                  widget=DATE)
    certificate_seen = forms.BooleanField(label=_("Doctor's certificate seen"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class ReportForm(BootstrapForm):
    report_text = forms.CharField(label=_("Report as sent"),
                                  widget=forms.Textarea(attrs={"rows": 14}))


class CloseForm(BootstrapForm):
    reason = forms.CharField(label=_("Why close it"), max_length=500)
