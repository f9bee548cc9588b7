"""Testing: rounds (who is to be sampled and on which day), tubes (pooled or single) and the
samples scanned into them, and their lab results.

Every row carries its school, first in each unique constraint and index: the tables grow
with people (a school of 30,000 tested weekly is 1.5 million samples a year) and can be
sharded by school.

A person is in at most one live sample per round among the round's ordinary tubes; a
single-tube recheck of a positive pool's member (Tube.recheck_of set, Sample.recheck true)
is outside that rule. The database enforces it with a partial unique constraint, the
station service checks it first under the tube's row lock to give a clear reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PERSON_ROW_SCOPE

SCHOOL_ROW_SCOPE = {"region": "school__", "school": "school_id",
                    "hospital": "school__hospital_id"}
# Samples and members: a class teacher sees their class's rows, the designated hospital sees
# its schools' rows.
SAMPLE_SCOPE = {**PERSON_ROW_SCOPE, "hospital": "school__hospital_id"}

POOL_SIZES = (1, 5, 10, 20)


class RoundKind(models.TextChoices):
    PCR_POOLED = "pcr_pooled", _("PCR, pooled")
    PCR_SINGLE = "pcr_single", _("PCR, single tube")
    ANTIGEN = "antigen", _("Antigen")


class RoundScope(models.TextChoices):
    SCHOOL = "school", _("Whole school")
    KEY_POPULATION = "key_population", _("Key population")
    KLASS = "klass", _("Classes")
    LIST = "list", _("A list of people")
    SHARE = "share", _("A random share")


class RoundOpener(models.TextChoices):
    PERSON = "person", _("By hand")
    SYSTEM = "system", _("By the testing cycle")


class RoundStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", pgettext_lazy("testing status", "Open")
    CLOSED = "closed", _("Closed")


class TubeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("testing status", "Open")
    CLOSED = "closed", _("Closed")
    RESULTED = "resulted", _("Resulted")


class TubeResult(models.TextChoices):
    NONE = "", _("No result")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    INVALID = "invalid", _("Invalid")


class TestRound(models.Model):
    """A testing round of one school: whom (scope), how (kind), when (day, days) and where
    (stations)."""

    __test__ = False  # not a pytest test class, whatever its name

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=RoundKind.choices,
                            default=RoundKind.PCR_POOLED)
    scope = models.CharField(_("scope"), max_length=16, choices=RoundScope.choices,
                             default=RoundScope.SCHOOL)
    # {"klass_ids": [...]} / {"person_ids": [...]} / {"share_percent": 20}; {} otherwise.
    scope_detail = models.JSONField(default=dict, blank=True)
    day = models.DateField(_("first day"))  # Asia/Shanghai
    # Length of the rotation in days; 1 for a one-day round.
    days = models.PositiveSmallIntegerField(pgettext_lazy("count", "days"), default=1)
    # Percent of the members planned per day (e.g. 20 = "at least 20% a day"); null: even.
    daily_share = models.PositiveSmallIntegerField(_("daily share (%)"), null=True, blank=True)
    stations = models.JSONField(_("stations"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=RoundStatus.choices,
                              default=RoundStatus.PLANNED)
    # The pack's pooling parameters when the round opened (pool_size_default, pool_size_max,
    # pool_close_contacts, pool_symptomatic): a round keeps the rules it opened under, and a
    # station need not read the policy for every tube. {}: read the policy.
    pooling = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    drill = models.BooleanField(default=False)
    # Who made the round: a person (created_by), or the automatic testing cycle of the pack
    # (apps.testing.services.cycle), at most one such round per school and day.
    opened_by = models.CharField(_("opened by"), max_length=8, choices=RoundOpener.choices,
                                 default=RoundOpener.PERSON, db_default=RoundOpener.PERSON)
    # Why the cycle opened it, naming the pack and parameter: "henan-2022:
    # whole_school_testing_days=2". Blank for a round made by hand.
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="",
                              db_default="")

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_ROW_SCOPE

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["school", "status", "day"])]
        constraints = [
            models.UniqueConstraint(fields=["school", "day"], condition=Q(opened_by="system"),
                                    name="round_cycle_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.day})"

    @property
    def automatic(self) -> bool:
        return self.opened_by == RoundOpener.SYSTEM

    @property
    def pooled(self) -> bool:
        return self.kind == RoundKind.PCR_POOLED


class RoundMember(models.Model):
    """Who a round should sample, and on which day of the rotation."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    round = models.ForeignKey(TestRound, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    planned_day = models.DateField(_("planned day"))

    objects = ScopedQuerySet.as_manager()
    scope_fields = SAMPLE_SCOPE

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "round", "person"],
                                    name="round_member_once"),
        ]
        indexes = [models.Index(fields=["school", "round", "planned_day"])]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.person_id} {self.planned_day}"


class Tube(models.Model):
    """A sampling tube: one swab (pool size 1) or a pool of 5, 10 or 20."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    round = models.ForeignKey(TestRound, on_delete=models.PROTECT, related_name="tubes")
    # Scanned when the tube is opened or when it is closed; a closed tube always has one.
    barcode = models.CharField(_("tube barcode"), max_length=40, null=True, blank=True)
    pool_size = models.PositiveSmallIntegerField(_("pool size"))
    station = models.CharField(_("station"), max_length=60, blank=True)
    # Why a tube of a pooled round is single: close_contact, symptoms, ''.
    single_reason = models.CharField(max_length=20, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=TubeStatus.choices,
                              default=TubeStatus.OPEN)
    result = models.CharField(_("result"), max_length=8, choices=TubeResult.choices,
                              blank=True, default=TubeResult.NONE)
    result_at = models.DateTimeField(null=True, blank=True)
    result_imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    # A single-tube recheck (单管复核) of a positive pool's member.
    recheck_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="rechecks")
    # The client's id for "open this tube": a retry with it is the same tube.
    client_id = models.CharField(max_length=64)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_ROW_SCOPE

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "barcode"], name="tube_barcode_per_school"),
            models.UniqueConstraint(fields=["school", "client_id"],
                                    name="tube_client_id_per_school"),
        ]
        indexes = [models.Index(fields=["school", "round", "status"])]

    def __str__(self) -> str:
        return f"{self.barcode or '#' + str(self.pk)} ({self.pool_size})"


class Sample(models.Model):
    """One person's swab in one tube."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    round = models.ForeignKey(TestRound, on_delete=models.PROTECT, related_name="samples")
    tube = models.ForeignKey(Tube, on_delete=models.CASCADE, related_name="samples")
    # None once anonymised past the pack's retention_tests_days (apps.operations.retention):
    # the tube keeps its count of samples and its result, nobody's name.
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+",
                               null=True)
    scanned_at = models.DateTimeField(default=timezone.now)
    scanned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    client_id = models.CharField(max_length=64)
    # Undone before the tube closed (a mis-scan); kept for the record.
    removed_at = models.DateTimeField(null=True, blank=True)
    # In a recheck tube (the tube's recheck_of is set): outside the one-sample-per-round rule.
    recheck = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SAMPLE_SCOPE

    class Meta:
        ordering = ["scanned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "tube", "person"],
                                    name="sample_once_per_tube"),
            models.UniqueConstraint(fields=["school", "round", "person"],
                                    condition=Q(removed_at__isnull=True, recheck=False),
                                    name="sample_live_once_per_round"),
            models.UniqueConstraint(fields=["school", "client_id"],
                                    name="sample_client_id_per_school"),
        ]
        indexes = [models.Index(fields=["school", "person", "scanned_at"])]

    def __str__(self) -> str:
        return f"{self.tube_id}:{self.person_id}"
