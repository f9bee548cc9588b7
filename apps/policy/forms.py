import json

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapForm


def parse_value(text: str, like):
    """The typed value a form's text stands for, read as the pack's own value is typed (a
    number for a number, a list for a list). Raises ValueError when it is not such a value."""
    text = text.strip()
    if isinstance(like, bool):
        if text.lower() in ("true", "yes", "1", "是"):
            return True
        if text.lower() in ("false", "no", "0", "否"):
            return False
        raise ValueError(text)
    if isinstance(like, int):
        return int(text)
    if isinstance(like, float):
        return float(text)
    if isinstance(like, list | dict):
        return json.loads(text)
    return text


class ServiceErrorsForm(BootstrapForm):
    """Errors a service reports after validation (add_error) mark their field invalid too."""

    def add_error(self, field, error):
        super().add_error(field, error)
        if field in self.fields:
            attrs = self.fields[field].widget.attrs
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


class TightenForm(ServiceErrorsForm):
    param = forms.ChoiceField(label=_("Parameter"))
    value = forms.CharField(label=_("New value"), max_length=200)
    reason = forms.CharField(
        label=_("Reason"), max_length=300,
        help_text=_("Why this node needs a stricter value. The reason is recorded."),
    )

    def __init__(self, *args, params: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["param"].choices = params


class ChooseForm(ServiceErrorsForm):
    """The pack is sent as "id@version", the version the admin read on the page, so that a
    pack file changed in the meantime is refused with a clear message, not chosen unseen."""

    pack = forms.CharField(label=_("Policy pack"), widget=forms.RadioSelect)
    effective_from = forms.DateTimeField(
        label=_("In force from"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Empty: from now. A time in the future schedules the switch: the province "
                    "keeps its pack until then, and the switch can be cancelled."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300,
        help_text=_("Why the province runs this pack from now on. The reason is recorded."),
    )

    def __init__(self, *args, packs: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pack"].widget.choices = packs
        self.fields["pack"].widget.attrs["class"] = "form-check-input"

    def pack_and_version(self) -> tuple[str, str]:
        pack_id, _sep, version = self.cleaned_data["pack"].partition("@")
        return pack_id, version
