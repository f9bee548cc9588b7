"""Playwright (sync API) driving Debian's chromium, headless, against pytest-django's
live_server, whose static files are answered as in production: by WhiteNoise from the
collected files (hashed names, compressed, cached for a year), not by Django's development
static handler."""

import os
import shutil
from functools import partial
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the tests still talk to the
# database synchronously from that thread (to build the world), which Django would refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SHAODIAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"chromium not found at {CHROMIUM}: run `make system-test-deps`")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server (same address rules) with its development static handler
    taken out: a static URL goes through the project's middleware, where WhiteNoise answers
    it from STATIC_ROOT as it does behind gunicorn."""
    from pytest_django.live_server_helper import LiveServer

    addr = (request.config.getvalue("liveserver")
            or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _the_project_itself
    if server.thread.connections_override:
        # One in-memory SQLite connection is shared with the server's thread: requests served
        # in parallel threads (a page's photos, a poll beside a POST) would use it at once and
        # fail ("bad parameter or other API misuse", or a session read as empty). Served one
        # at a time, as Django's own server does then, each request closes its connection.
        server.thread.server_class = _serial_server()
    server.start()
    yield server
    server.stop()


def _serial_server():
    from django.core.servers.basehttp import WSGIServer

    class SerialServer(WSGIServer):
        """Django's development server without threads (Connection: close on each answer)."""

        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)  # the server's thread holds the connections

    return SerialServer


def _the_project_itself(application):
    return application


@pytest.fixture
def open_page(browser, live_server):
    """A fresh browser context (no cookies) per call, with a browser locale of zh-CN as in
    China (the UI is Chinese by default whatever the locale); `viewport` for phone widths;
    `storage_state` (a context's cookies) for a signed-in browser with a cold cache.
    The page's clock starts at the server's (the suite's fixed "now"), so a countdown in the
    page and the server agree. Under that clock animation frames may not come, so the page's
    `wait_for_function` polls by time (every 100 ms) instead of by frame."""
    from django.utils import timezone

    contexts, violations = [], []

    def _open(*, locale="zh-CN", viewport=DESKTOP, storage_state=None):
        context = browser.new_context(locale=locale, viewport=viewport, reduced_motion="reduce",
                                      device_scale_factor=1, storage_state=storage_state)
        context.set_default_timeout(10_000)
        context.clock.install(time=timezone.now())
        context.on("console", lambda message: _note_csp_violation(message, violations))
        contexts.append(context)
        page = context.new_page()
        page.base = live_server.url
        # Under the installed clock animation frames may not come: waits poll by time.
        page.wait_for_function = partial(page.wait_for_function, polling=100)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not violations, "the Content-Security-Policy refused:\n" + "\n".join(violations)


def _note_csp_violation(message, violations: list[str]) -> None:
    """Every page of every browser test runs under the policy: a refusal fails the test."""
    if "Content Security Policy" in message.text:
        violations.append(message.text)


@pytest.fixture
def login_as(open_page):
    """Log a persona in through the login form; returns the page on their home page."""
    from shaodian.testing.world import PASSWORD

    def _login(username, **kwargs):
        page = open_page(**kwargs)
        page.goto(page.base + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_url(page.base + "/")
        return page

    return _login


@pytest.fixture
def assets_loaded():
    """Whether htmx and Bootstrap's script really ran and Bootstrap's stylesheet applies."""

    def _check(page) -> bool:
        page.wait_for_load_state("load")  # after a click that navigates, the new page's
        return page.evaluate(
            """() => typeof htmx === "object" && typeof bootstrap === "object"
                 && getComputedStyle(document.querySelector(".navbar")).display === "flex" """
        )

    return _check


@pytest.fixture
def click_menu():
    """Follow a menu link, opening its section's dropdown first when it sits in one."""

    def _click(page, href: str) -> None:
        link = page.locator(f"nav a[href='{href}']")
        if not link.is_visible():
            page.locator(f"nav .dropdown:has(a[href='{href}']) > .dropdown-toggle").click()
        link.click()

    return _click
