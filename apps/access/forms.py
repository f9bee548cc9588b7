"""Forms of the access app's pages."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.access import selectors
from apps.core.forms import BootstrapForm


class LogFilterForm(BootstrapForm):
    school = forms.ModelChoiceField(queryset=None, required=False,
                                    label=gettext_lazy("School"))
    action = forms.ChoiceField(required=False, label=gettext_lazy("What"))
    who = forms.CharField(required=False, max_length=50, label=gettext_lazy("Who"))
    since = forms.DateField(required=False, label=gettext_lazy("From"),
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label=gettext_lazy("To"),
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = selectors.log_schools(user).order_by("name")
        self.fields["action"].choices = [("", _("Everything")), *selectors.ACTIONS.items()]

    def filters(self) -> selectors.LogFilters:
        data = self.cleaned_data if self.is_valid() else {}
        school = data.get("school")
        return selectors.LogFilters(school_id=school.pk if school else None,
                                    action=data.get("action", ""), who=data.get("who", ""),
                                    since=data.get("since"), until=data.get("until"))
