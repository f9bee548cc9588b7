"""Forms of the staff accounts pages: activation (not signed in), the password change, and
which class's or unit's codes to print again (choices from the school's own)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.forms import BootstrapForm


class ActivateForm(BootstrapForm):
    username = forms.CharField(label=_("Username"), max_length=150,
                               help_text=_("As printed on your slip."))
    code = forms.CharField(label=_("Activation code"), max_length=40)


class PasswordForm(BootstrapForm):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput,
                                   required=False)
    new_password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput,
                                    max_length=128)
    new_password2 = forms.CharField(label=_("New password again"),
                                    widget=forms.PasswordInput, max_length=128)

    def __init__(self, *args, forced: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if forced:
            del self.fields["old_password"]

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") not in (
                None, data["new_password1"]):
            self.add_error("new_password2", _("The two passwords differ."))
        return data


class ReissueForm(BootstrapForm):
    klass = forms.ModelChoiceField(queryset=None, required=False, label=_("Class taught"))
    unit = forms.ModelChoiceField(queryset=None, required=False, label=_("or a unit"))

    def __init__(self, *args, classes, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["klass"].queryset = classes
        self.fields["unit"].queryset = units


class NewAccountForm(BootstrapForm):
    username = forms.CharField(label=_("Username"), max_length=150,
                               help_text=_("Letters, digits and @ . + - _; kept in lower case."))
    display_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
