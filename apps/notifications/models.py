"""An inbox row per recipient and message, outside channels, and one delivery per channel.

A notification is written in both languages at once (the recipient reads it in theirs).
Rows follow the recipient (a user), not a school: bureau staff receive them too. `school`
says which school a message concerns, for reports, for the scope of its delivery status and
for sharding a school's alerts.

A notification without a recipient is a message to outside addresses only (a school's WeCom
robot, the county CDC's phone): it never shows in an inbox, it exists to carry deliveries.

On PostgreSQL notifications are range-partitioned by month of `created_at`
(apps.core.partitions): no unique key without `created_at` can hold on them, so "once per
dedupe key" is kept by a small plain table of claimed keys (NotificationKey), and a
delivery's notification is a plain indexed column (no foreign key into a partitioned table).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import ScopedQuerySet


def kept_since(now=None):
    """The oldest time a notification is kept from (settings.NOTIFICATION_RETENTION_DAYS;
    None: all kept). Reads of an inbox name it, so PostgreSQL reads only the kept months."""
    days = settings.NOTIFICATION_RETENTION_DAYS
    return (now or timezone.now()) - timedelta(days=days) if days else None


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    URGENT = "urgent", _("Urgent")


SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.URGENT: 2}


class Notification(models.Model):
    # None: a message to outside addresses only (notification_send_external, school robots).
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="notifications")
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
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"]),
                   # a claimed key's row: its key and its claim's time name it (and its month)
                   models.Index(fields=["dedupe_key", "created_at"],
                                condition=~Q(dedupe_key=""), name="notification_by_key")]

    def __str__(self) -> str:
        return self.subject

    def _in_language(self, zh: str, en: str, language: str | None = None) -> str:
        language = language or translation.get_language() or ""
        return en if language.startswith("en") else zh

    @property
    def subject(self) -> str:
        return self._in_language(self.subject_zh, self.subject_en)

    @property
    def body(self) -> str:
        return self._in_language(self.body_zh, self.body_en)

    def text_in(self, language: str) -> tuple[str, str]:
        """(subject, body) in a given language, for outside channels."""
        return (self._in_language(self.subject_zh, self.subject_en, language),
                self._in_language(self.body_zh, self.body_en, language))


class NotificationKey(models.Model):
    """A dedupe key claimed once per recipient (NULL: the outside-only message), for as long
    as notifications are kept: a retried task or a sweep run again inserts the key with
    ON CONFLICT DO NOTHING and writes the notification only where its claim (`token`) won.
    `created_at` is the notification's, so the key finds its row in one month partition."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")
    dedupe_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)  # for retention
    token = models.CharField(max_length=32)  # the claiming statement's

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key", "recipient"],
                                    name="notification_once_per_key"),
            # Outside-only messages: recipient is NULL, which a unique index never compares.
            models.UniqueConstraint(fields=["dedupe_key"], condition=Q(recipient__isnull=True),
                                    name="outside_notification_once_per_key"),
        ]

    def __str__(self) -> str:
        return self.dedupe_key


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS (through the SMS gateway)")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    WEBHOOK = "webhook", _("Webhook (JSON)")
    CONSOLE = "console", _("Console (demo)")


class Channel(models.Model):
    """An outside address that receives notifications: a user's own (their phone for the SMS
    gateway, an e-mail address) or a school's (its task force's WeCom or DingTalk robot, a
    webhook). A school channel gets one copy of each matching message about the school."""

    school = models.ForeignKey("orgs.School", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="notification_channels")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="notification_channels")
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    label = models.CharField(_("label"), max_length=60, blank=True)
    # A phone number, an e-mail address, or a robot/webhook URL (which holds its access key).
    address = models.CharField(_("address"), max_length=300)
    # DingTalk "加签" secret (stored encrypted; empty when the robot uses keywords or IPs).
    secret_cipher = models.BinaryField(null=True, blank=True)
    # Which messages: kinds starting with one of these prefixes (empty: every kind) ...
    kinds = models.JSONField(_("message kinds"), default=list, blank=True)
    # ... at or above this severity.
    min_severity = models.CharField(_("lowest severity"), max_length=10,
                                    choices=Severity.choices, default=Severity.WARNING)
    language = models.CharField(_("language"), max_length=10, default="zh-hans",
                                choices=settings.LANGUAGES)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"region": "school__", "school": "school_id"}

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(school__isnull=False, user__isnull=True)
                           | Q(school__isnull=True, user__isnull=False)),
                name="channel_of_school_or_user"),
        ]
        indexes = [models.Index(fields=["school", "active"]),
                   models.Index(fields=["user", "active"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.label or self.pk}"

    def wants(self, kind: str, severity: str) -> bool:
        if SEVERITY_RANK.get(severity, 0) < SEVERITY_RANK.get(self.min_severity, 0):
            return False
        return not self.kinds or any(kind.startswith(prefix) for prefix in self.kinds)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")  # gave up after the last retry


class DeliveryQuerySet(ScopedQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for delivery in objs:
            delivery.copy_notification_time()
        return super().bulk_create(objs, *args, **kwargs)


class Delivery(models.Model):
    """One attempt-tracked copy of a notification on an outside channel."""

    # No foreign key in the database: notifications are partitioned (apps.core.partitions).
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE,
                                     related_name="deliveries", db_constraint=False)
    # The notification's created_at, copied (by save and bulk_create when not given): the
    # claim reads the notification by id and this time, and retention deletes a delivery
    # with its month. No default: a delivery stamped with any other time would lose its
    # notification.
    notification_created_at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=ChannelKind.choices)
    address = models.CharField(max_length=300)
    # The configured channel it came from (for a robot's secret); None for an account e-mail,
    # the console, or an outside address given by the caller.
    source = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="deliveries")
    language = models.CharField(max_length=10, default="zh-hans")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Set by the claim (status pending -> sending): which run holds it, and since when.
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()
    scope_fields = {"region": "notification__school__", "school": "notification__school_id"}

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"]),
                   models.Index(fields=["notification_created_at"],
                                name="delivery_by_notification_time")]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel", "address"],
                                    name="delivery_once_per_address"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address} {self.status}"

    def save(self, *args, **kwargs):
        self.copy_notification_time()
        super().save(*args, **kwargs)

    def copy_notification_time(self) -> None:
        if self.notification_created_at is None:
            self.notification_created_at = self.notification.created_at
