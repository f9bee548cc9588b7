"""Forms of the delivery point pages. The school is the page's own (its URL, read through the
scope layer); photos are read from the request's files (`photos`, several) and checked by the
service. Each receive form carries a fresh `client_id`, so a form sent twice is one batch."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm, DateInput

WHEN = {"widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]}


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False, widget=DateInput())


class ReceiveForm(BootstrapForm):
    count = forms.IntegerField(label=_("Parcels"), min_value=1, max_value=10000)
    received_at = forms.DateTimeField(label=_("Received at"), required=False, **WHEN)
    courier = forms.CharField(label=_("Courier or company"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    client_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_id"].initial = uuid.uuid4().hex


class DisinfectForm(BootstrapForm):
    person = forms.TypedChoiceField(label=_("Disinfected by"), coerce=int)
    at = forms.DateTimeField(label=_("Disinfected at"), required=False, **WHEN)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, p.name) for p in staff]
