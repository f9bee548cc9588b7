"""Supplies (防疫物资): each school's stock of each catalogue item (apps/supplies/items.json),
the ledger of its movements (received, used, transferred, expired, counted: a stocktake sets
the level), and a daily snapshot of each item's days of cover for the chart.

Every table carries the school, so a school's rows are read on its shard."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.scoping import ScopedQuerySet

SCHOOL_SCOPE = {"region": "school__", "school": "school_id"}


class MovementKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    USED = "used", pgettext_lazy("supplies", "Used")
    TRANSFERRED = "transferred", _("Transferred out")
    EXPIRED = "expired", _("Expired")
    COUNTED = "counted", _("Counted")


# What each kind does to the level: add, take away, or (a count) set it.
ADDS = {MovementKind.RECEIVED}
TAKES = {MovementKind.USED, MovementKind.TRANSFERRED, MovementKind.EXPIRED}


class Stock(models.Model):
    """The level of one item at one school now."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    item = models.CharField(pgettext_lazy("supplies", "item"), max_length=40)
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    counted_on = models.DateField(null=True, blank=True)  # the last stocktake
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_SCOPE

    class Meta:
        ordering = ["school_id", "item"]
        constraints = [models.UniqueConstraint(fields=["school", "item"],
                                               name="supplies_stock_once")]

    def __str__(self) -> str:
        return f"{self.school_id}:{self.item}={self.quantity}"


class Movement(models.Model):
    """One line of the ledger. `quantity` is what moved (a count: the level found);
    `level_after` the stock it left. A submission's `client_id` makes it once only."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    item = models.CharField(pgettext_lazy("supplies", "item"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    level_after = models.PositiveIntegerField(default=0)
    day = models.DateField(_("day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    client_id = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_SCOPE

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["school", "kind", "day"], name="supplies_mv_use")]
        constraints = [models.UniqueConstraint(
            fields=["school", "client_id"], condition=~models.Q(client_id=""),
            name="supplies_movement_client_once")]

    def __str__(self) -> str:
        return f"{self.school_id}:{self.item} {self.kind} {self.quantity}"


class CoverSnapshot(models.Model):
    """An item's stock, daily use and days of cover at a school on a day (the chart)."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+")
    item = models.CharField(max_length=40)
    day = models.DateField()
    stock = models.PositiveIntegerField()
    daily_use = models.FloatField()
    days_cover = models.FloatField(null=True)  # none: nothing is used
    min_days = models.PositiveSmallIntegerField(null=True)  # the policy's, that day

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_SCOPE

    class Meta:
        ordering = ["school_id", "day", "item"]
        indexes = [models.Index(fields=["day", "school"], name="supplies_cover_day")]
        constraints = [models.UniqueConstraint(fields=["school", "item", "day"],
                                               name="supplies_cover_once")]

    def __str__(self) -> str:
        return f"{self.school_id}:{self.item}@{self.day}={self.days_cover}"
