"""Forms of the transfer pages. The receiving school's classes come from its own open classes,
so a class of another school is "not a valid choice", like one that does not exist."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm
from apps.transfers.models import TransferState


class TransferFilterForm(BootstrapForm):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All")), *TransferState.choices])


class TransferRequestForm(BootstrapForm):
    number = forms.CharField(label=_("Student number"), max_length=32,
                             help_text=_("A student of your school."))
    to_school_code = forms.CharField(label=_("Receiving school's code"), max_length=20,
                                     help_text=_("Any school of the province."))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class TransferAcceptForm(BootstrapForm):
    to_class = forms.ModelChoiceField(queryset=None, label=_("Into class"))
    number = forms.CharField(label=_("Student number here"), max_length=32, required=False,
                             help_text=_("Leave empty to keep the one they have."))

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_class"].queryset = classes


class TransferRefuseForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason for refusing"), max_length=200)


class TransferCancelForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200, required=False)
