"""Rosters: every import of a student or staff list, dry run or applied, is recorded: who,
when, which file (its name and SHA-256; the content only while it waits to be imported, in
an encrypted file) and what it did. Large exports are recorded while the worker writes them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PersonKind


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Being checked")
    CHECKED = "checked", _("Checked (dry run)")
    APPLYING = "applying", _("Being imported")
    APPLIED = "applied", _("Applied")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Not imported")


# A job in one of these states is waiting for the worker (or is run by it right now).
IMPORT_PENDING = (ImportStatus.QUEUED, ImportStatus.APPLYING)


class RosterImport(models.Model):
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT,
                               related_name="roster_imports")
    kind = models.CharField(_("kind"), max_length=10, choices=PersonKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="roster_imports", verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices)
    valid_only = models.BooleanField(_("valid rows only"), default=False)
    new = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    # [{"row", "column", "value" (masked), "reason", "message"}], or the file's one error.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    ignored_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    # The first rows as checked: [{"row", "number", "name", "action", "changed", "moved"}].
    preview = models.JSONField(_("preview"), default=list, blank=True)
    # Create the classes and units the file names that the school lacks, and which they
    # are: [{"kind": "unit" | "class", "name", "unit"}] (services/places.py).
    create_places = models.BooleanField(_("create missing classes and grades"), default=False)
    places = models.JSONField(_("classes and grades created"), default=list, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    # The encrypted upload under settings.ROSTER_FILES_DIR while it waits to be imported.
    stored_name = models.CharField(max_length=100, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("imported by"))
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    failure = models.TextField(_("why it was not imported"), blank=True)
    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "school__", "school": "school_id"}

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class RosterExport(models.Model):
    """A large export the worker writes to a file; only its requester downloads it. The
    filter is kept, never a document number typed into a search (masked first)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="roster_exports", verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    list_name = models.CharField(_("list"), max_length=20)  # people | classes | households
    filters = models.JSONField(_("filters"), default=dict, blank=True)  # as shown: masked
    # The filters as given (a search may be an ID number), encrypted, for the worker only.
    query_cipher = models.BinaryField(default=b"")
    reveal = models.BooleanField(_("full ID numbers"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices,
                              default=ExportStatus.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file_name = models.CharField(_("file"), max_length=100, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.list_name} ({self.get_status_display()})"
