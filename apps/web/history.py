"""A person's or org record's change history (django-simple-history), for the detail page:
what changed, when and by whom, without ever showing a document number."""

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

from apps.core.crypto import CiphertextError, decrypt_text
from apps.core.identity import mask_phone

# Fields whose values never appear in the history view: the document is shown as
# "changed" only, phone numbers masked.
HIDDEN = {"doc_cipher", "doc_hash", "doc_masked"}
MASKED = {"phone": mask_phone}
SKIPPED = {
    "id",
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_user_id",
}
# Labels for fields whose model gives none of its own.
LABELS = {"user": _("own account")}
KINDS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: object
    user: str
    kind: str
    changes: list[Change] = field(default_factory=list)


def _show(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    return MASKED[name](str(value)) if name in MASKED else str(value)


def _related(record, name: str, fallback):
    try:
        return getattr(record, name)
    except ObjectDoesNotExist:  # the related record was deleted since
        return fallback


def _document_differs(older, newer) -> bool:
    """Compared as plaintext, never shown: rotate_keys re-encrypts each version on its own,
    so two versions of one number differ in ciphertext (and, mid-rotation, in hash)."""
    try:
        return decrypt_text(older.doc_cipher) != decrypt_text(newer.doc_cipher)
    except (CiphertextError, ImproperlyConfigured):  # a key left out: say "changed"
        return True


def _changes(model, newer, older) -> list[Change]:
    changes, document_changed = [], False
    for f in model._meta.concrete_fields:
        name = f.attname
        # A field the history leaves out (excluded_fields, such as an org node's copied
        # region codes) has no past values to compare.
        if name in SKIPPED or not hasattr(newer, name):
            continue
        old, new = getattr(older, name), getattr(newer, name)
        if old == new:
            continue
        if f.name in HIDDEN:
            document_changed = document_changed or _document_differs(older, newer)
            continue
        if f.is_relation:  # show the related record's name, not its id (changed ones only)
            old, new = _related(older, f.name, old), _related(newer, f.name, new)
        label = LABELS.get(f.name, f.verbose_name)
        changes.append(Change(str(label), _show(name, old), _show(name, new)))
    if document_changed:
        changes.append(Change(str(_("document")), str(_("(hidden)")), str(_("changed"))))
    return changes


def history_entries(obj, *, limit: int = 30) -> list[HistoryEntry]:
    """The latest `limit` versions, newest first, each compared with the one before: one query."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if len(entries) == limit:
            break
        entry = HistoryEntry(
            newer.history_date,
            str(newer.history_user or _("system")),
            str(KINDS.get(newer.history_type, newer.history_type)),
        )
        if older is not None and newer.history_type == "~":
            entry.changes = _changes(obj.__class__, newer, older)
        entries.append(entry)
    return entries
