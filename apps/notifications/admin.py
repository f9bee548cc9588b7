"""Read-only admin views of notifications, outside deliveries and channels (rows only the
services write). The scoped delivery status page is /notifications/deliveries/."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.notifications.models import Channel, Delivery, Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "severity", "recipient", "school", "subject_zh",
                    "drill", "read_at")
    list_filter = ("severity", "drill")
    search_fields = ("kind", "dedupe_key")
    raw_id_fields = ("recipient", "school")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("id", "notification", "channel", "status", "attempts", "next_attempt_at",
                    "sent_at", "last_error")
    list_filter = ("status", "channel")
    raw_id_fields = ("notification", "source")
    exclude = ("address",)  # phones and robot keys stay off the admin's screens


@admin.register(Channel)
class ChannelAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "label", "school", "user", "min_severity", "active")
    list_filter = ("kind", "active")
    raw_id_fields = ("school", "user", "created_by")
    exclude = ("address", "secret_cipher")
