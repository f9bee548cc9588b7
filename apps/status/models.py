"""Each person's current status (one indexed read for a gate check) and its history."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PERSON_ROW_SCOPE


class Category(models.TextChoices):
    NORMAL = "normal", _("Normal")
    CLEARED = "cleared", _("Cleared")
    REGIMEN_INCOMPLETE = "regimen_incomplete", _("Regimen not completed")
    KEY_POPULATION = "key_population", _("Key population")
    HOME_MONITORING = "home_monitoring", _("Home monitoring")
    HOME_QUARANTINE = "home_quarantine", _("Home quarantine")
    CENTRAL_QUARANTINE = "central_quarantine", _("Central quarantine")
    ISOLATION = "isolation", _("Isolation")


class Cause(models.TextChoices):
    DECLARATION = "declaration", _("Declaration")
    RISK_AREA = "risk_area", _("Risk area change")
    EXPIRY = "expiry", _("Period ended or action due")
    MANUAL = "manual", _("Recomputed by an operator")
    POLICY = "policy", _("Policy change")
    TEST_RESULT = "test_result", _("Test result")
    CHECKIN = "checkin", _("Daily check-in")
    MODE = "mode", _("School mode change")
    DECISION = "decision", _("Recorded decision")


class PersonStatus(models.Model):
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    # A foreign key, not one-to-one: uniqueness is (school, person), so the table can be
    # sharded by school.
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="statuses")
    category = models.CharField(_("status"), max_length=20, choices=Category.choices)
    until = models.DateField(_("until"), null=True, blank=True)
    compliant = models.BooleanField(_("compliant"), default=True)
    actions = models.JSONField(_("required actions"), default=list)
    reasons = models.JSONField(_("reasons"), default=list)
    pack = models.CharField(max_length=40)
    pack_version = models.CharField(max_length=20)
    # The earliest due time of an action not yet done: when it passes, compliance may change,
    # so the periodic sweep finds these rows through an index instead of reading the JSON.
    next_due = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)
    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "person"], name="status_per_person"),
        ]
        indexes = [
            models.Index(fields=["school", "category"]),
            # The daily sweep for statuses whose end date has passed reads this index only.
            models.Index(fields=["until"], condition=models.Q(until__isnull=False),
                         name="status_until"),
            models.Index(fields=["next_due"], condition=models.Q(next_due__isnull=False),
                         name="status_next_due"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.category}"


class PersonStatusChange(models.Model):
    """A status a person had: written whenever the category, end date or compliance changes."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="status_changes"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    until = models.DateField(null=True, blank=True)
    compliant = models.BooleanField(default=True)
    reasons = models.JSONField(default=list)
    pack = models.CharField(max_length=40)
    pack_version = models.CharField(max_length=20)
    # What made the system look again: a declaration, a risk-area change, an expiry...
    cause = models.CharField(_("cause"), max_length=40, choices=Cause.choices, blank=True)
    # The pack of `pack`'s lineage whose rule decided the change (henan-2022 or the routine
    # it extends); for a change back to normal, `pack` itself.
    layer = models.CharField(_("layer"), max_length=40, blank=True, default="", db_default="")
    changed_at = models.DateTimeField(default=timezone.now)
    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["school_id", "person_id", "-changed_at"]
        indexes = [models.Index(fields=["school", "person", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.category} at {self.changed_at:%Y-%m-%d %H:%M}"


class ClearedBy(models.TextChoices):
    TEST = "test", _("A later test")
    DECISION = "decision", _("A recorded decision")


class RegimenMark(models.Model):
    """A test regimen whose window closed incomplete: the person keeps the status mark
    "regimen not completed" (apps.policy.engine.regimen) until a test taken after the close or
    a recorded decision, with its reason, clears it. Written by the status recompute that
    first sees the window closed (the expiry sweep at the latest), once per regimen."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="regimen_marks")
    regimen = models.CharField(_("regimen"), max_length=20)  # two_in_three | key_population
    window_start = models.DateField(_("window start"))
    window_end = models.DateField(_("window end"))
    tests = models.PositiveSmallIntegerField(_("tests required"))
    done = models.PositiveSmallIntegerField(_("tests done"))
    due_offsets = models.JSONField(default=list)  # the regimen, as the engine had it
    min_gap_hours = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    cleared_by = models.CharField(_("cleared by"), max_length=10, choices=ClearedBy.choices,
                                  blank=True)
    test_taken_at = models.DateTimeField(null=True, blank=True)  # the late test that cleared it
    reason = models.TextField(_("reason"), blank=True)  # the decision's reason
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "person", "regimen", "window_start"],
                                    name="regimen_mark_once"),
        ]
        indexes = [
            models.Index(fields=["school", "person"], condition=models.Q(cleared_at__isnull=True),
                         name="regimen_mark_open"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.regimen} {self.window_start}"

    @property
    def source(self) -> str:
        """The source of its follow-up (apps.followups: one per person and source)."""
        return mark_source(self.regimen, self.window_start)


def mark_source(regimen: str, window_start) -> str:
    return f"regimen:{regimen}:{window_start.isoformat()}"
