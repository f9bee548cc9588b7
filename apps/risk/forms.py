from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm, DateInput
from apps.risk.models import RiskLevel

DATE = DateInput()


class RiskAreaFilterForm(BootstrapForm):
    level = forms.ChoiceField(label=_("Level"), required=False,
                              choices=[("", _("All levels")), *RiskLevel.choices])
    region = forms.CharField(label=_("Region code"), required=False, max_length=6)
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("in_force", _("In force today")), ("", _("All")), ("lifted", _("Lifted"))])


class RiskAreaForm(BootstrapForm):
    region = forms.CharField(
        label=_("Region"), max_length=60,
        help_text=_("A GB/T 2260 code or a name with context, e.g. 410105 or 上海市浦东新区."))
    sub_area = forms.CharField(label=_("Sub-area"), required=False, max_length=200,
                               help_text=_("Street, compound or building; empty for the whole "
                                           "region."))
    level = forms.ChoiceField(label=_("Level"), choices=RiskLevel.choices)
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE,
                          help_text=_("The last day in force; empty while designated."))
    source = forms.CharField(label=_("Source"), max_length=300,
                             help_text=_("The notice that designates it, e.g. its number."))


class LiftForm(BootstrapForm):
    lifted_on = forms.DateField(label=_("Last day in force"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ImportForm(BootstrapForm):
    file = forms.FileField(label=_("CSV file"), required=False,
                           help_text=_("Columns: region, sub-area, level, from, to, source. "
                                       "UTF-8 or GBK."))
    apply_valid_only = forms.BooleanField(
        label=_("Import the good rows even if some rows are bad"), required=False)
