"""Forms of the concern pages. The people a user may raise for, and the people of the school
a concern may be given to, come from their scope, so anyone else is "not a valid choice",
like someone who does not exist."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.concerns.models import ConcernCategory, ConcernState
from apps.core.forms import BootstrapForm


class ConcernFilterForm(BootstrapForm):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All")), *ConcernState.choices])
    late = forms.BooleanField(label=_("Late only"), required=False)


class ConcernRaiseForm(BootstrapForm):
    person = forms.ModelChoiceField(queryset=None, label=_("For"), empty_label=None)
    category = forms.ChoiceField(label=_("Kind"), choices=ConcernCategory.choices)
    text = forms.CharField(label=_("What is needed"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    client_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons


class ConcernAssignForm(BootstrapForm):
    assignee = forms.ModelChoiceField(queryset=None, label=_("Responsible"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = candidates


class ConcernAnswerForm(BootstrapForm):
    answer = forms.CharField(label=_("Answer"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ConcernReopenForm(BootstrapForm):
    reason = forms.CharField(label=_("Why it is not resolved"), max_length=200)
