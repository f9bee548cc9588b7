from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm
from apps.orgs.services.fields import current_school_year


class RolloverForm(BootstrapForm):
    """Which school year to move on to: the next, or the one under way for a school that did
    not roll over in the summer. `school` narrows it to one school."""

    to_year = forms.ChoiceField(label=_("Move on to school year"))  # a year, not a row's id
    school = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        now = current_school_year()
        self.fields["to_year"].choices = [(str(y), f"{y}-{y + 1}") for y in (now + 1, now)]

    def clean_to_year(self) -> int:
        return int(self.cleaned_data["to_year"])

    @staticmethod
    def defaults() -> dict:
        return {"to_year": current_school_year() + 1, "school": None}
