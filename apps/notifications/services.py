"""Writes: send a notification to users (inbox rows, and deliveries on their channels) or to
outside addresses; mark read; configure channels; the delivery loop (claim, send, retry).

The delivery loop is at-least-once only across a crash: a run claims due deliveries with a
conditional UPDATE (pending -> sending, stamped with the run's token), so two workers never
send the same one; a claim left in `sending` longer than the lease (a worker died mid-send)
is taken again. What the dead run sent since its last record of sends goes again with the same
key (`Outgoing.key`, in a webhook's body and Idempotency-Key header), so a receiver that keeps
keys sees each delivery exactly once.
"""

import hashlib
import logging
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.access.rules import school_ids_granted
from apps.core.crypto import decrypt_text, encrypt_text
from apps.core.errors import FieldError, ValidationFailed
from apps.core.identity import DocumentError, normalize_phone
from apps.notifications import channels
from apps.notifications.keys import keys_claim_rows, keys_taken
from apps.notifications.models import (
    SEVERITY_RANK,
    Channel,
    ChannelKind,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKey,
    Severity,
)
from apps.notifications.selectors import own

logger = logging.getLogger("shaodian.notifications")

BACKOFF_SECONDS = 30  # first retry after 30 s, then x4: 2 min, 8 min, 32 min, ~2 h
BACKOFF_CAP = timedelta(hours=6)
# A claim older than this was made by a run that died (settings.NOTIFICATION_CLAIM_LEASE_SECONDS,
# 10 minutes: longer than any run of MAX_BATCHES, so a live run's claim is never taken).
CLAIM_LEASE = timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS)
FLUSH_SECONDS = 2.0
SECRET_CONTEXT = b"notifications.channel"
CHANNELS = "notifications.channels"  # held on a school: configures its channels
# A user's account e-mail is used as an e-mail channel from this severity up.
ACCOUNT_EMAIL_MIN_SEVERITY = Severity.WARNING


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 6)


def _both_languages(text) -> tuple[str, str]:
    """A lazy translatable string (or a callable returning one) rendered in Chinese and
    English, so the inbox shows each recipient their own language."""
    rendered = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            rendered.append(str(text() if callable(text) else text))
    return rendered[0], rendered[1]


@dataclass(frozen=True)
class _Message:
    kind: str
    severity: str
    subject_zh: str
    subject_en: str
    body_zh: str
    body_en: str
    link: str
    school_id: int | None
    dedupe_key: str
    drill: bool

    def row(self, **extra) -> Notification:
        return Notification(kind=self.kind, severity=self.severity, subject_zh=self.subject_zh,
                            subject_en=self.subject_en, body_zh=self.body_zh,
                            body_en=self.body_en, link=self.link, school_id=self.school_id,
                            dedupe_key=self.dedupe_key, drill=self.drill, **extra)


def _message(*, kind, subject, body, link, school_id, severity, dedupe_key, drill) -> _Message:
    if severity not in SEVERITY_RANK:
        raise ValidationFailed([FieldError("severity", "invalid",
                                           _("Unknown severity: %(s)s") % {"s": severity})])
    subject_zh, subject_en = _both_languages(subject)
    body_zh, body_en = _both_languages(body) if body else ("", "")
    return _Message(kind=kind[:40], severity=severity, subject_zh=subject_zh[:200],
                    subject_en=subject_en[:200], body_zh=body_zh, body_en=body_en,
                    link=link[:300], school_id=school_id, dedupe_key=dedupe_key[:120],
                    drill=drill)


# Sending to users ------------------------------------------------------------------------


@transaction.atomic
def notification_send(
    *,
    recipient_ids: Iterable[int],
    kind: str,
    subject,
    body="",
    link: str = "",
    school_id: int | None = None,
    severity: str = Severity.INFO,
    dedupe_key: str = "",
    drill: bool = False,
) -> int:
    """Put the message in each recipient's inbox (once per dedupe_key) and queue its outside
    deliveries (the recipients' channels, and the school's channels that want this kind and
    severity; none in a drill); returns how many inbox rows are new. `subject` and `body` are
    lazy translatable strings (gettext_lazy / format_lazy) or callables returning one."""
    message = _message(kind=kind, subject=subject, body=body, link=link, school_id=school_id,
                       severity=severity, dedupe_key=dedupe_key, drill=drill)
    recipients = set(recipient_ids)
    if dedupe_key and recipients:
        recipients -= keys_taken(message.dedupe_key, recipients)
    if not recipients:
        return 0
    rows = _insert_inbox_rows(message, sorted(recipients))
    if not drill:
        deliveries = _user_deliveries(rows, kind=message.kind, severity=message.severity)
        if school_id:
            deliveries += _school_deliveries(message)
        _insert_deliveries(deliveries)
    return len(rows)


