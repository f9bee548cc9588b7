"""Sick absences (因病缺勤) with their cause follow-up and return check, and the clusters
(聚集性疫情) detected among them. Both grow with people: each row carries its school, first in
its constraints and indexes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PERSON_ROW_SCOPE


class Disease(models.TextChoices):
    # The codes of apps.policy.engine.clusters.DISEASES, in the pack's disease table order.
    ILI = "ili", _("Influenza-like illness")
    HFMD = "hfmd", _("Hand-foot-mouth disease")
    NOROVIRUS = "norovirus", _("Norovirus")
    CHICKENPOX = "chickenpox", _("Chickenpox")
    MUMPS = "mumps", _("Mumps")
    RUBELLA = "rubella", _("Rubella")
    MEASLES = "measles", _("Measles")
    SCARLET_FEVER = "scarlet_fever", _("Scarlet fever")
    COVID19 = "covid19", _("COVID-19")
    OTHER = "other", _("Other")


class Symptom(models.TextChoices):
    # The codes of apps.policy.engine.facts.SYMPTOMS.
    FEVER = "fever", _("Fever")
    COUGH = "cough", _("Cough")
    SORE_THROAT = "sore_throat", _("Sore throat")
    RASH = "rash", _("Rash")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")
    VOMITING = "vomiting", _("Vomiting")
    JAUNDICE = "jaundice", _("Jaundice")


class ReportedAs(models.TextChoices):
    GUARDIAN = "guardian", _("A guardian")
    TEACHER = "teacher", _("The class teacher")
    SELF = "self", _("The person")
    SCHOOL = "school", _("The school")


class CauseOutcome(models.TextChoices):
    INFECTIOUS = "infectious", _("Infectious disease")
    NOT_INFECTIOUS = "not_infectious", _("Not infectious")
    UNKNOWN = "unknown", _("Not known yet")


ABSENCE_SCOPE = {**PERSON_ROW_SCOPE, "hospital": "school__hospital_id"}


class SickAbsence(models.Model):
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="sick_absences")
    # Where the person was when they fell ill (class and dorm room are copied, so a later
    # move does not change which class a cluster was in).
    klass = models.ForeignKey("orgs.SchoolClass", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    dorm_room = models.ForeignKey("orgs.DormRoom", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    first_day = models.DateField(_("first day absent"))
    last_day = models.DateField(_("last day absent"), null=True, blank=True)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    temperature = models.DecimalField(_("highest temperature"), max_digits=3, decimal_places=1,
                                      null=True, blank=True)
    diseases = models.JSONField(_("suspected diseases"), default=list, blank=True)
    notifiable = models.BooleanField(_("suspected notifiable infectious disease"),
                                     default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_as = models.CharField(_("reported by"), max_length=10, choices=ReportedAs.choices)
    reported_at = models.DateTimeField(default=timezone.now)
    client_id = models.CharField(max_length=64, blank=True)
    # Cause follow-up (病因追查), due by cause_due_at.
    cause_due_at = models.DateTimeField(_("cause due"), null=True, blank=True)
    cause_outcome = models.CharField(pgettext_lazy("absence", "cause"), max_length=20,
                                     choices=CauseOutcome.choices, blank=True)
    cause_diagnosis = models.CharField(_("diagnosis"), max_length=100, blank=True)
    cause_hospital = models.CharField(_("hospital"), max_length=100, blank=True)
    cause_recorded_at = models.DateTimeField(null=True, blank=True)
    cause_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    # Return to school (复课查验).
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    return_certificate = models.BooleanField(_("certificate seen"), default=False)
    return_note = models.CharField(_("return note"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = ABSENCE_SCOPE

    class Meta:
        ordering = ["-first_day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "client_id"],
                                    condition=~models.Q(client_id=""),
                                    name="sick_absence_client_id_per_school"),
        ]
        indexes = [
            models.Index(fields=["school", "first_day"]),
            models.Index(fields=["school", "person", "first_day"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.first_day}"

    @property
    def is_open(self) -> bool:
        return self.returned_on is None

    def cause_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return not self.cause_outcome and self.cause_due_at is not None and now > self.cause_due_at


class GroupKind(models.TextChoices):
    KLASS = "klass", _("Class")
    DORM = "dorm", _("Dorm room")
    SCHOOL = "school", _("School")
    PERSON = "person", _("Single case")


class ClusterStatus(models.TextChoices):
    OPEN = "open", _("To report")
    REPORTED = "reported", _("Reported")
    CLOSED = "closed", _("Closed")


class ClusterRule(models.TextChoices):
    # The pack's rule ids (apps/policy/packs/routine.yaml).
    CLUSTER_REPORT = "cluster_report", _("Cluster of similar symptoms")
    DISEASE_THRESHOLDS = "disease_thresholds", _("Disease cluster threshold")
    ILI_CLASS_SUSPENSION = "ili_class_suspension", _("Influenza-like illness class suspension")
    INFECTIOUS_CASE_REPORT = "infectious_case_report", _("Suspected notifiable infectious case")


class Cluster(models.Model):
    """A cluster alert: found by apps.policy.engine.clusters, reported by the outbreak reporter
    to the county CDC and the bureau within the pack's cluster_report_hours."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    group_kind = models.CharField(_("group"), max_length=10, choices=GroupKind.choices)
    klass = models.ForeignKey("orgs.SchoolClass", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    dorm_room = models.ForeignKey("orgs.DormRoom", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey("people.Person", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    rule = models.CharField(_("rule"), max_length=30, choices=ClusterRule.choices)
    kind = models.CharField(max_length=20)  # the engine's kind of the rule, e.g. same_day
    disease = models.CharField(_("disease"), max_length=20, blank=True)
    symptoms = models.JSONField(default=list, blank=True)
    # The cases: sick absences and abnormal check-ins (ids), and the people they are.
    absence_ids = models.JSONField(default=list)
    checkin_ids = models.JSONField(default=list)
    person_ids = models.JSONField(default=list)
    window_start = models.DateField(_("first onset"))
    window_end = models.DateField(_("last onset"))
    reason_zh = models.CharField(max_length=300)
    reason_en = models.CharField(max_length=300)
    suggestion = models.JSONField(null=True, blank=True)  # {"suspend_days": 4}
    detected_at = models.DateTimeField(_("detected"), default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)  # when the case list last grew
    report_due = models.DateTimeField(_("report due"))
    status = models.CharField(_("status"), max_length=10, choices=ClusterStatus.choices,
                              default=ClusterStatus.OPEN)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    report_text = models.TextField(_("report as sent"), blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)  # class switched online

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "school__", "school": "school_id",
                    "hospital": "school__hospital_id", "unit": "klass__unit_id",
                    "klass": "klass_id"}

    class Meta:
        ordering = ["-detected_at", "-id"]
        indexes = [
            models.Index(fields=["school", "window_end"]),
            models.Index(fields=["school", "status", "report_due"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.group_kind} {self.window_start}"

    @property
    def case_count(self) -> int:
        return len(self.person_ids)

    def is_late(self, now=None) -> bool:
        """Reported after its deadline, or still not reported past it."""
        if self.reported_at is not None:
            return self.reported_at > self.report_due
        if self.status == ClusterStatus.CLOSED:
            return False
        return (now or timezone.now()) > self.report_due

    @property
    def grew_after_report(self) -> bool:
        return self.reported_at is not None and self.updated_at > self.reported_at
