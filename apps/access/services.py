"""Writes for accounts: password login with lockout, API tokens. Roles: apps.access.appointments."""

import hashlib
import secrets
import threading
import time
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access import lockout
from apps.access.grants import grants_from_rows, grants_keep, grants_sql, role_grants
from apps.access.lockout import LoginLocked  # noqa: F401 (the pages import it from here)
from apps.access.models import ApiToken, LoginFailure, User
from apps.core.db import model_columns, model_from_row, prepared_cursor
from apps.core.errors import ApiError, FieldError, ValidationFailed

TOKEN_MAX_DAYS = 365
TOKEN_TOUCH_SECONDS = 60  # last_used_at is written at most once a minute per token


class LoginFailed(Exception):
    """Wrong username or password; the same whether the account exists or not."""

    def __init__(self):
        super().__init__(_("Wrong username or password."))


# --- login ------------------------------------------------------------------------------

def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def login_attempt(*, request, username: str, password: str) -> User:
    """Log the user in, or raise LoginLocked / LoginFailed.

    No enclosing transaction on purpose: a failure must be recorded even though the
    attempt ends in an exception. While locked, the password is not even checked and the
    attempt is not counted, so the lock ends when the window passes.
    """
    lockout.check(username)
    user = authenticate(request, username=username, password=password)
    if user is None:
        lockout.fail(username, _client_ip(request))
        raise LoginFailed()
    lockout.clear(username)
    login(request, user)
    return user


def login_failures_prune(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete failures no lockout window can still count; returns how many went."""
    keep = max(older_than, timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES))
    deleted, _rows = LoginFailure.objects.filter(at__lt=timezone.now() - keep).delete()
    return deleted


# --- API tokens -------------------------------------------------------------------------

def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def user_permissions(user) -> frozenset[str]:
    """Every permission the user holds anywhere (narrowed when acting through a token)."""
    return frozenset().union(*(g.permissions for g in role_grants(user)))


def _token_errors(*, user, name: str, permissions: list[str] | None, days: int) -> list[FieldError]:
    errors = []
    if not name.strip():
        errors.append(FieldError("name", "required", _("Give the token a name.")))
    elif len(name.strip()) > ApiToken._meta.get_field("name").max_length:
        errors.append(FieldError("name", "too_long", _("The name is too long.")))
    if not 1 <= days <= TOKEN_MAX_DAYS:
        errors.append(FieldError("days", "out_of_range", _("A token lasts from 1 to %(max)d days.")
                                 % {"max": TOKEN_MAX_DAYS}))
    if permissions is not None:
        extra = sorted(set(permissions) - user_permissions(user))
        if not permissions:
            errors.append(FieldError("permissions", "empty", _(
                "Choose at least one permission, or none at all for everything you may do.")))
        elif extra:
            errors.append(FieldError("permissions", "not_held", _(
                "You do not hold these permissions: %(perms)s.") % {"perms": ", ".join(extra)}))
    return errors


def api_token_create(
    *, user, name: str, permissions: list[str] | None, days: int = 90
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and its plaintext, which is never shown again.

    `permissions` None: everything the user may do; otherwise a subset of it.
    """
    errors = _token_errors(user=user, name=name, permissions=permissions, days=days)
    if errors:
        raise ValidationFailed(errors)
    prefix = secrets.token_hex(4)  # hex: no "_" inside, so the raw form splits cleanly
    raw = f"sd_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip(), prefix=prefix, key_hash=token_hash(raw),
            permissions=sorted(set(permissions or [])),
            expires_at=timezone.now() + timedelta(days=days),
        )
    return token, raw


