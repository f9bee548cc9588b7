"""Headers on every dynamic answer (shaodian/middleware.py, settings.SECURE_CSP), and
templates that need nothing the policy forbids."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def _answers(client, world):
    client.force_login(world.users["teacher_a1"])
    person = world.persons["a1_student"]
    return {
        "login page": client.get("/login/"),
        "person page": client.get(f"/people/{person.pk}/"),
        "people API": client.get("/api/v1/persons"),
        "one person API": client.get(f"/api/v1/persons/{person.pk}"),
        "not found": client.get("/no-such-page/"),
    }


def test_it_sends_a_strict_policy_and_no_store_with_every_answer(client, world):
    for name, answer in _answers(client, world).items():
        assert answer.status_code in (200, 404), name
        policy = dict(part.strip().split(" ", 1) for part in
                      answer.headers["Content-Security-Policy"].split(";"))
        assert policy["script-src"] == "'self'", name  # no inline script, no eval
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'", name
        assert "no-store" in answer.headers["Cache-Control"], name
        assert "private" in answer.headers["Cache-Control"], name
        permissions = answer.headers["Permissions-Policy"]
        assert "geolocation=()" in permissions and "camera=(self)" in permissions, name


def test_it_keeps_a_views_own_cache_control(client, world):
    client.force_login(world.users["student_a1"])
    answer = client.get("/healthz")
    assert answer.headers["Cache-Control"].count("no-cache") == 1  # never_cache, once


INLINE = [
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
     "an inline script"),
    (re.compile(r"""hx-(vals|vars)\s*=\s*['"]\s*js:""", re.I), "htmx evaluating script"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_template_needs_inline_script_or_eval():
    found = []
    roots = [Path(settings.BASE_DIR) / "apps", Path(settings.BASE_DIR) / "templates"]
    for template in (p for root in roots for p in root.rglob("templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            found += [f"{template}: {what}: {m.group(0)!r}" for m in pattern.finditer(text)]
    assert not found, "\n".join(found)


def test_it_sends_no_store_as_djangos_never_cache_headers_write_it(client, world):
    """The middleware writes the header it worked out once; it must be what
    add_never_cache_headers gives, with a fresh Expires."""
    from django.http import HttpResponse
    from django.utils.cache import add_never_cache_headers
    from django.utils.http import http_date, parse_http_date

    expected = HttpResponse()
    add_never_cache_headers(expected)
    client.force_login(world.users["teacher_a1"])
    answer = client.get("/api/v1/persons")
    assert answer.headers["Cache-Control"] == expected.headers["Cache-Control"]
    assert "max-age=0" in answer.headers["Cache-Control"]
    assert abs(parse_http_date(answer.headers["Expires"])
               - parse_http_date(http_date())) <= 2
