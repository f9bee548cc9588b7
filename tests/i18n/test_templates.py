"""Every string of a template reads in both languages: each {% translate %} and {% blocktranslate %}
has its Chinese in a catalogue (with its context, if it has one), and no Chinese is written into
a template outside them (it would show untranslated to an English reader)."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

BASE = Path(__file__).resolve().parent.parent.parent

TRANSLATE = re.compile(r"""\{%\s*trans(?:late)?\s+(?P<q>["'])(?P<id>.*?)(?P=q)"""
                       r"""(?:\s+context\s+(?P<cq>["'])(?P<ctx>.*?)(?P=cq))?(?:\s+as\s+\w+)?"""
                       r"""\s*(?:noop\s*)?%\}""")
BLOCK = re.compile(r"\{%\s*blocktrans(?:late)?(?P<args>[^%]*)%\}(?P<body>.*?)"
                   r"\{%\s*endblocktrans(?:late)?\s*%\}", re.S)
TAGS = re.compile(r"\{%\s*trans(?:late)?\s.*?%\}|\{%\s*blocktrans(?:late)?.*?"
                  r"\{%\s*endblocktrans(?:late)?\s*%\}|\{#.*?#\}"
                  r"|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
CHINESE = re.compile(r"[\u4e00-\u9fff]+")
# The product's name and the language switch's own name are the same in both languages.
SAME_IN_BOTH = {"哨点", "简体中文"}


def _templates():
    return sorted(BASE.glob("apps/*/templates/**/*.html"))


def _translated():
    keys = set()
    for path in [*(BASE / "locale").glob("zh_Hans/LC_MESSAGES/django.po"),
                 *(BASE / "apps").glob("*/locale/zh_Hans/LC_MESSAGES/django.po")]:
        with path.open("rb") as f:
            for message in read_po(f):
                if message.id and message.string and not message.fuzzy:
                    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                    keys.add((message.context, str(msgid)))
    return keys


def _block_key(args: str, body: str):
    """The msgid Django's makemessages writes for a {% blocktranslate %} (singular form)."""
    body = body.split("{% plural %}")[0]
    context = re.search(r"""context\s+(["'])(.*?)\1""", args)
    if "trimmed" in args.split():
        body = " ".join(line.strip() for line in body.strip().splitlines() if line.strip())
    msgid = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", body.replace("%", "%%"))
    return context.group(2) if context else None, msgid


def test_every_template_string_has_its_chinese():
    translated = _translated()
    missing = []
    for template in _templates():
        text = template.read_text(encoding="utf-8")
        keys = [(m.group("ctx"), m.group("id")) for m in TRANSLATE.finditer(text)]
        keys += [_block_key(m.group("args"), m.group("body")) for m in BLOCK.finditer(text)]
        missing += [(template.relative_to(BASE), key) for key in keys if key not in translated]
    assert not missing, "untranslated (context, msgid):\n" + "\n".join(map(str, missing))


def test_no_chinese_is_written_into_a_template_outside_a_translation():
    written = []
    for template in _templates():
        text = TAGS.sub("", template.read_text(encoding="utf-8"))
        written += [(template.relative_to(BASE), word) for word in CHINESE.findall(text)
                    if word not in SAME_IN_BOTH]
    assert not written, "Chinese an English reader would see:\n" + "\n".join(map(str, written))
