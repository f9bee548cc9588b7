"""Django merges every catalogue (locale/ and apps/*/locale/) into one, so a msgid translated
two ways in two catalogues shows one app's words in another's page (the round form's 对象
read 操作人). One key per meaning: a word with two meanings takes a context (pgettext)."""

from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

BASE = Path(__file__).resolve().parent.parent.parent


def _catalogues():
    return sorted([*(BASE / "locale").glob("zh_Hans/LC_MESSAGES/django.po"),
                   *(BASE / "apps").glob("*/locale/zh_Hans/LC_MESSAGES/django.po")])


def test_no_msgid_is_translated_two_ways():
    found = defaultdict(dict)
    for path in _catalogues():
        with path.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if message.id and message.string and not message.fuzzy:
                key = f"{message.context}|{message.id}" if message.context else str(message.id)
                found[key][str(message.string)] = path.relative_to(BASE).parts[:2]
    clashes = {key: where for key, where in found.items() if len(where) > 1}
    assert not clashes, "msgids translated two ways (one wording, or a context per meaning):\n" + \
        "\n".join(f"{key}: {where}" for key, where in sorted(clashes.items()))


def _keys(text: str):
    """(msgctxt, msgid) of each entry, read from the text: Babel's reader keeps only the last of
    two equal keys, so a duplicate (one of them silently lost) is only seen here."""
    for block in text.split("\n\n"):
        ctxt, msgid, current = None, None, None
        for line in block.splitlines():
            if line.startswith(("msgctxt ", "msgid ", "msgstr")):
                current = line.split(" ", 1)[0]
                value = line.split(" ", 1)[1][1:-1]
                if current == "msgctxt":
                    ctxt = value
                elif current == "msgid":
                    msgid = value
            elif line.startswith('"') and current in ("msgctxt", "msgid"):
                if current == "msgctxt":
                    ctxt += line[1:-1]
                else:
                    msgid += line[1:-1]
        if msgid:
            yield ctxt, msgid


def test_no_catalogue_has_an_entry_twice_or_a_fuzzy_one():
    for path in _catalogues():
        keys = list(_keys(path.read_text(encoding="utf-8")))
        twice = {key for key in keys if keys.count(key) > 1}
        assert not twice, f"{path.relative_to(BASE)} has these entries twice: {twice}"
        with path.open("rb") as f:
            fuzzy = [m.id for m in read_po(f) if m.id and m.fuzzy]
        assert not fuzzy, f"{path.relative_to(BASE)}: fuzzy entries stay out of the .mo: {fuzzy}"
