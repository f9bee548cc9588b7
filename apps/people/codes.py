"""Personal codes for gate and sampling scans.

A code is `SD1.<school_id>.<person_id>.<yyyymmdd>.<signature>`: the day (Asia/Shanghai)
makes it rotate daily, the signature is HMAC-SHA256 under settings.PERSONAL_CODE_KEY over
everything before it, truncated to 80 bits and base32-encoded. It names the person by their
row id only: never the ID number, never a name. All characters are in the QR alphanumeric
set, so the QR code stays small enough for a cheap gate scanner.
"""

import base64
import hashlib
import hmac
import re
from datetime import date, datetime, timedelta

import segno
from django.conf import settings
from django.utils import timezone

PREFIX = "SD1"
SIGNATURE_BYTES = 10  # 80 bits: 16 base32 characters, no padding
CODE_RE = re.compile(r"SD1\.([1-9]\d{0,17})\.([1-9]\d{0,17})\.(\d{8})\.([A-Z2-7]{16})")


class InvalidCode(ValueError):
    """A code that is not accepted; `reason` is malformed, tampered, expired or not_yet_valid."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _signature(message: str) -> str:
    digest = hmac.new(settings.PERSONAL_CODE_KEY, message.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:SIGNATURE_BYTES]).decode()


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, timezone.get_default_timezone())


def personal_code_issue(*, person, day: date | None = None) -> str:
    """Today's code (or `day`'s) for a person."""
    day = day or _local(timezone.now()).date()
    message = f"{PREFIX}.{person.school_id}.{person.pk}.{day:%Y%m%d}"
    return f"{message}.{_signature(message)}"


def _accepted_days(now: datetime) -> tuple[date, ...]:
    local = _local(now)
    today = local.date()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if local - midnight < timedelta(hours=settings.PERSONAL_CODE_GRACE_HOURS):
        return today, today - timedelta(days=1)  # a code shown just before midnight
    return (today,)


def personal_code_verify(code: str, *, now: datetime | None = None) -> tuple[int, int]:
    """(school_id, person_id) of a valid code; InvalidCode otherwise. The caller still
    checks that the person exists, is active and is in the scanner's school."""
    match = CODE_RE.fullmatch(code.strip() if isinstance(code, str) else "")
    if not match:
        raise InvalidCode("malformed")
    school_id, person_id, day_text, signature = match.groups()
    message = code.strip().rsplit(".", 1)[0]
    if not hmac.compare_digest(signature, _signature(message)):
        raise InvalidCode("tampered")
    try:
        day = datetime.strptime(day_text, "%Y%m%d").date()
    except ValueError:
        raise InvalidCode("malformed") from None
    accepted = _accepted_days(now or timezone.now())
    if day > accepted[0]:
        raise InvalidCode("not_yet_valid")
    if day not in accepted:
        raise InvalidCode("expired")
    return int(school_id), int(person_id)


def personal_code_svg(code: str, *, dark: str = "#000") -> str:
    """An inline SVG QR code (for an <img>-free page: the SVG goes straight into the HTML),
    its modules in `dark` (a status colour deep enough on white for a scanner)."""
    qr = segno.make_qr(code, error="m")
    return qr.svg_inline(scale=4, border=2, dark=dark, light="#fff")
