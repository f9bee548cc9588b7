"""Daily check-ins (晨午检): one per person, day and slot, by the person, a guardian or the
class teacher. Rows grow with people: each carries its school, first in its constraints.

The gate reads today's rows of a person (`abnormal`, `temperature`, `symptoms`); the status
engine reads them as PersonFacts.checkins.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PERSON_ROW_SCOPE


class Slot(models.TextChoices):
    MORNING = "morning", _("Morning")
    NOON = "noon", _("Noon")
    EVENING = "evening", _("Evening")  # boarders


# Labels of the coded symptoms (apps.policy.engine.facts.SYMPTOMS).
SYMPTOM_LABELS = {
    "fever": _("Fever"),
    "cough": _("Cough"),
    "sore_throat": _("Sore throat"),
    "rash": _("Rash"),
    "diarrhoea": _("Diarrhoea"),
    "vomiting": _("Vomiting"),
    "jaundice": _("Jaundice"),
}


class SubmittedAs(models.TextChoices):
    SELF = "self", _("The person")
    GUARDIAN = "guardian", _("A guardian")
    TEACHER = "teacher", _("The class teacher")
    STAFF = "staff", _("The school")


class CheckIn(models.Model):
    # No index of its own: the unique constraints and indexes below lead with the school.
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, db_index=False)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="checkins")
    day = models.DateField(_("day"))  # Asia/Shanghai
    slot = models.CharField(_("slot"), max_length=10, choices=Slot.choices)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1,
                                      null=True, blank=True)
    # Codes from apps.policy.engine.facts.SYMPTOMS; empty: none.
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    region = models.ForeignKey("regions.Region", null=True, blank=True, db_index=False,
                               on_delete=models.PROTECT, related_name="+",
                               verbose_name=pgettext_lazy("checkin", "where"))
    # A day student's co-residents: any symptoms, any travel since the last check-in.
    household_symptoms = models.BooleanField(null=True, blank=True)
    household_travel = models.BooleanField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Fever (the pack's threshold) or any symptom, in the person or their household.
    abnormal = models.BooleanField(default=False)
    # The temperature reached the school's fever threshold when it was submitted.
    fever = models.BooleanField(default=False)
    submitted_as = models.CharField(max_length=10, choices=SubmittedAs.choices)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    # First submitted after the slot was due (apps.health.conf.due_at): set once, when the
    # slot is first answered; a correction later in the day does not make it late.
    late = models.BooleanField(default=False)
    # A keyed hash of the submitting device (cookie), for "one device for many people".
    device = models.CharField(max_length=64, blank=True)
    # The client's id for the submission: a retry with it is the same check-in.
    client_id = models.CharField(max_length=64)

    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["-day", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["school", "person", "day", "slot"],
                                    name="checkin_once_per_slot"),
            # The day is in the key: on PostgreSQL the table is partitioned by month of
            # the day (apps.core.partitions), and every unique key must hold it.
            models.UniqueConstraint(fields=["school", "client_id", "day"],
                                    name="checkin_client_id_per_school"),
        ]
        indexes = [
            models.Index(fields=["school", "day", "slot"]),
            # A bureau's completion by school reads one day and slot across many schools;
            # on PostgreSQL it also carries submitted_at, abnormal and late (migrations 0002,
            # 0003), so late and abnormal ones are counted from the index alone.
            models.Index(fields=["day", "slot", "school"], name="checkin_day_slot_school"),
            models.Index(fields=["school", "day"], condition=models.Q(abnormal=True),
                         name="checkin_abnormal_day"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.day} {self.slot}"

    @property
    def symptom_labels(self) -> list:
        return [SYMPTOM_LABELS.get(code, code) for code in self.symptoms or ()]


class CheckInRevision(models.Model):
    """A check-in as it was before a correction (a second submission for the same slot with
    a new client id). Its client id stays known, so a late retry of the superseded
    submission changes nothing."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, db_index=False)
    # No database constraint: the check-ins are partitioned on PostgreSQL, and a foreign key
    # into them would need a unique key of the id alone (docs/decisions.md).
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="revisions",
                                db_constraint=False)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    client_id = models.CharField(max_length=64)
    # The superseded values: temperature, symptoms, region, household answers, note,
    # abnormal, submitted_as, submitted_by, submitted_at, device.
    values = models.JSONField()
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["-replaced_at", "-id"]
        # Partitioned by month of replaced_at on PostgreSQL: no unique key on the client id
        # (it would have to hold replaced_at). A revision's client id is its check-in's,
        # which was unique for its school and day when the revision was made.
        indexes = [
            models.Index(fields=["school", "client_id", "replaced_at"],
                         name="checkin_revision_client_id"),
            models.Index(fields=["school", "checkin"]),
        ]

    def __str__(self) -> str:
        return f"{self.checkin_id} before {self.replaced_at:%Y-%m-%d %H:%M}"


class ReminderRun(models.Model):
    """A school's reminders for one day and slot were sent: a rerun of the sweep skips it
    (each notification also carries a dedupe key, for a run cut short)."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE, db_index=False)
    day = models.DateField()
    slot = models.CharField(max_length=10, choices=Slot.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    missing = models.PositiveIntegerField(default=0)
    abnormal = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "day", "slot"], name="reminder_run_once"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.day} {self.slot}"
