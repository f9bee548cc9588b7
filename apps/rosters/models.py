"""Rosters: every import of a student or staff list, dry run or applied, is recorded: who,
when, which file (its name and SHA-256, never its content) and what it did."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PersonKind


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("Checked (dry run)")
    APPLIED = "applied", _("Applied")
    REFUSED = "refused", _("Refused")


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
    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "school__", "school": "school_id"}

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