def _insert_inbox_rows(message: _Message, recipient_ids: list[int]) -> list[Notification]:
    return _insert_rows([message.row(recipient_id=uid) for uid in recipient_ids],
                        message.dedupe_key)


def _insert_rows(rows: list[Notification], dedupe_key: str) -> list[Notification]:
    stamp = timezone.now()
    for row in rows:
        row.created_at = stamp
    if dedupe_key:
        claimed = keys_claim_rows(dedupe_key, [r.recipient_id for r in rows], stamp)
        rows = [r for r in rows if r.recipient_id in claimed]
    return Notification.objects.bulk_create(rows, batch_size=2000)


@dataclass(frozen=True)
class Personal:
    """One recipient's own message in a batch (notification_send_each)."""

    recipient_id: int
    subject: object  # a lazy translatable string, or a callable returning one
    body: object = ""
    school_id: int | None = None
    link: str = ""


@transaction.atomic
def notification_send_each(
    *,
    messages: Sequence[Personal],
    kind: str,
    severity: str = Severity.INFO,
    dedupe_key: str = "",
    drill: bool = False,
) -> int:
    """Many recipients, each with their own subject (e.g. "3 new follow-ups") and school, in
    a fixed number of queries however many there are: for fan-outs across schools. The same
    rules as notification_send (dedupe per recipient and key, no outside delivery in a
    drill), except that school channels get no copy of personal messages."""
    personal = {m.recipient_id: m for m in messages}
    if dedupe_key and personal:
        for uid in keys_taken(dedupe_key[:120], personal):
            personal.pop(uid, None)
    if not personal:
        return 0
    rendered: dict[tuple[int, int], tuple] = {}  # a subject shared by many is rendered once

    def row(uid: int, m: Personal) -> Notification:
        key = (id(m.subject), id(m.body))
        if key not in rendered:
            rendered[key] = (*_both_languages(m.subject),
                             *(_both_languages(m.body) if m.body else ("", "")))
        subject_zh, subject_en, body_zh, body_en = rendered[key]
        return _Message(kind=kind[:40], severity=severity, subject_zh=subject_zh[:200],
                        subject_en=subject_en[:200], body_zh=body_zh, body_en=body_en,
                        link=m.link[:300], school_id=m.school_id, dedupe_key=dedupe_key[:120],
                        drill=drill).row(recipient_id=uid)

    if severity not in SEVERITY_RANK:
        raise ValidationFailed([FieldError("severity", "invalid", _("Unknown severity."))])
    rows = _insert_rows([row(uid, m) for uid, m in sorted(personal.items())], dedupe_key[:120])
    if not drill:
        _insert_deliveries(_user_deliveries(rows, kind=kind[:40], severity=severity))
    return len(rows)


def _wants(min_severity: str, severity: str) -> bool:
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[min_severity]


def _user_deliveries(rows: list[Notification], *, kind: str, severity: str) -> list[Delivery]:
    from apps.access.models import User

    ids = [r.recipient_id for r in rows]
    accounts = {uid: (email, language) for uid, email, language in
                User.objects.filter(id__in=ids).values_list("id", "email", "language")}
    own: dict[int, list[Channel]] = defaultdict(list)
    for channel in Channel.objects.filter(user_id__in=ids, active=True):
        own[channel.user_id].append(channel)
    console = getattr(settings, "NOTIFICATION_CONSOLE", False)
    deliveries = []
    for row in rows:
        email, language = accounts.get(row.recipient_id, ("", ""))
        language = language or settings.LANGUAGE_CODE
        mine = own[row.recipient_id]
        for channel in mine:
            if channel.wants(kind, severity):
                deliveries.append(Delivery(notification=row, channel=channel.kind,
                                           address=channel.address, source=channel,
                                           language=language))
        has_email_channel = any(c.kind == ChannelKind.EMAIL for c in mine)
        if email and not has_email_channel and _wants(ACCOUNT_EMAIL_MIN_SEVERITY, severity):
            deliveries.append(Delivery(notification=row, channel=ChannelKind.EMAIL,
                                       address=email, language=language))
        if console:
            deliveries.append(Delivery(notification=row, channel=ChannelKind.CONSOLE,
                                       address=f"user:{row.recipient_id}", language=language))
    return deliveries


