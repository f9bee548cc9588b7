"""Forms of the supplies pages. The item and kind are choices of the catalogue and ledger;
the school is the page's own (in its URL, read through the scope layer). Each form carries
a fresh `client_id`, so a submission sent twice is recorded once."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm, DateInput
from apps.supplies import catalogue
from apps.supplies.models import MovementKind


def _fresh() -> str:
    return uuid.uuid4().hex


class MovementForm(BootstrapForm):
    item = forms.ChoiceField(label=pgettext_lazy("supplies", "Item"))
    kind = forms.ChoiceField(label=_("Kind"), choices=MovementKind.choices)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0)
    day = forms.DateField(label=_("Day"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    client_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language() or "zh-hans"
        self.fields["item"].choices = [(i.key, f"{i.name(language)} ({i.unit(language)})")
                                       for i in catalogue.items()]
        self.fields["day"].initial = timezone.localdate()
        self.fields["client_id"].initial = _fresh()


class CountsImportForm(BootstrapForm):
    file = forms.FileField(label=_("Stocktake workbook (.xlsx)"))
    client_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_id"].initial = _fresh()
