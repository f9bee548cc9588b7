"""The set-up pages' forms. They check shapes only (a number is a number); every rule about
the tree (duplicates, regions, scope) is the services' and lands on the field it names."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.forms import BootstrapForm
from apps.orgs.models import Boarding, BureauLevel, SchoolKind, UnitKind
from apps.orgs.services.fields import MAX_BEDS, MAX_REASON, SCHOOL_YEARS

REGION_HELP = _("A GB/T 2260 code, e.g. 410105.")
CHILD_LEVELS = [(k, v) for k, v in BureauLevel.choices if k != BureauLevel.PROVINCE]


class BureauForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    level = forms.ChoiceField(label=pgettext_lazy("orgs", "Level"), choices=CHILD_LEVELS)
    region_code = forms.CharField(label=_("Region code"), max_length=6, help_text=REGION_HELP)
    parent = forms.ModelChoiceField(label=_("Parent bureau"), queryset=None)

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


class BureauNameForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100)


class SchoolForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.CharField(label=_("School code"), max_length=20,
                           help_text=_("The school's identification code (学校标识码)."))
    kind = forms.ChoiceField(label=_("Kind"), choices=SchoolKind.choices)
    boarding = forms.ChoiceField(label=_("Boarding"), choices=Boarding.choices)
    bureau = forms.ModelChoiceField(label=pgettext_lazy("orgs", "Bureau"), queryset=None)
    region_code = forms.CharField(label=_("Region code"), max_length=6, help_text=REGION_HELP)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args, bureaus=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].queryset = bureaus


class ReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=MAX_REASON)


class PairForm(BootstrapForm):
    hospital = forms.ModelChoiceField(label=_("Designated hospital"), queryset=None,
                                      required=False,
                                      empty_label=pgettext_lazy("orgs", "(none)"))

    def __init__(self, *args, hospitals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hospital"].queryset = hospitals


class UnitForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("A grade (高一, 七年级), a college or a department."))
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)


class ClassForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    unit = forms.ModelChoiceField(label=_("Grade or college"), queryset=None)
    school_year = forms.IntegerField(
        label=_("School year"), min_value=SCHOOL_YEARS[0], max_value=SCHOOL_YEARS[1],
        help_text=_("The year it starts in: 2025 for 2025–2026."))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class RoomForm(BootstrapForm):
    building = forms.CharField(label=pgettext_lazy("orgs", "Building"), max_length=50)
    room = forms.CharField(label=pgettext_lazy("orgs", "Room"), max_length=20)
    beds = forms.IntegerField(label=pgettext_lazy("orgs", "Beds"), min_value=1,
                              max_value=MAX_BEDS, initial=6)


class HospitalForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    region_code = forms.CharField(label=_("Region code"), max_length=6, help_text=REGION_HELP)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Emergency phone"), max_length=20,
                            help_text=_("Answered day and night: schools call it first."))


class HospitalEditForm(HospitalForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["region_code"]  # its region decides who sees it: it stays


class ContactForm(BootstrapForm):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    role = forms.CharField(label=pgettext_lazy("orgs", "Role"), max_length=50,
                           help_text=_("e.g. liaison (联络员), infection department head."))
    phone = forms.CharField(label=_("Phone"), max_length=20)
