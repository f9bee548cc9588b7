"""Isolation and care (隔离与关怀): a person's isolation record (at home, in a centralised
facility, or in one of the school's isolation rooms), with its start, planned end, place and
the status that required it; the daily care visit a named staff member makes (health, meals,
study, mood); a referral to psychological support and its follow-up; and, for a student, the
online-study arrangement while isolated. Isolation rooms are a school's resource with a
capacity: the open on-campus isolations in a room are its occupancy.

The end of a person's latest isolation is the engine's `isolated_until` (apps.status.facts
asks apps.isolation.selectors.isolated_until). Every table carries the school, so a school's
rows are read on its shard; person rows are scoped like a person's own rows."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PERSON_ROW_SCOPE

SCHOOL_SCOPE = {"region": "school__", "school": "school_id"}


class Place(models.TextChoices):
    HOME = "home", _("At home")
    CENTRAL = "central", _("Centralised facility")
    CAMPUS = "campus", _("On-campus isolation room")


class IsolationRoom(models.Model):
    """A room of the school kept for isolation, with how many it takes."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    name = models.CharField(pgettext_lazy("isolation room", "name"), max_length=60)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = SCHOOL_SCOPE

    class Meta:
        ordering = ["school_id", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"],
                                               name="isolation_room_name_per_school")]

    def __str__(self) -> str:
        return self.name


class Isolation(models.Model):
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=pgettext_lazy("person", "name"))
    place_kind = models.CharField(_("where"), max_length=10, choices=Place.choices)
    room = models.ForeignKey(IsolationRoom, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="isolations", verbose_name=_("isolation room"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"))
    ended_on = models.DateField(_("released on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    # The status that required it: the person's stored status when it was opened (its
    # category and reasons) and the change that set it. No foreign key in the database:
    # status changes are partitioned by month on PostgreSQL (apps.core.partitions), and a
    # change past its keeping time may go with its whole month (the id then leads nowhere).
    status_category = models.CharField(_("status"), max_length=20, blank=True)
    status_reasons = models.JSONField(default=list, blank=True)
    status_change = models.ForeignKey("status.PersonStatusChange", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      db_constraint=False)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    close_note = models.CharField(_("note on release"), max_length=200, blank=True)
    client_id = models.CharField(max_length=64, blank=True)
    # the day the epidemic office was last reminded of no care visit (claimed by a
    # conditional UPDATE: apps.isolation.reminders)
    care_reminded_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["care_reminded_on"])

    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "client_id"], condition=~Q(client_id=""),
                                    name="isolation_client_id_per_school"),
            models.UniqueConstraint(fields=["school", "person"],
                                    condition=Q(ended_on__isnull=True),
                                    name="isolation_one_open_per_person"),
        ]
        indexes = [models.Index(fields=["school", "person", "start"]),
                   models.Index(fields=["school", "ended_on"]),
                   models.Index(fields=["room", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.place_kind} {self.start}–{self.planned_end}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class Health(models.TextChoices):
    WELL = "well", _("Well")
    UNWELL = "unwell", _("Unwell")
    WORSE = "worse", _("Worse, needs a doctor")


class Meals(models.TextChoices):
    OK = "ok", _("Eating normally")
    POOR = "poor", _("Eating poorly")
    MISSING = "missing", _("Meals not arriving")


class Study(models.TextChoices):
    OK = "ok", _("Keeping up")
    BEHIND = "behind", _("Falling behind")
    NONE = "none", _("Not studying")


class Mood(models.TextChoices):
    GOOD = "good", pgettext_lazy("mood", "Good")
    LOW = "low", pgettext_lazy("mood", "Low")
    DISTRESSED = "distressed", _("Distressed")


class CareVisit(models.Model):
    """One day's care of an isolated person, by a named staff member (one per day)."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    isolation = models.ForeignKey(Isolation, on_delete=models.CASCADE, related_name="visits")
    day = models.DateField(_("day"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("visited by"))
    at = models.DateTimeField(default=timezone.now)
    health = models.CharField(_("health"), max_length=10, choices=Health.choices)
    meals = models.CharField(_("meals"), max_length=10, choices=Meals.choices)
    study = models.CharField(_("study"), max_length=10, choices=Study.choices)
    mood = models.CharField(_("mood"), max_length=12, choices=Mood.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["school", "isolation", "day"],
                                               name="care_visit_one_per_day")]
        indexes = [models.Index(fields=["school", "day"])]

    def __str__(self) -> str:
        return f"{self.isolation_id}: {self.day}"


class ReferralState(models.TextChoices):
    OPEN = "open", pgettext_lazy("referral", "Referred")
    FOLLOWING = "following", pgettext_lazy("referral", "Being followed up")
    CLOSED = "closed", pgettext_lazy("referral", "Closed")


class Referral(models.Model):
    """A referral of an isolated person to psychological support, and its follow-up."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    isolation = models.ForeignKey(Isolation, on_delete=models.CASCADE, related_name="referrals")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    referred_at = models.DateTimeField(default=timezone.now)
    to_whom = models.CharField(_("referred to"), max_length=100)
    reason = models.CharField(_("reason"), max_length=500)
    state = models.CharField(_("state"), max_length=10, choices=ReferralState.choices,
                             default=ReferralState.OPEN)
    follow_up = models.CharField(_("follow-up"), max_length=500, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["referred_at", "id"]
        indexes = [models.Index(fields=["school", "isolation"])]

    def __str__(self) -> str:
        return f"{self.isolation_id}: {self.to_whom} ({self.state})"


class OnlineStudy(models.Model):
    """How an isolated student keeps studying: the platform, the teacher, a note."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    isolation = models.ForeignKey(Isolation, on_delete=models.CASCADE,
                                  related_name="online_studies")
    platform = models.CharField(_("platform"), max_length=100)
    teacher = models.CharField(_("teacher"), max_length=100)
    note = models.CharField(_("note"), max_length=500, blank=True)
    arranged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    arranged_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "isolation"],
                                               name="online_study_one_per_isolation")]

    def __str__(self) -> str:
        return f"{self.isolation_id}: {self.platform}"
