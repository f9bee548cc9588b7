"""Guardians' binding: the codes a school prints per student, the requests guardians make
with them, the school's choice to link at once, and the counter that slows code guessing.

Codes and requests grow with people: each carries its school, and queries name it, so the
tables shard by school like people's (apps.people.models)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.scoping import ScopedQuerySet
from apps.people.models import PERSON_ROW_SCOPE


class FamilySettings(models.Model):
    """A school's choices for binding; a school with no row links after confirmation."""

    school = models.OneToOneField("orgs.School", primary_key=True, on_delete=models.CASCADE,
                                  related_name="family_settings")
    link_at_once = models.BooleanField(
        _("link guardians at once"), default=False,
        help_text=_("Without the class teacher's confirmation: a valid code is enough."))
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "school__", "school": "school_id"}

    def __str__(self) -> str:
        return f"{self.school_id}: {self.link_at_once}"


class BindingCode(models.Model):
    """A one-time code for one student. Only its SHA-256 is stored (the plaintext is printed
    once, when issued); a new code for the student voids the one before."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="binding_codes")
    code_hash = models.CharField(max_length=64, db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+", db_constraint=False)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    voided_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        # Unique within the school (the shard); a sign-up knows no school and looks a code up
        # by its hash alone: two schools drawing the same 59-bit code is not to be expected.
        constraints = [models.UniqueConstraint(fields=["school", "code_hash"],
                                               name="binding_code_once_per_school")]
        indexes = [models.Index(fields=["school", "person"])]

    def __str__(self) -> str:
        return f"code for {self.person_id} until {self.expires_at:%Y-%m-%d}"


class BindingState(models.TextChoices):
    PENDING = "pending", _("Waiting for the class teacher")
    CONFIRMED = "confirmed", _("Linked")
    REJECTED = "rejected", _("Rejected")


class BindingRequest(models.Model):
    """A guardian's request to be linked to a child, made with a code: pending until the
    class teacher decides, or confirmed at once when the school links at once."""

    school = models.ForeignKey("orgs.School", on_delete=models.PROTECT)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="binding_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="binding_requests")
    code = models.ForeignKey(BindingCode, null=True, on_delete=models.SET_NULL, related_name="+")
    relation = models.CharField(_("relation"), max_length=20)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=BindingState.choices,
                             default=BindingState.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   db_constraint=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_fields = PERSON_ROW_SCOPE

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "state", "person"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.person_id} ({self.state})"


class BindingFailure(models.Model):
    """A failed code entry, by the client's address or the phone's hash (never the number),
    for the lockout that makes guessing codes hopeless."""

    key = models.CharField(max_length=80, db_index=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key} {self.at:%Y-%m-%d %H:%M}"
