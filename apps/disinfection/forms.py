"""Forms of the disinfection pages. The school is the page's own (its URL, through the scope
layer); each entry form carries a fresh `client_id`, so a form sent twice is one entry."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm
from apps.disinfection.models import AreaKind, EntryKind

WHEN = {"widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]}


class EntryForm(BootstrapForm):
    area = forms.TypedChoiceField(label=_("Area"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    person = forms.TypedChoiceField(label=_("Done by"), coerce=int)
    done_at = forms.DateTimeField(label=_("Done at"), required=False, **WHEN)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    client_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, areas=(), staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]
        self.fields["person"].choices = [(p.pk, p.name) for p in staff]
        self.fields["client_id"].initial = uuid.uuid4().hex


class AreaForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=AreaKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    on_duty = forms.TypedChoiceField(label=_("On duty"), coerce=int, required=False,
                                     empty_value=None)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_duty"].choices = [("", "—")] + [(u.pk, str(u)) for u in candidates]


class DutyForm(forms.Form):
    on_duty = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_duty"].choices = [("", "—")] + [(u.pk, str(u)) for u in candidates]
