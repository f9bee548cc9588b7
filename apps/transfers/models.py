"""A student's move to another school of the province: requested by the sending school,
accepted (into a class) or refused by the receiving one, or cancelled by the sender.

A transfer belongs to two schools, so it is not sharded by either: it is a small table read
by its schools and its person (one row per move)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.scoping import ScopedQuerySet


class TransferState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


class TransferQuerySet(ScopedQuerySet):
    def restrict(self, user, perm: str) -> "TransferQuerySet":
        """Both schools see a transfer: the sending and the receiving one (and everyone
        above either). Decided by the schools' own scope rule (School.objects.restrict)."""
        from apps.orgs.models import School

        schools = School.objects.restrict(user, perm).values("pk")
        return self.filter(Q(from_school__in=schools) | Q(to_school__in=schools))


class Transfer(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="transfers", verbose_name=_("student"))
    from_school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("from school"))
    to_school = models.ForeignKey("orgs.School", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("to school"))
    # Where the student was when it was asked (kept: the sending school's class), and the
    # class the receiving school chose when it accepted.
    from_class = models.ForeignKey("orgs.SchoolClass", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("from class"))
    to_class = models.ForeignKey("orgs.SchoolClass", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("to class"))
    state = models.CharField(_("state"), max_length=10, choices=TransferState.choices,
                             default=TransferState.REQUESTED)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Why it was refused or cancelled.
    decision_reason = models.CharField(_("reason for the decision"), max_length=200,
                                       blank=True)
    history = HistoricalRecords()
    objects = TransferQuerySet.as_manager()
    # The sending side, for the generic scope machinery; restrict() adds the receiving one.
    scope_fields = {"region": "from_school__", "school": "from_school_id"}

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(state="requested"),
                                    name="transfer_one_open_per_person"),
            models.CheckConstraint(condition=~Q(from_school=models.F("to_school")),
                                   name="transfer_to_another_school"),
        ]
        indexes = [models.Index(fields=["from_school", "state"]),
                   models.Index(fields=["to_school", "state"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.from_school_id} → {self.to_school_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state == TransferState.REQUESTED
