"""An inbox row per recipient and message, and one delivery per outside channel.

A notification is written in both languages at once (the recipient reads it in theirs).
Rows follow the recipient (a user), not a school: bureau staff receive them too. `school`
says which school a message concerns, for reports and for sharding a school's alerts.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    URGENT = "urgent", _("Urgent")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    school = models.ForeignKey("orgs.School", null=True, blank=True, on_delete=models.CASCADE)
    # What it is about, dotted: "checkin.missing", "cluster.alert", "trigger.fired", …
    kind = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.INFO)
    subject_zh = models.CharField(max_length=200)
    subject_en = models.CharField(max_length=200)
    body_zh = models.TextField(blank=True)
    body_en = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)  # a path inside Shaodian
    # The same message sent twice (a retried task, a reminder sweep run again) is one row.
    dedupe_key = models.CharField(max_length=120, blank=True)
    drill = models.BooleanField(default=False)  # sent during a drill: inbox only
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"],
                                    condition=~models.Q(dedupe_key=""),
                                    name="notification_once_per_key"),
        ]

    def __str__(self) -> str:
        return self.subject

    def _in_language(self, zh: str, en: str) -> str:
        return en if (translation.get_language() or "").startswith("en") else zh

    @property
    def subject(self) -> str:
        return self._in_language(self.subject_zh, self.subject_en)

    @property
    def body(self) -> str:
        return self._in_language(self.body_zh, self.body_en)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")  # gave up after the last retry


class Delivery(models.Model):
    """One attempt-tracked copy of a notification on an outside channel."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE,
                                     related_name="deliveries")
    channel = models.CharField(max_length=20)  # email | webhook | console
    address = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address} {self.status}"
