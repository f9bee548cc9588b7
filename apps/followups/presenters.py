"""How a follow-up's `detail` (what must be done, from the policy, the tube, the absence) is
shown: known keys get a translated label, lists become lines, anything else is shown as is;
the alert is shown by its number, area and time with a link to it, an area by its name, the
required actions in words."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

LABELS = {
    "alert": _("Alert"),
    "actions": _("Required actions"),
    "reasons": _("Reasons"),
    "reason": _("Reason"),
    "region": _("Area"),
    "tube": _("Tube"),
    "pool": _("Pool"),
    "symptoms": _("Symptoms"),
    "suspected": _("Suspected disease"),
    "since": _("Since"),
    "note": _("Note"),
    "window_start": _("Window start"),
    "window_end": _("Window end"),
    "tests": _("Tests required"),
    "done": _("Tests done"),
}
# Never shown, whoever put them there; keys ending in _id are internal references.
HIDDEN = {"doc", "doc_number", "id_number", "phone"}


def _text(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value)
    return "" if value is None else str(value)


def _action(action) -> str:
    """One required action (apps.emergency.triggers.trace_actions) in words."""
    if not isinstance(action, dict):
        return _text(action)
    kind = action.get("kind")
    if kind == "test":
        count, days = action.get("count", 1), action.get("within_days", 1)
        return ngettext("%(count)d nucleic acid test within %(days)d days",
                        "%(count)d nucleic acid tests within %(days)d days",
                        count) % {"count": count, "days": days}
    if kind == "monitor":
        days = action.get("days", 1)
        return ngettext("Health monitoring for %(days)d day", "Health monitoring for %(days)d days",
                        days) % {"days": days}
    if kind == "report":
        return gettext("Report to the class teacher")
    return _text(action)


def _region(code) -> str:
    from apps.regions.models import Region

    found = Region.objects.filter(pk=str(code)).values_list("full_name", flat=True).first()
    return f"{found} ({code})" if found else _text(code)


def _alert(pk) -> tuple[str, str]:
    """The alert as its number, area and opening time, and the link to it."""
    from apps.emergency.models import Alert

    alert = Alert.objects.select_related("region").filter(pk=pk).first() \
        if str(pk).isdigit() else None
    if alert is None:
        return _text(pk), ""
    opened = timezone.localtime(alert.opened_at).strftime("%Y-%m-%d %H:%M")
    text = gettext("No. %(n)s · %(region)s · opened %(at)s") % {
        "n": alert.pk, "region": alert.region.full_name, "at": opened}
    return text, reverse("emergency:alert_detail", args=[alert.pk])


def _row(key: str, value) -> tuple[str, str, str]:
    label = str(LABELS.get(key, key.replace("_", " ").capitalize()))
    if key == "alert":
        return (label, *_alert(value))
    if key == "region":
        return label, _region(value), ""
    if key == "actions" and isinstance(value, list | tuple):
        return label, "、".join(_action(a) for a in value), ""
    return label, _text(value), ""


def detail_rows(detail: dict) -> list[tuple[str, str, str]]:
    """(label, text, link or "") for each shown key of a follow-up's detail."""
    if not isinstance(detail, dict):
        return [(str(_("Detail")), _text(detail), "")]
    return [_row(key, value) for key, value in detail.items()
            if key not in HIDDEN and not key.endswith("_id") and value not in ("", None)]
