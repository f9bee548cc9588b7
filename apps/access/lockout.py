"""The one lockout every way of signing in goes through: the login page (and /admin/login/,
which leads there), the staff activation page (apps.accounts) and a guardian's sign-up
(apps.families), so an API token, minted only from a signed-in session, is behind it too.

Failures are counted per account name (case-folded, so "Admin" and "admin" share one
counter) in LoginFailure: LOGIN_MAX_FAILURES within LOGIN_LOCKOUT_MINUTES lock that name,
even for the right password or code; while locked an attempt is neither checked nor counted,
so the lock ends when the window passes. Recording a failure must outlive the attempt's
exception: callers record outside their transaction.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from apps.access.models import LoginFailure


class LoginLocked(Exception):
    """Too many failures for this account name: refused, even with the right password."""

    def __init__(self, minutes_left: int):
        self.minutes_left = minutes_left
        super().__init__(ngettext(
            "Too many failed attempts. Try again in %(minutes)d minute.",
            "Too many failed attempts. Try again in %(minutes)d minutes.",
            minutes_left,
        ) % {"minutes": minutes_left})


def account_key(username: str) -> str:
    return str(username or "").strip().lower()[:150]


def minutes_left(username: str, now=None) -> int:
    """How long the account name stays locked (0: not locked)."""
    now = now or timezone.now()
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    recent = list(
        LoginFailure.objects.filter(username=account_key(username), at__gt=now - window)
        .order_by("-at").values_list("at", flat=True)[: settings.LOGIN_MAX_FAILURES]
    )
    if len(recent) < settings.LOGIN_MAX_FAILURES:
        return 0
    # Locked until the oldest of the last N failures leaves the window.
    seconds = (recent[-1] + window - now).total_seconds()
    return max(1, math.ceil(seconds / 60))


def check(username: str) -> None:
    """Raise LoginLocked while the account name is locked."""
    left = minutes_left(username)
    if left:
        raise LoginLocked(left)


def fail(username: str, ip: str | None = None) -> None:
    LoginFailure.objects.create(username=account_key(username), ip=ip)


def clear(username: str) -> None:
    """A success: the account's counter starts again."""
    LoginFailure.objects.filter(username=account_key(username)).delete()

