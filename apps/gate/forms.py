"""The gate set-up page's forms: shapes only; the rules (a name per school) are apps.gate.gates'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm


class GateForm(BootstrapForm):
    name = forms.CharField(label=_("Gate name"), max_length=50)


class GateEditForm(GateForm):
    active = forms.BooleanField(label=_("In use"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["active"].widget.attrs["class"] = "form-check-input"  # a box, not a field
