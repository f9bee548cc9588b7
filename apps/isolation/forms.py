"""Forms of the isolation pages. The persons, schools and rooms offered come from the user's
scope, so anything else is "not a valid choice", like a row that does not exist."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.forms import BootstrapForm
from apps.isolation.models import Health, Meals, Mood, Place, ReferralState, Study

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IsolationOpenForm(BootstrapForm):
    person = forms.ModelChoiceField(queryset=None, label=_("Person"))
    place_kind = forms.ChoiceField(label=_("Isolated where"), choices=Place.choices)
    room = forms.ModelChoiceField(queryset=None, label=_("Isolation room"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("Address, or the facility's name"))
    start = forms.DateField(label=_("Start"), widget=DATE)
    planned_end = forms.DateField(label=_("Planned end"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    client_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, persons, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons
        self.fields["room"].queryset = rooms


class IsolationExtendForm(BootstrapForm):
    planned_end = forms.DateField(label=_("New planned end"), widget=DATE)
    reason = forms.CharField(label=_("Why it is extended"), max_length=200)


class IsolationCloseForm(BootstrapForm):
    released_on = forms.DateField(label=_("Released on"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CareVisitForm(BootstrapForm):
    health = forms.ChoiceField(label=_("Health"), choices=Health.choices)
    meals = forms.ChoiceField(label=_("Meals"), choices=Meals.choices)
    study = forms.ChoiceField(label=_("Study"), choices=Study.choices)
    mood = forms.ChoiceField(label=_("Mood"), choices=Mood.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReferralForm(BootstrapForm):
    to_whom = forms.CharField(label=_("Referred to"), max_length=100,
                              help_text=_("The counsellor, hotline or hospital department"))
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ReferralUpdateForm(BootstrapForm):
    state = forms.ChoiceField(label=_("State"), choices=ReferralState.choices)
    follow_up = forms.CharField(label=pgettext_lazy("referral", "Follow-up"), max_length=500,
                                required=False)


class OnlineStudyForm(BootstrapForm):
    platform = forms.CharField(label=_("Platform"), max_length=100)
    teacher = forms.CharField(label=_("Teacher"), max_length=100)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RoomForm(BootstrapForm):
    school = forms.ModelChoiceField(queryset=None, label=_("School"), empty_label=None)
    name = forms.CharField(label=_("Room"), max_length=60)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=500)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class RoomEditForm(BootstrapForm):
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=500)
    active = forms.BooleanField(label=_("In use"), required=False)
