"""What a page costs a browser with a cold cache: every byte it transfers (the page, its
styles, scripts and icon font, compressed as the server sends them through WhiteNoise),
under 200 KB; Chart.js only where a chart is drawn; every icon shown."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 200 * 1024  # bytes on the wire, headers included

# Icons whose stylesheet rule is missing (the icon font is cut down to the icons the sources
# name, shaodian/assets.py): their ::before has no content.
BLANK_ICONS = """() => [...document.querySelectorAll(".bi")]
  .filter((e) => ["none", "normal", '""'].includes(getComputedStyle(e, "::before").content))
  .map((e) => e.className)"""

ICON_FONT_LOADED = """() => [...document.fonts]
  .some((f) => f.family.includes("bootstrap-icons") && f.status === "loaded")"""


def cold_visit(login_as, open_page, username: str, path: str = "/"):
    """Sign in, then open `path` in a new browser context with the same session cookie and
    an empty cache; returns the page and what crossed the wire for each request, from the
    browser's own network events (the page's clock is the suite's, so its resource timing
    is not used): the bytes received (headers and the body as sent, compressed), the body's
    size unpacked and the answer's headers."""
    signed_in = login_as(username)
    page = open_page(storage_state=signed_in.context.storage_state())
    cdp = page.context.new_cdp_session(page)
    transfers: dict[str, dict] = {}

    def sent(event):
        transfers[event["requestId"]] = {"url": event["request"]["url"], "sent": 0,
                                         "unpacked": 0, "headers": {}}

    def answered(event):
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        transfers[event["requestId"]]["headers"] = headers

    def data(event):
        transfers[event["requestId"]]["unpacked"] += event["dataLength"]

    def finished(event):
        transfers[event["requestId"]]["sent"] = event["encodedDataLength"]

    for name, handler in (("requestWillBeSent", sent), ("responseReceived", answered),
                          ("dataReceived", data), ("loadingFinished", finished)):
        cdp.on(f"Network.{name}", handler)
    cdp.send("Network.enable")
    page.goto(page.base + path)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    return page, list(transfers.values())


def report(transfers) -> str:
    return "\n".join(f"{t['sent']:>8} {t['unpacked']:>8} "
                     f"{t['headers'].get('content-encoding', '-'):<5} {t['url']}"
                     for t in transfers)


@pytest.mark.parametrize("username", ["school_a_admin", "teacher_a1"])
def test_it_transfers_a_typical_page_in_under_200_kb_compressed(username, world, login_as,
                                                                open_page):
    page, transfers = cold_visit(login_as, open_page, username)
    total = sum(t["sent"] for t in transfers)
    print(f"\n{username}'s home, cold cache: {total} bytes sent\n{report(transfers)}")
    assert all(t["sent"] > 0 for t in transfers), "cold cache: all from the server\n" + report(
        transfers)
    assert total < BUDGET, report(transfers)
    assert sum(t["unpacked"] for t in transfers) > 2 * total  # it was compressed
    static = [t for t in transfers if "/static/" in t["url"]]
    assert len(static) >= 6
    for url, headers in ((t["url"], t["headers"]) for t in static):
        assert re.search(r"\bmax-age=31536000\b", headers["cache-control"]), url
        assert "immutable" in headers["cache-control"], url
        if not url.endswith(".woff2"):  # woff2 is compressed already
            assert headers.get("content-encoding") in ("br", "gzip"), url
    assert page.evaluate(BLANK_ICONS) == []
    assert page.evaluate(ICON_FONT_LOADED)


def test_it_loads_chart_js_only_on_a_page_that_draws_a_chart(world, login_as, open_page):
    # the class teacher's home has no chart
    _page, transfers = cold_visit(login_as, open_page, "teacher_a1")
    assert not [t for t in transfers if "chart.umd" in t["url"]], report(transfers)

    # the school admin's home draws persons by status
    page, transfers = cold_visit(login_as, open_page, "school_a_admin")
    assert [t for t in transfers if "/static/vendor/chart.umd.min." in t["url"]]
    page.wait_for_function(
        "() => typeof Chart === 'function' && !!Chart.getChart('chart-status')")

    # the pool-size advice page draws its curves only once asked
    _page, transfers = cold_visit(login_as, open_page, "school_a_admin",
                                            "/testing/advice/?prevalence=")
    assert not [t for t in transfers if "chart.umd" in t["url"]], report(transfers)
