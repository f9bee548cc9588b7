"""Daily reports (日报): one per school per day, drafted from the school's data by a periodic
set-based task and submitted by the school's epidemic office by the deadline of its policy
(`daily_report_deadline`); a bureau's own report sums its schools' and its child bureaus'
submitted reports and is submitted upward. A submitted report is frozen: each submission and
each correction is a version row, never changed afterwards (docs/decisions.md says why the
figures are one JSON object)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.scoping import ScopedQuerySet

SCHOOL_SCOPE = {"region": "school__", "school": "school_id"}
BUREAU_SCOPE = {"region": "bureau__"}
# A bureau's schools ranked by what is late: a trigger outranks a cluster, a cluster a
# report, a report follow-ups (SchoolLateness; apps.web.urgent reads them in this order).
LATENESS_RANK = ("-triggers", "-clusters", "-report", "-followups", "school")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")


class DailyReport(models.Model):
    """A school's report of one day: the live draft until submitted, then the figures of its
    latest version (`version`)."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+")
    # The school's region codes, copied when the report is drafted: a bureau's or the
    # province's late list narrows the reports by them without joining its schools (the
    # join read every school of the province: docs/decisions.md).
    province_code = models.CharField(max_length=6, blank=True, default="", db_default="")
    city_code = models.CharField(max_length=6, blank=True, default="", db_default="")
    county_code = models.CharField(max_length=6, blank=True, default="", db_default="")
    day = models.DateField(_("day"))  # Asia/Shanghai
    figures = models.JSONField(_("figures"), default=dict)
    drafted_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(_("due"))  # the day at the school's daily_report_deadline
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT, db_default=ReportStatus.DRAFT)
    zero = models.BooleanField(_("zero report"), default=False, db_default=False)
    version = models.PositiveSmallIntegerField(_("version"), default=0, db_default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    late = models.BooleanField(_("late"), default=False, db_default=False)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "", "school": "school_id"}

    class Meta:
        ordering = ["-day", "school_id"]
        constraints = [models.UniqueConstraint(fields=["school", "day"],
                                               name="daily_report_once_per_school_day")]
        indexes = [models.Index(fields=["day", "status"]),
                   # The reports still to submit (a home page's "late"): a tenth of a day's.
                   models.Index(fields=["day", "due_at"], name="daily_report_unsubmitted",
                                condition=models.Q(submitted_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.school_id}@{self.day}"

    def save(self, *args, **kwargs) -> None:
        if not self.province_code:
            self.province_code, self.city_code, self.county_code = region_codes(self.school_id)
        super().save(*args, **kwargs)


def region_codes(school_id: int) -> tuple[str, str, str]:
    """(province, city, county) codes of a school, as its reports carry them."""
    from apps.orgs.models import School

    return (School.objects.filter(pk=school_id)
            .values_list("province_code", "city_code", "county_code").get())


class DailyReportVersion(models.Model):
    """One submission of a school's report (version 1) or a correction (2, 3, ... with a
    reason), as submitted; never changed."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    figures = models.JSONField(_("figures"))
    zero = models.BooleanField(_("zero report"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    late = models.BooleanField(_("late"), default=False)
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_SCOPE

    class Meta:
        ordering = ["report_id", "number"]
        constraints = [models.UniqueConstraint(fields=["school", "report", "number"],
                                               name="daily_report_version_once")]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number}"


class BureauReport(models.Model):
    """A bureau's report of one day: the sums of its schools' and child bureaus' submitted
    reports when it was last aggregated, frozen once submitted (versions as for schools)."""

    bureau = models.ForeignKey("orgs.Bureau", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    figures = models.JSONField(_("figures"), default=dict)
    # How many of its schools and child bureaus the sums include, of how many there are.
    counts = models.JSONField(default=dict)
    aggregated_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT, db_default=ReportStatus.DRAFT)
    version = models.PositiveSmallIntegerField(_("version"), default=0, db_default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_fields = BUREAU_SCOPE

    class Meta:
        ordering = ["-day", "bureau_id"]
        constraints = [models.UniqueConstraint(fields=["bureau", "day"],
                                               name="bureau_report_once_per_day")]

    def __str__(self) -> str:
        return f"bureau {self.bureau_id}@{self.day}"


class BureauReportVersion(models.Model):
    bureau = models.ForeignKey("orgs.Bureau", on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(BureauReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    figures = models.JSONField(_("figures"))
    counts = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = BUREAU_SCOPE

    class Meta:
        ordering = ["report_id", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"],
                                               name="bureau_report_version_once")]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number}"


class RegionDay(models.Model):
    """One day of the daily reports of a county's, city's or province's schools, summed (the
    figures a home page's 14-day trend draws), rolled up set-based by apps.reports.rollup: a
    bureau's or the province's trend reads fourteen rows, whatever its number of schools. A
    row carries the codes of its region at each level, so the scope layer narrows it as it
    does a school."""

    pk = models.CompositePrimaryKey("level", "code", "day")
    level = models.CharField(max_length=8)  # province | city | county
    code = models.CharField(max_length=6)
    day = models.DateField()
    province_code = models.CharField(max_length=6)
    city_code = models.CharField(max_length=6, blank=True)
    county_code = models.CharField(max_length=6, blank=True)
    reports = models.IntegerField(default=0)  # the schools' reports the sums include
    checkin_morning_done = models.IntegerField(default=0)
    abnormal = models.IntegerField(default=0)
    absent = models.IntegerField(default=0)
    counted_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": ""}

    def __str__(self) -> str:
        return f"{self.level} {self.code}@{self.day}: {self.reports} reports"


class ExportState(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("export", "Waiting")
    RUNNING = "running", pgettext_lazy("export", "Being written")
    DONE = "done", pgettext_lazy("export", "Ready")
    FAILED = "failed", pgettext_lazy("export", "Failed")


class ExportJob(models.Model):
    """A workbook too large for a request (a province's list), written by the worker to a
    file under settings.EXPORT_FILES_DIR that only its requester downloads, until it
    expires (settings.EXPORT_FILES_KEEP_HOURS). `kind` names its builder
    (apps.reports.exports.BUILDERS); `params` what it was asked with (never personal data);
    `done` of `total` the worker's progress, committed as it goes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("by"))
    kind = models.CharField(_("list"), max_length=40)
    params = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    state = models.CharField(_("status"), max_length=10, choices=ExportState.choices,
                             default=ExportState.QUEUED)
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file_name = models.CharField(_("file"), max_length=100, blank=True)
    failure = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "-created_at"],
                                name="reports_export_user_kind"),
                   models.Index(fields=["created_at"], name="reports_export_created")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_state_display()})"


