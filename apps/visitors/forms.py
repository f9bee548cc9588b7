from django import forms
from django.utils.translation import gettext_lazy as _

from apps.people.models import DocType


class VisitForm(forms.Form):
    client_id = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Visitor's name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    doc_type = forms.ChoiceField(
        label=_("Document type"), choices=DocType.choices, initial=DocType.RESIDENT_ID
    )
    doc_number = forms.CharField(label=_("ID number"), max_length=32)
    organisation = forms.CharField(label=_("Organisation"), max_length=100, required=False)
    purpose = forms.CharField(label=_("Purpose of the visit"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class DeclarationForm(forms.Form):
    temperature = forms.CharField(label=_("Your temperature (°C)"), max_length=5)
    symptoms = forms.BooleanField(
        label=_("I have a fever, cough, sore throat or other symptoms"), required=False
    )
    risk_regions = forms.MultipleChoiceField(
        label=_("In the last 14 days I was in"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_regions"].choices = list(regions)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need the full number?"), max_length=200)
