"""Forms of the access app's pages."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.access import selectors
from apps.access.roles import Role
from apps.core.forms import BootstrapForm, DateInput


class LogFilterForm(BootstrapForm):
    school = forms.ModelChoiceField(queryset=None, required=False,
                                    label=gettext_lazy("School"))
    action = forms.ChoiceField(required=False, label=gettext_lazy("What"))
    who = forms.CharField(required=False, max_length=50, label=gettext_lazy("Who"))
    since = forms.DateField(required=False, label=gettext_lazy("From"),
                            widget=DateInput())
    until = forms.DateField(required=False, label=gettext_lazy("To"),
                            widget=DateInput())

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


class RoleGrantForm(BootstrapForm):
    """A grant on a bureau's or a school's page: the role, the account (chosen from the
    school's accounts, or by username), where it is held, and its last day. The service
    checks the rest and names the field."""

    role = forms.ChoiceField(label=gettext_lazy("Role"))
    user = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("Account"))
    username = forms.CharField(required=False, max_length=150,
                               label=gettext_lazy("Or the account's username"))
    bureau = forms.ModelChoiceField(queryset=None, required=False,
                                    label=gettext_lazy("Bureau"))
    school = forms.ModelChoiceField(queryset=None, required=False,
                                    label=gettext_lazy("School"))
    hospital = forms.ModelChoiceField(queryset=None, required=False,
                                      label=gettext_lazy("Designated hospital"))
    unit = forms.ModelChoiceField(queryset=None, required=False,
                                  label=gettext_lazy("Unit (for a unit lead)"))
    klass = forms.ModelChoiceField(queryset=None, required=False,
                                   label=gettext_lazy("Class (for a class teacher)"))
    ends_on = forms.DateField(required=False, label=gettext_lazy("Last day (empty: no end)"),
                              widget=DateInput())

    def __init__(self, *args, roles, choices: dict, **kwargs):
        """`choices`: field name -> the queryset it offers; a field not named is left out."""
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        for name in ("user", "bureau", "school", "hospital", "unit", "klass"):
            if name in choices:
                self.fields[name].queryset = choices[name]
            else:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if "user" in self.fields and not data.get("user") and not data.get("username"):
            self.add_error("user", _("Choose the account, or give its username."))
        elif "user" not in self.fields and not data.get("username"):
            self.add_error("username", _("Give the account's username."))
        return data


class RoleEndForm(BootstrapForm):
    ends_on = forms.DateField(required=False, label=gettext_lazy("Last day"),
                              widget=DateInput())
