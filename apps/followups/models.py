"""Follow-ups: one task about one person, on the person responsible for them (分片包干).

Trace-back after a trigger, a single-tube recheck after a positive pool, a sick absence's
cause: each is a FollowUp with the kind, where it came from (`source`, which makes creating
the same follow-ups again a no-op), what must be done and by when. Rows grow with people, so
each carries its school, and the school leads the unique constraint.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PERSON_ROW_SCOPE


class FollowUpKind(models.TextChoices):
    TRACE_BACK = "trace_back", _("Trace-back")
    RECHECK = "recheck", _("Single-tube recheck")
    ABSENCE_CAUSE = "absence_cause", _("Cause of sick absence")
    RETURN_CHECK = "return_check", _("Return-to-school check")
    REGIMEN = "regimen", _("Test regimen not completed")
    OTHER = "other", _("Other")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUp(models.Model):
    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="followups")
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    # Where it came from, e.g. "trigger:12", "tube:T0012345", "absence:77".
    source = models.CharField(max_length=60)
    title_zh = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    # What must be done: the policy's required actions, the tube, the symptoms, …
    detail = models.JSONField(default=dict, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="followups",
                                 verbose_name=_("responsible"))
    assigned_at = models.DateTimeField(null=True, blank=True)  # last reassigned, and by whom
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.OPEN)
    drill = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    outcome = models.TextField(_("outcome"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "kind", "source", "person"],
                                    name="followup_once_per_source"),
        ]
        indexes = [
            models.Index(fields=["school", "status", "due_at"]),
            models.Index(fields=["assignee", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_en if (translation.get_language() or "").startswith("en") \
            else self.title_zh

    @property
    def overdue(self) -> bool:
        return (self.status == FollowUpStatus.OPEN and self.due_at is not None
                and self.due_at < timezone.now())
