"""Concerns (诉求): someone under a restriction (quarantine, isolation, monitoring, a
closed-loop school), or their guardian, asks the school for help with food, medicine, study
or a family hardship. Each concern is on a named person of the school, due the pack's
`concern_response_hours` after it was raised; late, it is escalated to the school's admins,
and late by as long again, to the county bureau. It is closed with an answer the requester
reads, and may be reopened by them for a few days.

Both tables carry the school and the person, so they shard by school and are scoped like a
person's own rows (the person and their guardians see them, as their class and school do)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PERSON_ROW_SCOPE


class ConcernCategory(models.TextChoices):
    FOOD = "food", _("Food and daily needs")
    MEDICINE = "medicine", _("Medicine and health")
    STUDY = "study", _("Study")
    FAMILY = "family", _("Family hardship")
    OTHER = "other", _("Something else")


class ConcernState(models.TextChoices):
    OPEN = "open", pgettext_lazy("concern", "Waiting for an answer")
    ANSWERED = "answered", pgettext_lazy("concern", "Answered")


class Escalation(models.IntegerChoices):
    NONE = 0, pgettext_lazy("concern escalation", "None")
    SCHOOL = 1, _("To the school's admins")
    BUREAU = 2, _("To the county bureau")


class Concern(models.Model):
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    # the person under the restriction (the student, or the staff member)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                               verbose_name=pgettext_lazy("person", "name"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    client_id = models.CharField(max_length=64, blank=True)
    category = models.CharField(_("kind"), max_length=10, choices=ConcernCategory.choices)
    text = models.TextField(_("what is needed"))
    state = models.CharField(_("state"), max_length=10, choices=ConcernState.choices,
                             default=ConcernState.OPEN)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("responsible"))
    raised_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(_("answer by"))
    # late by as long again: the county bureau hears of it
    bureau_due_at = models.DateTimeField()
    escalation = models.PositiveSmallIntegerField(choices=Escalation.choices,
                                                  default=Escalation.NONE)
    escalated_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reopened = models.PositiveSmallIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["school", "state", "due_at"]),
                   models.Index(fields=["state", "escalation", "due_at"], name="concern_late"),
                   models.Index(fields=["assignee", "state"])]
        constraints = [models.UniqueConstraint(
            fields=["school", "raised_by", "client_id"], condition=~models.Q(client_id=""),
            name="concern_client_id_per_school")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.category} ({self.state})"

    @property
    def late(self) -> bool:
        return self.state == ConcernState.OPEN and self.due_at < timezone.now()


class EventKind(models.TextChoices):
    RAISED = "raised", pgettext_lazy("concern", "Raised")
    ASSIGNED = "assigned", pgettext_lazy("concern", "Assigned")
    ESCALATED = "escalated", pgettext_lazy("concern", "Escalated")
    ANSWERED = "answered", pgettext_lazy("concern", "Answered")
    REOPENED = "reopened", pgettext_lazy("concern", "Reopened")


class ConcernEvent(models.Model):
    """A step of a concern's history, shown on its page."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["school", "concern"])]

    def __str__(self) -> str:
        return f"{self.concern_id}: {self.kind}"
