"""School modes (平急转换): the mode each school is in now, and every switch with who, when and
why. A class or a grade (a unit) may be switched to online teaching (停课不停学) on its own.

Rows grow with schools (and their classes), so each carries its school, first in its unique
constraint.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PERSON_ROW_SCOPE


class Mode(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("mode", "Normal")
    EMERGENCY = "emergency", pgettext_lazy("mode", "Emergency")
    CLOSED_LOOP = "closed_loop", _("Closed loop")
    ONLINE = "online", _("Online teaching")


class ModeScope(models.TextChoices):
    SCHOOL = "school", _("Whole school")
    UNIT = "unit", _("Grade")
    KLASS = "klass", _("Class")


SCHOOL_ROW_SCOPE = {"region": "school__", "school": "school_id"}
# The task force, plan, drills and runs are read wherever the school's emergency pages are
# (plans.school_for_read: the school's own scope, which includes its designated hospital), so
# `restrict` on these rows must say the same (tests/scope compares the two).
PLAN_ROW_SCOPE = {**SCHOOL_ROW_SCOPE, "hospital": "school__hospital_id"}


class ModeState(models.Model):
    """The mode in force for a school, a grade of it or a class of it. No row: normal."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE)
    scope = models.CharField(max_length=10, choices=ModeScope.choices, default=ModeScope.SCHOOL)
    # "" for the whole school, else the unit (grade) id or the class id, as text.
    scope_key = models.CharField(max_length=40, blank=True)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    since = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    drill = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_ROW_SCOPE

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "scope", "scope_key"],
                                    name="mode_state_per_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.scope}:{self.scope_key} {self.mode}"


