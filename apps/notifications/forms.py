from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm
from apps.notifications.models import ChannelKind, DeliveryStatus, Severity

OWN_KINDS = [(k.value, k.label) for k in (ChannelKind.SMS, ChannelKind.EMAIL)]
SCHOOL_KINDS = [(k.value, k.label) for k in (ChannelKind.WECOM, ChannelKind.DINGTALK,
                                             ChannelKind.WEBHOOK, ChannelKind.EMAIL,
                                             ChannelKind.SMS)]


class ChannelForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Channel"), choices=OWN_KINDS)
    address = forms.CharField(label=_("Address"), max_length=300,
                              help_text=_("A mobile number, an e-mail address, or the robot's "
                                          "webhook URL."))
    label = forms.CharField(label=_("Label"), max_length=60, required=False)
    kinds = forms.CharField(label=_("Only these kinds of message"), max_length=200,
                            required=False,
                            help_text=_("Prefixes separated by commas, e.g. trigger., cluster. "
                                        "Empty: every kind."))
    min_severity = forms.ChoiceField(label=_("From severity"), choices=Severity.choices,
                                     initial=Severity.WARNING)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class SchoolChannelForm(ChannelForm):
    school = forms.TypedChoiceField(label=_("School"), coerce=int, choices=())
    secret = forms.CharField(label=_("Signing secret (DingTalk, optional)"), max_length=200,
                             required=False, widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SCHOOL_KINDS
        self.fields["school"].choices = [(s.pk, s.name) for s in schools]
        self.order_fields(["school", "kind", "address", "secret", "label", "kinds",
                           "min_severity", "language"])


class DeliveryFilterForm(BootstrapForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + DeliveryStatus.choices)
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("All"))] + ChannelKind.choices)
    kind = forms.CharField(label=_("Kind of message"), required=False, max_length=40)
