"""Staff accounts' one-time activation codes and the record of what admins did to accounts.

The accounts themselves are apps.access.User (with `must_change_password`); a staff
member's account is their Person.user."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import ScopedQuerySet


class ActivationCode(models.Model):
    """A one-time code to activate an account (made from the roster, or reset by an admin).
    Only its SHA-256 is stored: the plaintext is printed once. Used once, before it expires;
    a newer code for the same account voids it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="activation_codes")
    school = models.ForeignKey("orgs.School", null=True, blank=True, on_delete=models.CASCADE)
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "school__", "school": "school_id"}

    class Meta:
        indexes = [models.Index(fields=["user", "used_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.issued_at:%Y-%m-%d}"


class AccountAction(models.TextChoices):
    CREATED = "created", _("Accounts created")
    CODES = "codes", _("Activation codes issued")
    ACTIVATED = "activated", _("Activated")
    RESET = "reset", _("Password reset")
    DEACTIVATED = "deactivated", _("Deactivated")
    REACTIVATED = "reactivated", _("Reactivated")


class AccountEvent(models.Model):
    """Who did what to which account (or how many, for a school's bulk creation), when."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="account_events")
    school = models.ForeignKey("orgs.School", null=True, blank=True, on_delete=models.CASCADE)
    action = models.CharField(_("action"), max_length=16, choices=AccountAction.choices)
    count = models.PositiveIntegerField(default=1, db_default=1)
    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "school__", "school": "school_id"}

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.user_id or self.count}"
