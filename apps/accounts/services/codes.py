"""One-time activation codes: made fast in bulk, stored as SHA-256, used once (activation
signs the person in with `must_change_password`, so their first page is the one where they
choose a password), and a forced or voluntary password change.

A code has 12 characters of a 31-letter alphabet (59 bits) and lives for days, under the
sign-in lockout: a fast hash is enough (docs/decisions.md), and it lets a province's codes
be made in seconds."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access import lockout
from apps.access.models import User
from apps.accounts.models import AccountAction, AccountEvent, ActivationCode
from apps.core.db import IdPool, chunks, write_rows
from apps.core.errors import FieldError, ValidationFailed

# 31 letters and digits a reader cannot confuse (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
_SPACE = len(CODE_ALPHABET) ** CODE_LENGTH


def not_activated(prefix: str = "user__") -> Q:
    """Accounts with no password yet (made from the roster or reset, code not used)."""
    return Q(**{f"{prefix}password__startswith": UNUSABLE_PASSWORD_PREFIX})


@dataclass(frozen=True)
class IssuedCode:
    """A code to print (shown once, never stored) with who it is for and where they sit."""

    user_id: int
    username: str
    name: str
    place: str  # the class (or unit) the sheet groups it under
    code: str
    expires_at: datetime


def new_code() -> str:
    # 80 random bits reduced to 12 symbols: the bias is below 2^-20, and a province's
    # 190,000 codes take a fraction of a second (secrets.choice per symbol takes seconds).
    n = int.from_bytes(secrets.token_bytes(10)) % _SPACE
    symbols = []
    for _n in range(CODE_LENGTH):
        n, digit = divmod(n, len(CODE_ALPHABET))
        symbols.append(CODE_ALPHABET[digit])
    return "-".join("".join(symbols[i:i + 4]) for i in range(0, CODE_LENGTH, 4))


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in str(raw or "").upper() if ch.isalnum())[:40]


def code_hash(raw: str) -> str:
    return hashlib.sha256(normalize_code(raw).encode()).hexdigest()


def codes_expire_at(now):
    return now + timedelta(days=settings.SHAODIAN_ACTIVATION_CODE_DAYS)


def codes_write(*, actor, rows: list[tuple[int, int | None, str]], now,
                void: bool = True) -> dict[int, str]:
    """A new code for each (user id, school id, _) row, voiding each user's unused ones
    (`void`: new accounts have none); returns user id -> plaintext."""
    user_ids = [user_id for user_id, _school, _name in rows]
    for chunk in chunks(user_ids) if void else ():
        ActivationCode.objects.filter(user_id__in=chunk, used_at__isnull=True,
                                      voided_at__isnull=True).update(voided_at=now)
    plain = {user_id: new_code() for user_id in user_ids}
    ids = IdPool(ActivationCode).take_many(len(rows))
    expires = codes_expire_at(now)
    actor_id = getattr(actor, "pk", None)
    write_rows(ActivationCode, ("id", "user_id", "school_id", "code_hash", "issued_by_id",
                                "issued_at", "expires_at"),
               [(pk, user_id, school_id, code_hash(plain[user_id]), actor_id, now, expires)
                for pk, (user_id, school_id, _name) in zip(ids, rows, strict=True)])
    return plain


# Activation ---------------------------------------------------------------------------------


def _refusal(row: ActivationCode | None, username: str) -> tuple[str, str] | None:
    if row is None or row.user.username.lower() != username.lower() or not row.user.is_active:
        return "wrong", _("No such code for this username. Check both against your slip.")
    if row.used_at is not None:
        return "used", _("This code has been used already. Ask your school's admin for a "
                         "new one.")
    if row.voided_at is not None:
        return "voided", _("A newer code replaced this one. Use the newest slip.")
    if row.expires_at <= timezone.now():
        return "expired", _("This code expired on %(day)s. Ask your school's admin for a "
                            "new one.") % {
            "day": timezone.localtime(row.expires_at).strftime("%Y-%m-%d")}
    return None


def account_activate(*, request, username: str, code: str) -> User:
    """Use the code: the person is signed in and must choose a password before anything
    else (apps.accounts.middleware). A wrong, used or expired code counts as a failed
    sign-in of the username (apps.access.lockout); while it is locked nothing is checked."""
    username = str(username or "").strip()
    errors = []
    if not username:
        errors.append(FieldError("username", "required", _("Enter your username.")))
    if not normalize_code(code):
        errors.append(FieldError("code", "required", _("Enter the code from your slip.")))
    if errors:
        raise ValidationFailed(errors)
    try:
        lockout.check(username)
    except lockout.LoginLocked as exc:
        raise ValidationFailed([FieldError("code", "locked", str(exc))]) from None
    row = (ActivationCode.objects.filter(code_hash=code_hash(code)).select_related("user")
           .first() if len(normalize_code(code)) == CODE_LENGTH else None)
    reason = _refusal(row, username)
    if reason:
        lockout.fail(username, request.META.get("REMOTE_ADDR") or None)
        raise ValidationFailed([FieldError("code", *reason)])
    with transaction.atomic():
        now = timezone.now()
        if not ActivationCode.objects.filter(pk=row.pk, used_at__isnull=True,
                                             voided_at__isnull=True).update(used_at=now):
            raise ValidationFailed([FieldError("code", "used", _(
                "This code has been used already. Ask your school's admin for a new one."))])
        user = row.user
        User.objects.filter(pk=user.pk).update(must_change_password=True)
        user.must_change_password = True
        AccountEvent.objects.create(actor=user, user=user, school_id=row.school_id,
                                    action=AccountAction.ACTIVATED)
    lockout.clear(username)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return user


def password_change(*, request, new_password: str, old_password: str | None = None) -> User:
    """The signed-in user's new password (Django's validators); the old one is asked unless
    the change is forced. Other sessions end; this one stays signed in."""
    user = request.user
    errors = []
    if not user.must_change_password and not user.check_password(old_password or ""):
        errors.append(FieldError("old_password", "wrong", _("This is not your password.")))
    try:
        validate_password(new_password or "", user)
    except ValidationError as exc:
        errors.append(FieldError("new_password1", "weak", " ".join(exc.messages)))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
    update_session_auth_hash(request, user)
    return user
