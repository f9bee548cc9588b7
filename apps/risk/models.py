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


class RiskAreaQuerySet(models.QuerySet):
    """Scope of a table that is not per school (apps.core.scoping names it `restrict` too).

    Designations are public: anyone holding "risk.view" sees them all. "risk.change" is held
    on a region: a bureau changes designations inside its region only, and the province
    department also enters other provinces' designations (people come back from them)."""

    def restrict(self, user, perm: str) -> "RiskAreaQuerySet":
        from apps.access.grants import grants_for
        from apps.access.roles import Role

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        grants = [g for g in grants_for(user) if perm in g.permissions]
        if not grants:
            return self.none()
        if perm == "risk.view" or any(g.role == Role.PROVINCE_ADMIN for g in grants):
            return self.all()
        codes = [g.region_code for g in grants if g.level == "region"]
        return self.filter(region_within_any(codes)) if codes else self.none()


def region_within_any(codes, prefix: str = "region") -> models.Q:
    """Rows whose region (at `prefix`) is one of `codes` or lies below one (3 levels deep)."""
    q = models.Q(pk__in=[])
    for code in codes:
        q |= (models.Q(**{f"{prefix}_id": code}) | models.Q(**{f"{prefix}__parent_id": code})
              | models.Q(**{f"{prefix}__parent__parent_id": code}))
    return q


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
    end = models.DateField(
        _("to"), null=True, blank=True,
        help_text=_("The last day in force; empty while designated."),
    )
    source = models.CharField(_("source"), max_length=300)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.CharField(_("reason for lifting"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()
    objects = RiskAreaQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "region_id"]
        indexes = [models.Index(fields=["region", "start"]), models.Index(fields=["end"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.sub_area} {self.level}"