class SchoolLateness(models.Model):
    """What a school has let run late, counted by apps.web.lateness for the home pages: triggers not
    acknowledged by their deadline, cluster alerts not reported by their due time, today's
    daily report not submitted by its deadline, open follow-ups past due. Only schools with
    something late have a row. A bureau's home ranks its schools by reading its first rows
    through an index, so the page costs the same whether its province has 17,000 schools or
    51,000 (issue 16 item 4). The sweep counts every minute; a school's own acts that end
    something late (acknowledging, reporting, submitting, completing) count it again at once."""

    school = models.OneToOneField("orgs.School", primary_key=True, on_delete=models.CASCADE,
                                  related_name="+")
    province_code = models.CharField(max_length=6)
    city_code = models.CharField(max_length=6, blank=True)
    county_code = models.CharField(max_length=6, blank=True)
    triggers = models.IntegerField(default=0)
    clusters = models.IntegerField(default=0)
    report = models.BooleanField(default=False)
    followups = models.IntegerField(default=0)
    counted_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "", "school": "school_id"}

    class Meta:
        indexes = [models.Index(fields=[level, *LATENESS_RANK], name=f"lateness_{level[:4]}_rank")
                   for level in ("province_code", "city_code", "county_code")]

    def __str__(self) -> str:
        return (f"{self.school_id}: {self.triggers} triggers, {self.clusters} clusters, "
                f"report {'late' if self.report else 'in'}, {self.followups} follow-ups")
