"""Outside channels: how one delivery leaves the system. Each kind is a function taking an
`Outgoing` and returning on success or raising `DeliveryError` (the delivery loop retries).

Message formats (JSON POST, UTF-8, timeout settings.NOTIFICATION_HTTP_TIMEOUT seconds):

- wecom: a WeCom (企业微信) group robot's webhook URL,
  `{"msgtype": "text", "text": {"content": ..., "mentioned_list": ["@all"] when urgent}}`;
  the robot answers `{"errcode": 0, "errmsg": "ok"}`, anything else is a failure.
- dingtalk: a DingTalk (钉钉) custom robot's webhook URL,
  `{"msgtype": "text", "text": {"content": ...}, "at": {"isAtAll": urgent}}`; with a
  signing secret (加签) the URL gets `&timestamp=<ms>&sign=<base64 HMAC-SHA256 of
  "<timestamp>\\n<secret>">`; the answer is `{"errcode": 0, ...}` as for WeCom.
- sms: the deployment's SMS gateway (settings.NOTIFICATION_SMS_GATEWAY_URL), one POST per
  message `{"phone": "13800138000", "text": "【哨点】..."}`; any 2xx is accepted unless the
  answer says `{"ok": false}` or a non-zero `errcode`.
- webhook: any URL, `{"kind", "severity", "subject", "body", "link", "school_id", "drill",
  "delivery"}` with the header `Idempotency-Key: <delivery>`: the same key when a delivery is
  sent again after a crash of the sender (at-least-once), so the receiver can drop repeats.
- email: Django's mail backend (settings.EMAIL_BACKEND), from DEFAULT_FROM_EMAIL.
- console: one log line on the `shaodian.notifications` logger (the demo's channel).

Whatever the channel, text that looks like a resident ID number is masked before it leaves.
"""

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail

from apps.core.identity import mask_document

logger = logging.getLogger("shaodian.notifications")

ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
SMS_PREFIX = "【哨点】"
ROBOT_TEXT_LIMIT = 1800  # WeCom allows 2048 bytes of text; leave room for the link


class DeliveryError(Exception):
    """The channel did not take the message; the text is stored as the delivery's error."""


@dataclass(frozen=True)
class Outgoing:
    channel: str
    address: str
    subject: str
    body: str
    link: str  # absolute when settings.SITE_URL is set
    kind: str
    severity: str
    school_id: int | None = None
    drill: bool = False
    secret: str = ""
    key: str = ""  # the same for every attempt of one delivery (receivers dedupe on it)

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.subject, self.body, self.link) if part)


def scrub(text: str) -> str:
    """Mask anything shaped like a resident ID number: it must never leave the system."""
    return ID_LIKE.sub(lambda m: mask_document(m.group(1)), text or "")


SENDERS: dict[str, Callable[[Outgoing], None]] = {}


def sender(kind: str):
    """Register the function that sends on channel `kind` (a plug-in point)."""

    def register(func):
        SENDERS[kind] = func
        return func

    return register


def send(outgoing: Outgoing) -> None:
    func = SENDERS.get(outgoing.channel)
    if func is None:
        raise DeliveryError(f"unknown channel {outgoing.channel}")
    func(outgoing)


