"""Gates, their terminals and every gate check (who, gate, time, temperature, verdict, why).

Checks grow with people: each row carries its school, first in its unique constraint and
in its indexes, so a school's day is one index range and the table can be sharded by school.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PERSON_ROW_SCOPE

SCHOOL_ROW_SCOPE = {"region": "school__", "school": "school_id"}


class Direction(models.TextChoices):
    IN = "in", _("Entering")
    OUT = "out", _("Leaving")


class VerdictChoice(models.TextChoices):
    PASS = "pass", _("Pass")
    REFER = "refer", _("Refer")
    STOP = "stop", _("Stop")


class Gate(models.Model):
    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE, related_name="gates")
    name = models.CharField(_("name"), max_length=50)
    active = models.BooleanField(_("active"), default=True)
    # Who added, renamed, closed or reopened it (its checks keep pointing at it).
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_ROW_SCOPE

    class Meta:
        ordering = ["school_id", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="gate_name")]

    def __str__(self) -> str:
        return self.name


class Terminal(models.Model):
    """A scanner at a gate. It acts as its own user (a gate officer of the school) with an
    API token limited to gate.verdict and status.gate (apps.access.ApiToken)."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE)
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="terminals")
    name = models.CharField(_("name"), max_length=50)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="gate_terminal")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_ROW_SCOPE

    class Meta:
        ordering = ["school_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="terminal_name"),
        ]

    def __str__(self) -> str:
        return self.name


class GateCheck(models.Model):
    # An append-only log written hundreds of times a second: the school, gate and officer
    # are checked when a check is made, not by database triggers, which would lock the same
    # few parent rows (FOR KEY SHARE) on every insert. The person keeps its constraint.
    # Few indexes, each earning its keep: every one is written on every scan. The school is
    # served by the school-led indexes below; gate and officer are never searched by.
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, db_constraint=False,
                               db_index=False)
    # None: the code or number matched nobody in the school.
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="gate_checks")
    gate = models.ForeignKey(Gate, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="checks", db_constraint=False, db_index=False)
    # The officer signed in at the kiosk, or the terminal's own user.
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                related_name="+", db_constraint=False, db_index=False)
    at = models.DateTimeField(_("at"), default=timezone.now)
    # The local (Asia/Shanghai) day of `at`, set by whoever writes the check: the partition
    # key on PostgreSQL (apps.core.partitions) and part of the client id's unique key.
    day = models.DateField()
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1,
                                      null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    verdict = models.CharField(_("verdict"), max_length=5, choices=VerdictChoice.choices)
    # The deciding reason code (apps.gate.verdict.REASONS), then all of them.
    reason = models.CharField(_("reason"), max_length=40)
    reasons = models.JSONField(default=list)
    category = models.CharField(max_length=20, blank=True)  # the stored status then
    client_id = models.CharField(max_length=64)
    recorded_offline = models.BooleanField(_("recorded offline"), default=False)
    received_at = models.DateTimeField(default=timezone.now)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      db_index=False)
    overridden_at = models.DateTimeField(_("overridden at"), null=True, blank=True)
    override_reason = models.CharField(_("override reason"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            # Per day: a unique key of a partitioned table holds its partition key.
            models.UniqueConstraint(fields=["school", "client_id", "day"],
                                    name="gate_check_client_id"),
        ]
        indexes = [
            # A school's checks of a day; stops by reason read the same range.
            models.Index(fields=["school", "at"], name="gate_check_school_at"),
            models.Index(fields=["school", "overridden_at"], name="gate_check_overrides",
                         condition=models.Q(overridden_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.person_id} {self.at:%Y-%m-%d %H:%M} {self.verdict}"

    def save(self, *args, **kwargs):
        if self.day is None:  # a check made one by one (admin, tests): the day of its time
            self.day = timezone.localdate(self.at)
        super().save(*args, **kwargs)
