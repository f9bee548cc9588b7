"""Forms of the binding and household pages. Choices of classes and units come from the
scope layer, so a row out of scope is "not a valid choice", like one that does not exist."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.forms import BootstrapForm
from apps.people.services import HOUSEHOLD_FIELDS

CONSENT_TEXT = _("I am the child's guardian and consent to the school processing the child's "
                 "personal information for epidemic prevention (needed for a child under 14).")


class _Checkbox(BootstrapForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "consent" in self.fields:
            self.fields["consent"].widget.attrs["class"] = "form-check-input"


class IssueForm(BootstrapForm):
    klass = forms.ModelChoiceField(queryset=None, required=False, label=_("Class"))
    unit = forms.ModelChoiceField(queryset=None, required=False, label=_("or a whole unit"))

    def __init__(self, *args, classes, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["klass"].queryset = classes
        self.fields["unit"].queryset = units


class BindForm(_Checkbox):
    code = forms.CharField(label=_("Binding code"), max_length=40,
                           help_text=_("From the slip the class teacher handed out."))
    relation = forms.CharField(label=_("Relation to the child"), max_length=20,
                               help_text=_("For example 父亲, 母亲, 祖母."))
    consent = forms.BooleanField(label=CONSENT_TEXT, required=False)


class SignUpForm(BindForm):
    phone = forms.CharField(label=_("Mobile phone"), max_length=20,
                            help_text=_("You will sign in with this number."))
    name = forms.CharField(label=_("Your name"), max_length=50)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    field_order = ["code", "phone", "name", "relation", "password", "consent"]


class RejectForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class HouseholdForm(BootstrapForm):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    relation = forms.CharField(label=_("Relation to the child"), max_length=20)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=50, required=False)
    residence_region_code = forms.CharField(label=_("Residence region code"), max_length=6,
                                            required=False,
                                            help_text=_("Six digits, for example 410105."))

    def values(self) -> dict:
        data = self.cleaned_data
        return {k: data[k] or ("" if k != "residence_region_code" else None)
                for k in HOUSEHOLD_FIELDS}


class SettingsForm(BootstrapForm):
    link_at_once = forms.BooleanField(
        label=_("Link guardians at once, without the class teacher's confirmation"),
        required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link_at_once"].widget.attrs["class"] = "form-check-input"
