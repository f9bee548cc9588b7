"""Risk-area designations (中/高风险地区): a small shared table, not per school."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High risk")
    MEDIUM = "medium", _("Medium risk")
    LOW = "low", _("Low risk")


class RiskArea(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    sub_area = models.CharField(
        _("sub-area"),
        max_length=200,
        blank=True,
        help_text=_("Street, compound or building; empty for the whole region."),
    )
    level = models.CharField(_("level"), max_length=10, choices=RiskLevel.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "region_id"]
        indexes = [models.Index(fields=["region", "start"]), models.Index(fields=["end"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.sub_area} {self.level}"
