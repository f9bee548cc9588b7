from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm
from apps.people.models import PersonKind


class ImportForm(BootstrapForm):
    school = forms.TypedChoiceField(label=_("School"), coerce=int)
    kind = forms.ChoiceField(label=_("Students or staff"), choices=PersonKind.choices)
    file = forms.FileField(label=_("Roster file"), required=False,
                           help_text=_(".xlsx, .xls or CSV (UTF-8 or GBK); the first sheet, "
                                       "one row per person, titles in the first row."))
    valid_only = forms.BooleanField(
        label=_("Import the good rows even if some rows are bad"), required=False)
    create_places = forms.BooleanField(
        label=_("Create the classes and grades the file names that the school lacks"),
        required=False,
        help_text=_("A new class needs its grade in the grade column. The check lists them; "
                    "they are created only when the file is imported."))

    def __init__(self, *args, schools, may_create_places=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [(s.pk, s.name) for s in schools]
        if not may_create_places:  # only the school's administrators make classes
            del self.fields["create_places"]
