from django import forms
from django.utils.translation import gettext_lazy as _

from apps.emergency.models import Mode, ModeScope


class ModeSwitchForm(forms.Form):
    scope = forms.ChoiceField(label=_("For"), choices=ModeScope.choices, initial=ModeScope.SCHOOL,
                              widget=forms.Select(attrs={"class": "form-select"}))
    target = forms.ChoiceField(label=_("Grade or class"), required=False,
                               widget=forms.Select(attrs={"class": "form-select"}))
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False,
                             help_text=_("Required to return to normal."),
                             widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, units=(), classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "—")] + [
            (f"unit:{u.pk}", u.name) for u in units] + [
            (f"klass:{c.pk}", c.name) for c in classes]

    def scope_key(self) -> str:
        """The unit or class id the target names, when it matches the scope chosen."""
        scope, _sep, key = (self.cleaned_data.get("target") or "").partition(":")
        return key if scope == self.cleaned_data.get("scope") else ""


class CampusResidentForm(forms.Form):
    number = forms.CharField(label=_("Staff number"), max_length=32)
    since = forms.DateField(label=_("From"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
