"""The school year's turning: a record of each school's rollover (once per school and year)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import ScopedQuerySet
from apps.orgs.models import School


class Rollover(models.Model):
    """A school moved on to a new school year (services/rollover.py): once per school and
    year, which makes a second run a no-op. What it did is kept as counts."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="rollovers")
    to_year = models.IntegerField(_("to school year"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    promoted_classes = models.IntegerField(_("classes promoted"), default=0)
    graduated_classes = models.IntegerField(_("classes graduated"), default=0)
    graduates = models.IntegerField(_("graduates"), default=0)
    intake_classes = models.IntegerField(_("intake classes opened"), default=0)
    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "school__", "school": "school_id"}

    class Meta:
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["school", "to_year"],
                                               name="rollover_once_per_year")]

    def __str__(self) -> str:
        return f"{self.school} → {self.to_year}"
