"""Static files as production serves them: collected with hashed names and their gzip and
brotli versions (`make assets`; conftest collects again when a file changed), answered by
WhiteNoise with a year's immutable cache. These requests go through the project's whole
middleware stack, as a browser's do."""

import gzip
import json
import re
from pathlib import Path

import brotli
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from shaodian.assets import ICONS_CSS, ICONS_DIR, NODE, TARGET, icons_used

pytestmark = pytest.mark.django_db

HASHED = re.compile(r"^/static/.+\.[0-9a-f]{12}\.(?:js|css)$")
A_YEAR = re.compile(r"\bmax-age=31536000\b")


def static_urls(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', page)


def home_of(world, username: str) -> str:
    client = Client()
    client.force_login(world.users[username])
    return client.get(reverse("web:home")).content.decode()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def collected(url: str) -> bytes:
    return (Path(settings.STATIC_ROOT) / url.removeprefix(settings.STATIC_URL)).read_bytes()


def test_it_names_every_static_file_of_a_page_by_its_hash(world):
    urls = static_urls(home_of(world, "school_a_admin"))
    assert any(u.startswith("/static/vendor/bootstrap.min.") for u in urls), urls
    assert all(HASHED.match(u) for u in urls), urls
    for url in urls:
        assert collected(url)  # the manifest's name is a file collectstatic wrote


def test_it_serves_a_hashed_file_for_a_year_with_brotli_or_gzip_as_accepted(world):
    url = next(u for u in static_urls(home_of(world, "teacher_a1")) if "bootstrap.min." in u)
    original = collected(url)

    br = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert br.status_code == 200
    assert br["Content-Encoding"] == "br"
    assert A_YEAR.search(br["Cache-Control"]) and "immutable" in br["Cache-Control"]
    assert "Accept-Encoding" in br["Vary"]
    assert brotli.decompress(body(br)) == original
    assert int(br["Content-Length"]) < len(original) / 5  # Bootstrap's CSS: 232 KB to ~25 KB

    gz = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert gz["Content-Encoding"] == "gzip"
    assert A_YEAR.search(gz["Cache-Control"]) and "immutable" in gz["Cache-Control"]
    assert gzip.decompress(body(gz)) == original

    plain = Client().get(url)
    assert not plain.has_header("Content-Encoding") and body(plain) == original


def test_it_serves_only_the_hashed_names(world):
    url = next(u for u in static_urls(home_of(world, "teacher_a1")) if "htmx.min." in u)
    assert Client().get(url).status_code == 200
    unhashed = re.sub(r"\.[0-9a-f]{12}\.", ".", url)
    assert Client().get(unhashed).status_code == 404


def test_it_has_an_icon_for_every_icon_name_the_pages_use():
    # the icon font and its stylesheet are cut down to these names at `make assets`
    # (shaodian/assets.py): an icon added to a page needs `make assets` again
    codepoints = json.loads((NODE / ICONS_DIR / "bootstrap-icons.json").read_text())
    stylesheet = (TARGET / ICONS_CSS).read_text(encoding="utf-8")
    built = set(re.findall(r"\.bi-([a-z0-9-]+)::before", stylesheet))
    assert icons_used(set(codepoints)) == built, "run `make assets`"
    assert {"people", "gear", "thermometer-half", "printer", "grid-3x3-gap"} <= built
    assert len(built) < len(codepoints) / 10