def _outside_key(dedupe_key: str, suffix: str) -> str:
    if not dedupe_key:
        return ""
    key = f"{dedupe_key}@{suffix}"
    return key if len(key) <= 120 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _school_deliveries(message: _Message) -> list[Delivery]:
    """One copy per matching channel of the school (its task force's robot, a webhook),
    on an outside-only notification so that it is sent once, not once per recipient."""
    wanted = [c for c in Channel.objects.filter(school_id=message.school_id, active=True)
              if c.wants(message.kind, message.severity)]
    if not wanted:
        return []
    key = _outside_key(message.dedupe_key, f"school:{message.school_id}")
    carrier = _outside_notification(message, key)
    if carrier is None:
        return []
    return [Delivery(notification=carrier, channel=c.kind, address=c.address, source=c,
                     language=c.language) for c in wanted]


def _outside_notification(message: _Message, key: str) -> Notification | None:
    """The recipient-less row that carries outside deliveries (reused for the same key:
    its claim's time names the month to read)."""
    row = message.row(recipient=None, created_at=timezone.now())
    row.dedupe_key = key
    if not key or keys_claim_rows(key, [None], row.created_at):
        row.save()
        return row
    claimed = NotificationKey.objects.filter(recipient__isnull=True, dedupe_key=key) \
        .values_list("created_at", flat=True).first()
    return Notification.objects.filter(recipient__isnull=True, dedupe_key=key,
                                       created_at=claimed).first()


def _insert_deliveries(deliveries: list[Delivery]) -> int:
    if not deliveries:
        return 0
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=2000)
    _queue_delivery_run()
    return len(deliveries)


def _run_deliveries_now() -> None:
    from apps.notifications.tasks import deliver_due

    deliver_due.enqueue()


def _queue_delivery_run() -> None:
    """Enqueue one delivery run when the transaction commits, so urgent messages leave at
    once rather than at the next periodic run; once per transaction however many sends."""
    connection = transaction.get_connection()
    if any(hook[1] is _run_deliveries_now for hook in connection.run_on_commit):
        return
    transaction.on_commit(_run_deliveries_now)


# Sending to outside contacts --------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    """An outside contact who is not a user: a hospital's duty phone, the county CDC's
    e-mail, a bureau's DingTalk robot. `channel` is a ChannelKind value."""

    channel: str
    address: str
    language: str = "zh-hans"


def clean_address(kind: str, address: str, *, field: str = "address") -> str:
    """The address in its stored form, or ValidationFailed naming `field` and the reason."""
    address = (address or "").strip()
    if kind not in ChannelKind.values:
        raise ValidationFailed([FieldError(field, "unknown_channel",
                                           _("Unknown channel: %(k)s") % {"k": kind})])
    try:
        if kind == ChannelKind.SMS:
            return normalize_phone(address)
        if kind == ChannelKind.EMAIL:
            EmailValidator()(address)
        elif kind in (ChannelKind.WECOM, ChannelKind.DINGTALK, ChannelKind.WEBHOOK):
            URLValidator(schemes=["http", "https"])(address)
            if not channels.host_allowed(address):
                raise ValidationFailed([FieldError(field, "host_not_allowed", _(
                    "This host is internal, or not on the deployment's list of webhook "
                    "hosts."))])
        elif not address:
            raise ValidationError("empty")
    except (ValidationError, DocumentError):
        raise ValidationFailed([FieldError(field, "invalid", _(
            "Not a valid address for this channel."))]) from None
    return address


@transaction.atomic
def notification_send_external(
    *,
    addresses: Sequence[Address],
    kind: str,
    subject,
    body="",
    link: str = "",
    school_id: int | None = None,
    severity: str = Severity.INFO,
    dedupe_key: str = "",
    drill: bool = False,
) -> int:
    """Send to contacts who are not users (nothing in any inbox); idempotent per dedupe_key
    and address. A drill sends nothing outside. Returns how many deliveries are new."""
    if drill or not addresses:
        return 0
    cleaned = [Address(a.channel, clean_address(a.channel, a.address,
                                                 field=f"addresses.{i}.address"),
                       a.language) for i, a in enumerate(addresses)]
    message = _message(kind=kind, subject=subject, body=body, link=link, school_id=school_id,
                       severity=severity, dedupe_key=dedupe_key, drill=False)
    carrier = _outside_notification(message, message.dedupe_key)
    before = carrier.deliveries.count()
    _insert_deliveries([Delivery(notification=carrier, channel=a.channel, address=a.address,
                                 language=a.language) for a in cleaned])
    return carrier.deliveries.count() - before


