from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm, DateInput
from apps.travel.models import ExposureKind


class ExposureForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Contact with"), choices=ExposureKind.choices)
    on = forms.DateField(label=_("Date of contact"),
                         widget=DateInput())
    region = forms.CharField(
        label=_("Where (optional)"), required=False, max_length=60,
        help_text=_("A region code or name, e.g. 410105 or 郑州市金水区."))
    detail = forms.CharField(label=_("Details"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))
    client_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class WithdrawForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=100)
