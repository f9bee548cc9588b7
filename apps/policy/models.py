"""The Django side of policy packs: which pack a province runs, and the tightening overrides
of bureaus and schools. The pack's contents stay in its YAML file (apps/policy/packs/), the
source of truth; a row stores only the id and version chosen. Every change is recorded
(django-simple-history)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.scoping import ScopedQuerySet


class ProvincePolicy(models.Model):
    """The pack a province runs. No row: the default pack (apps.policy.selectors)."""

    province_code = models.CharField(_("province"), max_length=6, unique=True)
    pack_id = models.CharField(_("pack"), max_length=40)
    pack_version = models.CharField(_("pack version"), max_length=20)
    chosen_at = models.DateTimeField(_("chosen at"), default=timezone.now)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("chosen by"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("province policy")

    def __str__(self) -> str:
        return f"{self.province_code}: {self.pack_id} {self.pack_version}"


class PolicyOverride(models.Model):
    """One parameter of one pack tightened for a bureau's or a school's subtree.

    The node's region codes are copied onto the row (as on org nodes), so a bureau sees the
    overrides of its region with one indexed equality and never another county's."""

    bureau = models.ForeignKey(
        "orgs.Bureau", null=True, blank=True, on_delete=models.CASCADE,
        related_name="policy_overrides", verbose_name=_("bureau"),
    )
    school = models.ForeignKey(
        "orgs.School", null=True, blank=True, on_delete=models.CASCADE,
        related_name="policy_overrides", verbose_name=_("school"),
    )
    pack_id = models.CharField(_("pack"), max_length=40)
    param = models.CharField(_("parameter"), max_length=64)
    value = models.JSONField(_("value"))
    reason = models.CharField(_("reason"), max_length=300)
    province_code = models.CharField(max_length=6, editable=False, db_index=True)
    city_code = models.CharField(max_length=6, editable=False, blank=True, db_index=True)
    county_code = models.CharField(max_length=6, editable=False, blank=True, db_index=True)
    created_at = models.DateTimeField(_("set at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("set by"),
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "", "school": "school_id"}

    class Meta:
        verbose_name = _("policy override")
        ordering = ["pack_id", "param"]
        constraints = [
            models.CheckConstraint(
                condition=Q(bureau__isnull=False, school__isnull=True)
                | Q(bureau__isnull=True, school__isnull=False),
                name="override_on_one_node",
            ),
            models.UniqueConstraint(fields=["bureau", "pack_id", "param"],
                                    condition=Q(bureau__isnull=False),
                                    name="override_once_per_bureau"),
            models.UniqueConstraint(fields=["school", "pack_id", "param"],
                                    condition=Q(school__isnull=False),
                                    name="override_once_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.node}: {self.param} = {self.value}"

    @property
    def node(self):
        return self.bureau if self.bureau_id else self.school

    def copy_region_codes(self) -> None:
        node = self.node
        self.province_code = node.province_code
        self.city_code = node.city_code
        self.county_code = node.county_code


class SwitchState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    APPLIED = "applied", _("In force")
    CANCELLED = "cancelled", _("Cancelled")
    # The pack's file changed between scheduling and the switch time: the rules the admin
    # reviewed are gone, so the switch is not applied (the admin schedules the new version).
    REFUSED = "refused", _("Not applied: the pack file changed")


class PolicySwitch(models.Model):
    """A switch of the province's pack (a new version of its file, or a layer such as
    henan-2022 on or off) at a time the province admin chose. The periodic task
    (apps.policy.tasks.apply_due_switches) claims a due one with a conditional UPDATE
    (scheduled -> applied), so it is applied exactly once, and in the same transaction sets
    the province's choice and recomputes its statuses; a choice made for "now" is recorded
    here as applied at once. Rows are never deleted: they are the history of switches."""

    province_code = models.CharField(_("province"), max_length=6, db_index=True)
    pack_id = models.CharField(_("pack"), max_length=40)
    pack_version = models.CharField(_("pack version"), max_length=20)
    # What ran before (recorded when applied): "routine 2023.3.0".
    previous_pack_id = models.CharField(max_length=40, blank=True)
    previous_pack_version = models.CharField(max_length=20, blank=True)
    effective_from = models.DateTimeField(_("in force from"))
    state = models.CharField(_("state"), max_length=10, choices=SwitchState.choices,
                             default=SwitchState.SCHEDULED, db_default=SwitchState.SCHEDULED)
    reason = models.CharField(_("reason"), max_length=300)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("scheduled by"),
    )
    scheduled_at = models.DateTimeField(_("scheduled at"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    recomputed = models.PositiveIntegerField(_("persons recomputed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("cancelled by"),
    )

    class Meta:
        verbose_name = _("policy switch")
        ordering = ["-effective_from", "-pk"]
        indexes = [
            models.Index(fields=["effective_from"], condition=Q(state="scheduled"),
                         name="policy_switch_due"),
        ]

    def __str__(self) -> str:
        return f"{self.province_code}: {self.pack_id} {self.pack_version} " \
               f"from {self.effective_from:%Y-%m-%d %H:%M}"