def hospital_addresses(*, school_id: int) -> list[Address]:
    """The school's designated hospital (一校一院) as outside addresses: its contacts' and
    its duty phone, for the SMS gateway."""
    from apps.orgs.models import HospitalContact, School

    hospital_id, duty = (School.objects.filter(pk=school_id)
                         .values_list("hospital_id", "hospital__phone").first() or (None, ""))
    if not hospital_id:
        return []
    phones = [duty, *HospitalContact.objects.filter(hospital_id=hospital_id)
              .values_list("phone", flat=True)]
    seen, addresses = set(), []
    for phone in phones:
        try:
            number = normalize_phone(phone or "")
        except DocumentError:
            continue
        if number not in seen:
            seen.add(number)
            addresses.append(Address(ChannelKind.SMS, number))
    return addresses


# The inbox ------------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int) -> bool:
    """Mark one of the user's own notifications read; False when it was read already."""
    return bool(own(user).filter(pk=notification_id, read_at__isnull=True)
                .update(read_at=timezone.now()))


def notification_mark_all_read(*, user) -> int:
    return own(user).filter(read_at__isnull=True).update(read_at=timezone.now())


# Channels -------------------------------------------------------------------------------


def _encrypt_secret(secret: str) -> bytes:
    return encrypt_text(secret, context=SECRET_CONTEXT)


def channel_secret(channel: Channel | None) -> str:
    if channel is None or not channel.secret_cipher:
        return ""
    return decrypt_text(bytes(channel.secret_cipher), context=SECRET_CONTEXT)


@transaction.atomic
def channel_add(*, actor, kind: str, address: str, school_id: int | None = None,
                label: str = "", kinds: Sequence[str] = (),
                min_severity: str = Severity.WARNING, language: str = "zh-hans",
                secret: str = "") -> Channel:
    """A channel of the actor's own (school_id None: their phone, an e-mail) or of a school
    they configure (notifications.channels on that school: its robot, a webhook)."""
    errors = []
    if school_id is not None and school_id not in school_ids_granted(actor, CHANNELS):
        errors.append(FieldError("school", "not_allowed",
                                 _("You may not configure this school's channels.")))
    if school_id is None and kind in (ChannelKind.CONSOLE,):
        errors.append(FieldError("kind", "not_allowed", _("This channel is for the demo.")))
    if min_severity not in SEVERITY_RANK:
        errors.append(FieldError("min_severity", "invalid", _("Unknown severity.")))
    if language not in dict(settings.LANGUAGES):
        errors.append(FieldError("language", "invalid", _("Unknown language.")))
    try:
        address = clean_address(kind, address)
    except ValidationFailed as exc:
        errors += exc.errors
    if errors:
        raise ValidationFailed(errors)
    return Channel.objects.create(
        school_id=school_id, user=None if school_id else actor, kind=kind, address=address,
        label=label.strip()[:60], kinds=[k.strip() for k in kinds if k.strip()],
        min_severity=min_severity, language=language, created_by=actor,
        secret_cipher=_encrypt_secret(secret.strip()) if secret.strip() else None)


@transaction.atomic
def channel_remove(*, actor, channel_id: int) -> None:
    """Switch a channel off (kept for the deliveries that name it)."""
    channel = Channel.objects.select_for_update().get(pk=channel_id, active=True)
    if channel.user_id != actor.pk and not (
            channel.school_id and channel.school_id in school_ids_granted(actor, CHANNELS)):
        raise Channel.DoesNotExist
    channel.active = False
    channel.save(update_fields=["active"])


# The delivery loop -----------------------------------------------------------------------


def _due(now: datetime) -> Q:
    return (Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE))


def deliveries_due_ids(*, now: datetime, limit: int) -> list[int]:
    return list(Delivery.objects.filter(_due(now)).order_by("next_attempt_at", "id")
                .values_list("id", flat=True)[:limit])


