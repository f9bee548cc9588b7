"""Permissions of notifications (apps.access.roles collects them): every user reads their own
inbox (no permission needed); the school's epidemic office and the bureaus see the outside
deliveries of the messages about their schools; the school admin configures its school's
channels (WeCom/DingTalk robots, webhooks)."""

from apps.access.roles import EPIDEMIC_OFFICE, REGION_ADMINS, Role

PERMISSIONS = {
    "notifications.deliveries": REGION_ADMINS | EPIDEMIC_OFFICE,
    "notifications.channels": {Role.SCHOOL_ADMIN},
}
