"""How a follow-up's `detail` (what must be done, from the policy, the tube, the absence) is
shown: known keys get a translated label, lists become lines, anything else is shown as is."""

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


def detail_rows(detail: dict) -> list[tuple[str, str]]:
    if not isinstance(detail, dict):
        return [(str(_("Detail")), _text(detail))]
    return [(str(LABELS.get(key, key.replace("_", " ").capitalize())), _text(value))
            for key, value in detail.items()
            if key not in HIDDEN and not key.endswith("_id") and value not in ("", None)]
