from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm
from apps.people.models import PersonKind, Residence


class LoginForm(BootstrapForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PersonFilterForm(BootstrapForm):
    """The person list's search and filters; the choices of school, unit and class are the
    ones in the user's scope (set by the view)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    school = forms.TypedChoiceField(label=_("School"), required=False, coerce=int, empty_value=None)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    klass = forms.TypedChoiceField(label=_("Class"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Students and staff")), *PersonKind.choices],
    )
    residence = forms.ChoiceField(
        label=_("Boarder or day"),
        required=False,
        choices=[("", _("Boarders and day")), *Residence.choices],
    )

    def __init__(self, data, *, schools, units, classes):
        super().__init__(data)
        self.fields["school"].choices = [("", _("All schools")), *schools]
        self.fields["unit"].choices = [("", _("All units")), *units]
        self.fields["klass"].choices = [("", _("All classes")), *classes]


class RevealForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason"),
        min_length=4,
        max_length=200,
        help_text=_("Why you need the full number. The reason is recorded in the access log."),
    )


class TokenForm(BootstrapForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the north gate terminal."),
    )
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to let the token do everything you may do."),
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)

    def __init__(self, *args, permissions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].choices = [(p, p) for p in sorted(permissions)]
