"""An import's errors are written by the worker in its language (Chinese, the default) and
kept; the page shows each in the reader's language when it is one of the catalogue's messages
(an English reader sees "This school has no class with this name.", not 这所学校…)."""

from functools import cache

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation.trans_real import translation as catalogue

KEPT_IN = "zh-hans"


@cache
def _msgids() -> dict[str, str]:
    """Chinese text -> its msgid, for the messages without a context or plural."""
    found = {}
    for msgid, text in catalogue(KEPT_IN)._catalog.items():
        if isinstance(msgid, str) and "\x04" not in msgid and isinstance(text, str):
            found.setdefault(text, msgid)
    return found


def in_reader_language(message: str) -> str:
    if not message or (translation.get_language() or "").lower() == KEPT_IN:
        return message
    msgid = _msgids().get(message)
    return gettext(msgid) if msgid else message


def shown(errors: list[dict]) -> list[dict]:
    return [{**e, "message": in_reader_language(e.get("message", ""))} for e in errors]