def host_allowed(url: str, *, resolve: bool = False) -> bool:
    """Whether a robot or webhook URL may be posted to: http(s), and, when the deployment
    lists NOTIFICATION_WEBHOOK_HOSTS (e.g. ["qyapi.weixin.qq.com", "oapi.dingtalk.com",
    ".gov.cn"]), a host on that list (a leading dot allows its subdomains; a listed
    intranet host is the operator's choice). Without a list, only a public host: an address
    of this machine, its network, the cloud's metadata service or any other internal
    address is refused, so a school admin's URL cannot reach inside. `resolve` looks the
    name up too (at sending; at saving a name that does not resolve yet is let through)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname.lower()
    allowed = getattr(settings, "NOTIFICATION_WEBHOOK_HOSTS", None)
    if allowed:
        return any(host == entry or (entry.startswith(".") and host.endswith(entry))
                   for entry in (e.lower() for e in allowed))
    literal = _ip_literal(host)
    if literal is not None:
        return literal.is_global
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return False
    return not resolve or _resolves_to_public(host, parts.port)


def _ip_literal(host: str):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _resolves_to_public(host: str, port: int | None) -> bool:
    """Every address the name resolves to is public (one internal address refuses it)."""
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    found = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    return bool(found) and all(address.is_global for address in found)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A robot answers where it is asked: a redirect (which could point inside) is an
    error, never followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post_json(url: str, payload: dict, *, trusted: bool = False,
              headers: dict | None = None) -> dict | None:
    """POST JSON; the answer's JSON (None when it is not JSON). Raises DeliveryError on a
    host not allowed (unless `trusted`: the deployment's own gateway), a network error, a
    timeout, a redirect or a non-2xx status."""
    if not trusted and not host_allowed(url, resolve=True):
        raise DeliveryError("host not allowed")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=json.dumps(payload, ensure_ascii=False).encode(), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    timeout = getattr(settings, "NOTIFICATION_HTTP_TIMEOUT", 5)
    try:
        with _opener.open(request, timeout=timeout) as response:
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"network: {reason}"[:200]) from exc
    try:
        answer = json.loads(raw.decode() or "null")
    except (UnicodeDecodeError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def _check_robot_answer(answer: dict | None) -> None:
    if answer is None:
        raise DeliveryError("the robot's answer is not JSON")
    if answer.get("errcode", 0) != 0:
        raise DeliveryError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:200])


@sender("wecom")
def send_wecom(out: Outgoing) -> None:
    text = {"content": out.text[:ROBOT_TEXT_LIMIT]}
    if out.severity == "urgent":
        text["mentioned_list"] = ["@all"]
    _check_robot_answer(post_json(out.address, {"msgtype": "text", "text": text}))


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """DingTalk's 加签: timestamp and sign appended to the robot's URL."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    sign = urllib.parse.quote_plus(base64.b64encode(digest.digest()))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={sign}"


@sender("dingtalk")
def send_dingtalk(out: Outgoing) -> None:
    url = dingtalk_signed_url(out.address, out.secret) if out.secret else out.address
    payload = {"msgtype": "text", "text": {"content": out.text[:ROBOT_TEXT_LIMIT]},
               "at": {"isAtAll": out.severity == "urgent"}}
    _check_robot_answer(post_json(url, payload))


@sender("sms")
def send_sms(out: Outgoing) -> None:
    gateway = getattr(settings, "NOTIFICATION_SMS_GATEWAY_URL", "")
    if not gateway:
        raise DeliveryError("no SMS gateway is configured")
    answer = post_json(gateway, {"phone": out.address, "text": SMS_PREFIX + out.text[:300]},
                       trusted=True)
    if answer and (answer.get("ok") is False or answer.get("errcode", 0) != 0):
        raise DeliveryError(f"gateway refused: {answer.get('error') or answer.get('errmsg')}"
                            [:200])


@sender("webhook")
def send_webhook(out: Outgoing) -> None:
    post_json(out.address, {"kind": out.kind, "severity": out.severity, "subject": out.subject,
                            "body": out.body, "link": out.link, "school_id": out.school_id,
                            "drill": out.drill, "delivery": out.key},
              headers={"Idempotency-Key": out.key} if out.key else None)


@sender("email")
def send_email(out: Outgoing) -> None:
    try:
        send_mail(out.subject, "\n\n".join(p for p in (out.body, out.link) if p),
                  None, [out.address], fail_silently=False)
    except Exception as exc:  # SMTP errors, refused connections: the loop retries
        raise DeliveryError(f"mail: {exc}"[:200]) from exc


@sender("console")
def send_console(out: Outgoing) -> None:
    logger.info("notification [%s/%s] to %s: %s", out.kind, out.severity, out.address,
                " / ".join(p for p in (out.subject, out.body) if p).replace("\n", " ")[:300])
