"""axe-core (from npm, node_modules/axe-core) run in a Playwright page: the serious and
critical violations of WCAG 2.1 A/AA, described one per line for a failing test.

The page's Content-Security-Policy allows scripts only from the site itself, so axe is not
added as an inline <script> (which the policy would refuse, and the browser tests fail on
every refusal): its source is evaluated through the DevTools protocol, which the policy does
not govern, and nothing about the page under test is loosened."""

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@cache
def _axe_source() -> str:
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} missing: run `make install` (npm ci)")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page, *, include: str | None = None) -> list[dict]:
    """The serious and critical violations axe finds in the page as it is now."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {_axe_source()}\n }}")
    results = page.evaluate(
        """([context, tags]) => axe.run(context || document,
             {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        [include, TAGS],
    )
    return [v for v in results["violations"] if v["impact"] in SERIOUS]


def describe(violations: list[dict]) -> str:
    """One block per rule: id, impact, help and link, and the selectors of the nodes."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}  — {summary[:200]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def assert_no_serious_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, (f"axe found serious or critical violations on {page.url}:\n"
                            + describe(violations))
