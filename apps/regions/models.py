from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")


class Region(models.Model):
    """A GB/T 2260 administrative division; abolished ones stay, with the date they ended,
    because ID numbers and old records still carry their codes."""

    code = models.CharField(max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    full_name = models.CharField(_("full name"), max_length=128, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=16, blank=True)  # 市辖区, 县, 自治县, 县级市…
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Where an abolished code went (371202 莱城区 -> 370116 莱芜区), so old IDs can be placed.
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessors",
        verbose_name=_("successor"),
    )

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["parent", "code"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.code})"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"