class ModeSwitch(models.Model):
    """Every switch, kept for ever: the history the bureau inspects."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE)
    scope = models.CharField(max_length=10, choices=ModeScope.choices, default=ModeScope.SCHOOL)
    scope_key = models.CharField(max_length=40, blank=True)
    from_mode = models.CharField(max_length=12, choices=Mode.choices)
    to_mode = models.CharField(max_length=12, choices=Mode.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    switched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    switched_at = models.DateTimeField(default=timezone.now)
    drill = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_ROW_SCOPE

    class Meta:
        ordering = ["-switched_at", "-id"]
        indexes = [models.Index(fields=["school", "switched_at"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.from_mode} → {self.to_mode}"


# ---- case reports and the two triggers ----------------------------------------------------


class CaseReportStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CaseReport(models.Model):
    """Local cases reported in a region on a day, as the health commission's notice says.
    A small shared table (a few per day nationwide): it stands alone, not per school."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    sub_area = models.CharField(_("street or compound"), max_length=200, blank=True)
    reported_on = models.DateField(_("reported on"))
    cases = models.PositiveIntegerField(_("cases"), default=1)
    source = models.CharField(_("source"), max_length=300,
                              help_text=_("The health commission's notice."))
    status = models.CharField(_("status"), max_length=10, choices=CaseReportStatus.choices,
                              default=CaseReportStatus.ACTIVE)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    alert = models.ForeignKey("Alert", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="reports")
    drill = models.BooleanField(default=False)
    # An integration's id for the report: sending it again changes nothing.
    client_id = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-entered_at", "-id"]
        constraints = [
            # A client id is its sender's: another account's never replays this report.
            models.UniqueConstraint(fields=["entered_by", "client_id"],
                                    condition=~models.Q(client_id=""),
                                    name="case_report_sender_client_id"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.reported_on} ×{self.cases}"


class CaseReportEvent(models.Model):
    """Entered, corrected, withdrawn: each with who, when, why and what changed."""

    report = models.ForeignKey(CaseReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12)  # entered | corrected | withdrawn
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                           related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"


class TraceHit(models.Model):
    """Why a person is on a school's trace-back list for an alert: one row per link (a trip
    leg through the area, residence in it, a co-resident's trip, a declared exposure)."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE)
    alert = models.ForeignKey("Alert", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    # trip | household (a co-resident's trip) | residence | co_resident (a co-resident lives
    # there) | exposure
    link = models.CharField(max_length=12)
    ref_id = models.BigIntegerField(default=0)  # the leg, co-resident or exposure; 0: residence
    on = models.DateField(null=True, blank=True)  # the day of the stay or contact
    # The alert's opening day (Alert.opened_on): the month partition on PostgreSQL
    # (apps.core.partitions). Every retry of a hit gives the same day, so the unique key,
    # which must hold it, still dedupes; every read names it, as the alert is always known.
    alert_on = models.DateField()

    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "alert", "person", "link", "ref_id",
                                            "alert_on"], name="trace_hit_once"),
        ]
        indexes = [models.Index(fields=["school", "alert", "person"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.person_id} {self.link}"


class Alert(models.Model):
    """One epidemic event: reports for the same region within the merge window join it and
    extend its trace-back instead of firing new triggers. Shared and small, like reports."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    last_report_at = models.DateTimeField(default=timezone.now)
    merge_until = models.DateTimeField()  # a report for the region before this joins the alert
    drill = models.BooleanField(default=False)
    drill_school = models.ForeignKey("orgs.School", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["region", "merge_until"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def opened_on(self):
        """Its opening day in Asia/Shanghai: its trace hits' partition (TraceHit.alert_on)."""
        return timezone.localdate(self.opened_at)


class TriggerKind(models.TextChoices):
    OTHER_PROVINCE = "other_province", _("Trigger 1: a local case in another province")
    HOME_PROVINCE = "home_province", _("Trigger 2: a local case in the province")


class ModeDecision(models.TextChoices):
    SWITCHED = "switched", _("Mode switched")
    KEPT = "kept", _("Mode kept")


class SchoolTrigger(models.Model):
    """An alert reaching one school, with its 30-minute clock."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE)
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="triggers")
    kind = models.CharField(max_length=16, choices=TriggerKind.choices)
    fired_at = models.DateTimeField()  # when the report was entered
    deadline = models.DateTimeField()  # fired_at + the pack's response minutes
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    mode_decision = models.CharField(max_length=10, choices=ModeDecision.choices, blank=True)
    mode_reason = models.CharField(_("reason"), max_length=300, blank=True)
    mode_decided_at = models.DateTimeField(null=True, blank=True)
    first_action_at = models.DateTimeField(null=True, blank=True)
    # The trace-back this school runs, from its effective policy: who was in the area since
    # trace_since, and whether residents of the area and co-residents' trips count.
    trace_since = models.DateField(null=True, blank=True)
    trace_residents = models.BooleanField(default=True)
    trace_household = models.BooleanField(default=True)
    # What each traced person must do (from the school's policy), copied to their follow-up.
    trace_actions = models.JSONField(default=dict, blank=True)
    traced_at = models.DateTimeField(null=True, blank=True)  # trace-back list built
    traced_count = models.PositiveIntegerField(default=0)
    traceback_completed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    drill = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "school__", "school": "school_id",
                    "hospital": "school__hospital_id"}

    class Meta:
        ordering = ["-fired_at", "school_id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "alert"], name="trigger_once_per_alert"),
        ]
        indexes = [
            models.Index(fields=["school", "fired_at"]),
            models.Index(fields=["alert", "school"]),
            models.Index(fields=["deadline"], condition=models.Q(acknowledged_at__isnull=True),
                         name="trigger_unacknowledged"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} alert {self.alert_id}"


# ---- task force, plans, drills --------------------------------------------------------------


class TaskForceMember(models.Model):
    """The school's emergency task force (应急专班): staff with accounts, and outside
    members (the health department, the CDC) as contacts."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE,
                               related_name="task_force")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    duty = models.CharField(_("duty"), max_length=50)  # 组长, 副组长, 信息报送, 疾控联络 …
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    external = models.BooleanField(_("outside contact"), default=False)
    lead = models.BooleanField(_("leads the task force"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_fields = PLAN_ROW_SCOPE

    class Meta:
        ordering = ["school_id", "-lead", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name", "duty"],
                                    name="task_force_member_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duty})"


class PlanTemplate(models.Model):
    """An emergency plan template per school kind, versioned; shared and small.
    `steps`: [{"title": {"zh", "en"}, "duty": "组长", "due_minutes": 30}, …]."""

    school_kind = models.CharField(max_length=16, blank=True)  # "" for any kind
    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(default=1)
    steps = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school_kind", "version"],
                                    name="plan_template_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class SchoolPlan(models.Model):
    """A school's emergency plan (应急预案), edited from a template; every edit is a new
    version, and a run keeps the version it used."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE, related_name="plans")
    template = models.ForeignKey(PlanTemplate, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)
    steps = models.JSONField(default=list)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    edited_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_fields = PLAN_ROW_SCOPE

    class Meta:
        ordering = ["school_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["school", "version"], name="school_plan_version"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} v{self.version}"


class Drill(models.Model):
    """A scheduled exercise: the plan runs for real (tasks, clocks) but nothing goes to
    parents or outside contacts."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE, related_name="drills")
    scenario = models.CharField(_("scenario"), max_length=200)
    scheduled_for = models.DateTimeField(_("scheduled for"))
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    trigger = models.OneToOneField(SchoolTrigger, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="drill_record")
    participants = models.PositiveIntegerField(_("participants"), default=0)
    findings = models.TextField(_("findings"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_fields = PLAN_ROW_SCOPE

    class Meta:
        ordering = ["-scheduled_for"]

    def __str__(self) -> str:
        return f"{self.school_id} {self.scenario}"


class PlanRun(models.Model):
    """One use of a plan: after a trigger, or in a drill."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE)
    plan = models.ForeignKey(SchoolPlan, on_delete=models.PROTECT, related_name="runs")
    trigger = models.ForeignKey(SchoolTrigger, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="plan_runs")
    drill = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = PLAN_ROW_SCOPE

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["school", "trigger"], condition=models.Q(
                trigger__isnull=False), name="plan_run_once_per_trigger"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} run {self.pk}"


class PlanTask(models.Model):
    """A step of a plan run, on a named member of the task force, with a due time."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE)
    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="tasks")
    step_no = models.PositiveSmallIntegerField()
    title_zh = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    member = models.ForeignKey(TaskForceMember, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="tasks")
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = PLAN_ROW_SCOPE

    class Meta:
        ordering = ["run_id", "step_no"]
        constraints = [
            models.UniqueConstraint(fields=["school", "run", "step_no"],
                                    name="plan_task_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.step_no}"


# ---- staff living on campus in closed loop -------------------------------------------------


class CampusResident(models.Model):
    """A staff member living on campus for a closed-loop period (闭环管理, 教职工住校): from
    `since` to `until` (None: until the record is ended). While in force and the school is in
    closed loop, the gate and the status engine treat them as a boarder: they may not leave.
    Recorded and ended by the school's admin (emergency.mode)."""

    school = models.ForeignKey("orgs.School", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                               verbose_name=pgettext_lazy("person", "name"))
    since = models.DateField(_("from"))
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["school_id", "-since", "id"]
        indexes = [models.Index(fields=["school", "person", "since"],
                                name="campus_resident_person")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.person_id} {self.since}–{self.until or ''}"

    def in_force(self, day) -> bool:
        return self.since <= day and (self.until is None or self.until >= day)
