from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm
from apps.followups.models import FollowUpKind, FollowUpStatus


class FollowUpFilterForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All"))] + FollowUpKind.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + FollowUpStatus.choices)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class CompleteForm(BootstrapForm):
    # Required, but the service says so (the same message as the API gives).
    outcome = forms.CharField(label=_("Outcome"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("What was found or done (tested, at home, "
                                          "cause found, back at school …)."))


class ReassignForm(BootstrapForm):
    assignee = forms.TypedChoiceField(label=_("Give to"), coerce=int, choices=())

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [(u.pk, str(u)) for u in candidates]
