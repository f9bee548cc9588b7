"""Approvals (审批): a person's request and its decision. One table for every type: a
cross-province trip (the status engine's planned trips, apps.approvals.selectors), an
offline meeting or training, a gathering or event, leaving campus in closed-loop management
and a visitor's entry (a plain type: a visitor app will read the approved ones).

A request waits for one level of the org tree (apps.approvals.chain) until its deadline;
its history (django-simple-history) is who asked, decided or withdrew it, and when. Every
table carries the school, so a school's rows are read on its shard."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PERSON_ROW_SCOPE


class Kind(models.TextChoices):
    TRIP = "trip", _("Cross-province trip")
    MEETING = "meeting", _("Offline meeting or training")
    GATHERING = "gathering", _("Gathering or event")
    LEAVE = "leave", _("Leaving campus (closed loop)")
    VISITOR = "visitor", _("Visitor entry")


class State(models.TextChoices):
    PENDING = "pending", pgettext_lazy("approval", "Pending")
    APPROVED = "approved", pgettext_lazy("approval", "Approved")
    REFUSED = "refused", pgettext_lazy("approval", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("approval", "Withdrawn")


class Approver(models.TextChoices):
    CLASS_TEACHER = "class_teacher", _("Class teacher")
    SCHOOL = "school", _("School admin")
    BUREAU = "bureau", _("Bureau")


class ApprovalRequest(models.Model):
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("requester"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    approver = models.CharField(_("approver"), max_length=14, choices=Approver.choices)
    title = models.CharField(_("purpose"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    destination = models.ForeignKey("regions.Region", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("destination"))
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    online_considered = models.BooleanField(_("online considered"), default=False)
    why_offline = models.CharField(_("why not online"), max_length=200, blank=True)
    visitor_name = models.CharField(_("visitor"), max_length=100, blank=True)
    visitor_org = models.CharField(_("visitor's organisation"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    due_at = models.DateTimeField(_("decision due"))
    reminded_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=200,
                                       blank=True)
    client_id = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "client_id"], condition=~Q(client_id=""),
                                    name="approval_client_id_per_school"),
        ]
        indexes = [models.Index(fields=["school", "state", "approver"]),
                   models.Index(fields=["school", "person", "kind", "state"]),
                   models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.kind} ({self.state})"

    @property
    def is_pending(self) -> bool:
        return self.state == State.PENDING

    @property
    def overdue(self) -> bool:
        return self.is_pending and self.due_at < timezone.now()