def api_token_revoke(*, user, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (someone else's is a 404)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
        if token is None:
            raise Http404("token")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    _forget_cached_tokens()
    return token


def api_tokens_revoke(*, token_ids: list[int]) -> int:
    """Revoke these tokens, whoever holds them (a superuser in the admin); returns how many
    were still live."""
    revoked = ApiToken.objects.filter(pk__in=token_ids, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    _forget_cached_tokens()
    return revoked


def _forget_cached_tokens() -> None:
    from apps.access.tokens import forget_tokens

    # At once in this process, after the commit; other processes within tokens.TOKEN_TTL.
    forget_tokens()
    transaction.on_commit(forget_tokens)


_TOKEN_FIELDS = ("id", "permissions", "expires_at", "revoked_at", "last_used_at")


@cache
def _token_sql() -> str:
    """The token, its user and the user's grants (apps.access.grants), a row per grant: one
    prepared statement for a guardian's first request of the day."""
    columns = [*_columns(ApiToken, "t", _TOKEN_FIELDS), *_columns(User, "u")]
    named = ", ".join(f"{column} AS c{n}" for n, column in enumerate(columns))
    listed = ", ".join(f"tok.c{n}" for n in range(len(columns)))
    grants = grants_sql("(SELECT tok_user FROM tok)")
    return (f"WITH tok AS (SELECT t.user_id AS tok_user, {named} "  # noqa: S608 (names only)
            "FROM access_apitoken t JOIN access_user u ON u.id = t.user_id "
            f"WHERE t.key_hash = %s) SELECT {listed}, g.* FROM tok "
            f"LEFT JOIN ({grants}) g ON 1 = 1 ORDER BY g.src, g.ord")


def _columns(model, alias: str, names=None) -> list[str]:
    return model_columns(model, alias, names).split(", ")


def password_change_required() -> ApiError:
    """An account whose password was set by someone else (a new staff account, an admin's
    reset) acts through nothing until its holder chooses one."""
    return ApiError("password_change_required", _(
        "Choose a new password (sign in on the website) before using the API."), 403)


def api_token_authenticate(raw: str) -> User | None:
    """The active user a raw token stands for, or None (unknown, expired, revoked), with
    the user's grants already computed (narrowed to the token's permissions)."""
    if not raw.startswith("sd_") or len(raw) > 200:
        return None
    with prepared_cursor() as cursor:
        cursor.execute(_token_sql(), [token_hash(raw), timezone.localdate()])
        rows = cursor.fetchall()
    if not rows:
        return None
    first, split = rows[0], len(_TOKEN_FIELDS)
    width = split + len(User._meta.concrete_fields)
    token = model_from_row(ApiToken, first[:split], _TOKEN_FIELDS)
    user = model_from_row(User, first[split:width])
    now = timezone.now()
    if not token.is_usable(now) or not user.is_active:
        return None
    if user.must_change_password:
        raise password_change_required()
    _token_touch(token, now)
    # apps.access.grants narrows every grant to these (an empty list narrows nothing).
    user._shaodian_token_permissions = list(token.permissions)
    user._shaodian_token_id = token.pk
    grants_keep(user, grants_from_rows([row[width:] for row in rows]))
    return user


# last_used_at: kept per process and written for many tokens in one UPDATE every
# TOKEN_TOUCH_FLUSH_SECONDS, since a write per request would be a commit (a disk flush) per
# guardian at 7 a.m. A process that dies loses at most that many seconds of "last used".
TOKEN_TOUCH_FLUSH_SECONDS = 10
_touches: dict[int, object] = {}
_touches_lock = threading.Lock()
_touches_flushed = [time.monotonic()]


def _token_touch(token: ApiToken, now) -> None:
    idle = None if token.last_used_at is None else (now - token.last_used_at).total_seconds()
    if idle is not None and idle < TOKEN_TOUCH_SECONDS:
        return
    with _touches_lock:
        _touches[token.pk] = now
        due = time.monotonic() - _touches_flushed[0] >= TOKEN_TOUCH_FLUSH_SECONDS
    if due or len(_touches) >= 1000:
        token_touches_flush()


def token_touches_discard() -> None:
    """Drop the pending last_used_at times unwritten (a test's tokens, whose ids the next
    test's tokens reuse)."""
    with _touches_lock:
        _touches.clear()


def token_touches_flush() -> int:
    """Write the pending last_used_at times (each token at most once a minute); returns how
    many tokens were written."""
    with _touches_lock:
        pending = dict(_touches)
        _touches.clear()
        _touches_flushed[0] = time.monotonic()
    if not pending:
        return 0
    now = max(pending.values())
    return ApiToken.objects.filter(pk__in=list(pending)).filter(
        Q(last_used_at__isnull=True)
        | Q(last_used_at__lt=now - timedelta(seconds=TOKEN_TOUCH_SECONDS))
    ).update(last_used_at=now)