def deliveries_claim(*, ids: list[int], now: datetime, token: str) -> list[Delivery]:
    """Take the deliveries among `ids` that are still due, in one conditional UPDATE: a
    concurrent run that claimed one first has changed its status, so it is not taken twice."""
    if not ids:
        return []
    Delivery.objects.filter(_due(now), id__in=ids).update(
        status=DeliveryStatus.SENDING, claim_token=token, claimed_at=now)
    claimed = list(Delivery.objects.filter(claim_token=token, status=DeliveryStatus.SENDING)
                   .select_related("source").order_by("id"))
    return _with_notifications(claimed, token=token)


def _with_notifications(claimed: list[Delivery], *, token: str) -> list[Delivery]:
    """Their notifications, read by id and time: PostgreSQL reads only their months (a join
    by id alone would probe every month). One whose notification is gone (retention) fails."""
    if not claimed:
        return []
    notes = {n.pk: n for n in Notification.objects.filter(
        id__in={d.notification_id for d in claimed},
        created_at__in={d.notification_created_at for d in claimed})}
    orphans = [d.pk for d in claimed if d.notification_id not in notes]
    if orphans:
        Delivery.objects.filter(pk__in=orphans, claim_token=token).update(
            status=DeliveryStatus.FAILED, claim_token="", last_error="notification deleted")
    for delivery in claimed:
        delivery.notification = notes.get(delivery.notification_id)
    return [d for d in claimed if d.notification is not None]


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt` (1, 2, …)."""
    return min(timedelta(seconds=BACKOFF_SECONDS * 4 ** (attempt - 1)), BACKOFF_CAP)


def delivery_outgoing(delivery: Delivery) -> channels.Outgoing:
    note = delivery.notification
    subject, body = note.text_in(delivery.language)
    link = note.link
    if link.startswith("/"):
        link = getattr(settings, "SITE_URL", "").rstrip("/") + link
    return channels.Outgoing(
        channel=delivery.channel, address=delivery.address, subject=channels.scrub(subject),
        body=channels.scrub(body), link=link, kind=note.kind, severity=note.severity,
        school_id=note.school_id, drill=note.drill, secret=channel_secret(delivery.source),
        key=f"shaodian-delivery-{delivery.pk}")


def delivery_send(delivery: Delivery) -> str:
    """Send one claimed delivery; the error text, or "" when the channel took it."""
    try:
        channels.send(delivery_outgoing(delivery))
    except channels.DeliveryError as exc:
        return str(exc) or "error"
    except Exception as exc:  # a bug in a channel must not leave the row claimed
        logger.exception("delivery %s failed unexpectedly", delivery.pk)
        return type(exc).__name__
    return ""


def _record_sent(ids: list[int], *, token: str) -> None:
    if ids:
        Delivery.objects.filter(pk__in=ids, claim_token=token).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1,
            last_error="", claim_token="")


def _record_failure(delivery: Delivery, *, token: str, error: str) -> str:
    attempts = delivery.attempts + 1
    gave_up = attempts >= max_attempts()
    status = DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING
    Delivery.objects.filter(pk=delivery.pk, claim_token=token).update(
        status=status, attempts=attempts, last_error=error[:300], claim_token="",
        next_attempt_at=timezone.now() + (timedelta(0) if gave_up else backoff(attempts)))
    return status


def delivery_run(*, limit: int = 100, now: datetime | None = None) -> Counter:
    """One run of the loop: claim up to `limit` due deliveries, send each, record each.
    Returns how many ended in each status (sent, pending = retry later, failed = gave up).
    Successes are written together, at least every FLUSH_SECONDS, so that a crash re-sends
    only what was sent since (the loop is at-least-once across a crash, never twice else)."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    claimed = deliveries_claim(ids=deliveries_due_ids(now=now, limit=limit), now=now,
                               token=token)
    outcome: Counter = Counter()
    sent: list[int] = []
    flushed = time.monotonic()
    for delivery in claimed:
        error = delivery_send(delivery)
        if error:
            outcome[_record_failure(delivery, token=token, error=error)] += 1
        else:
            sent.append(delivery.pk)
            outcome[DeliveryStatus.SENT] += 1
        if sent and time.monotonic() - flushed > FLUSH_SECONDS:
            _record_sent(sent, token=token)
            sent, flushed = [], time.monotonic()
    _record_sent(sent, token=token)
    return outcome
