from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm


class MarkClearForm(BootstrapForm):
    # Required, but the service says so (the same message as the API gives).
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Why the mark is cleared without a test (tested "
                                         "elsewhere, exempted by the epidemic office …)."))
