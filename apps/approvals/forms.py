"""Forms of the approval pages: one request form whose fields follow its type, the filter of
the lists, and the approver's decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.approvals.models import Kind, State
from apps.core.forms import BootstrapForm, DateInput

# The fields each type asks for beyond purpose and dates.
KIND_FIELDS = {
    Kind.TRIP: ("destination",),
    Kind.MEETING: ("participants", "venue", "online_considered", "why_offline"),
    Kind.GATHERING: ("participants", "venue"),
    Kind.LEAVE: (),
    Kind.VISITOR: ("visitor_name", "visitor_org"),
}
OPTIONAL = ("destination", "participants", "venue", "online_considered", "why_offline",
            "visitor_name", "visitor_org")


class ApprovalFilterForm(BootstrapForm):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All")), *State.choices])


class ApprovalRequestForm(BootstrapForm):
    title = forms.CharField(label=_("Purpose"), max_length=200)
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    destination = forms.CharField(label=_("Destination"), max_length=60,
                                  help_text=_("A county or city of another province, by name "
                                              "or code."))
    participants = forms.IntegerField(label=_("Participants"), min_value=1, max_value=100000)
    venue = forms.CharField(label=_("Venue"), max_length=200)
    online_considered = forms.BooleanField(label=_("Holding it online was considered"),
                                           required=False)
    why_offline = forms.CharField(label=_("Why it cannot be online"), max_length=200,
                                  required=False)
    visitor_name = forms.CharField(label=_("Visitor"), max_length=100)
    visitor_org = forms.CharField(label=_("Visitor's organisation"), max_length=100,
                                  required=False)
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name in OPTIONAL:
            if name not in KIND_FIELDS[kind]:
                del self.fields[name]


class ApprovalDecideForm(BootstrapForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        ("approve", _("Approve")), ("refuse", _("Refuse"))])
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False,
                             help_text=_("Needed when refusing."))


class ApprovalWithdrawForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason for withdrawing"), max_length=200,
                             required=False)
