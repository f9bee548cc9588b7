"""Build the front-end files the pages load from node_modules (installed from the npm
registry by `make assets`) into build/static/vendor, where collectstatic finds them.
Nothing third-party is committed; nothing is loaded from a CDN.

Two things are made rather than copied:
- the icons: bootstrap-icons' font holds some 2,000 glyphs (134 KB of woff2, which no
  compression shrinks); the pages use a few dozen. The font is cut down to the icons named
  in this project's sources (`bi-<name>` classes and quoted icon names, as in menu.py and
  `icon="…"`), with a stylesheet that has a rule for each of them only.
- the source-map comments at the end of the minified files are left out: the maps are not
  shipped, and the manifest storage would refuse a reference to a missing file.

`python -m shaodian.assets` builds; `make assets` then runs collectstatic, which gives every
file a hashed name and its gzip and brotli versions (settings.STORAGES)."""

import json
import logging
import re
import shutil
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
NODE = BASE / "node_modules"
TARGET = BASE / "build" / "static" / "vendor"
ASSETS = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap.min.css",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap.bundle.min.js",
    "chart.js/dist/chart.umd.min.js": "chart.umd.min.js",
}
ICONS_DIR = "bootstrap-icons/font"
ICONS_CSS = "bootstrap-icons/icons.css"  # under vendor/; base.html loads it
ICONS_FONT = "bootstrap-icons/icons.woff2"
# Where the pages name icons: templates, scripts and Python (menus) of the project's apps.
ICON_SOURCES = ("apps", "shaodian")
ICON_SUFFIXES = {".html", ".js", ".py"}
SOURCE_MAP = re.compile(r"\n?/[/*]# sourceMappingURL=\S+(?: \*/)?\s*$")


def icons_used(known: set[str], roots=ICON_SOURCES) -> set[str]:
    """Icon names in the sources: a `bi-<name>` class, or a quoted string that is an icon's
    name (`MenuEntry(…, "people")`, `icon="grid-3x3-gap"`). Tests are not pages."""
    used: set[str] = set()
    pattern = re.compile(r"""\bbi-([a-z0-9-]+)|["']([a-z0-9-]+)["']""")
    for root in roots:
        for path in sorted((BASE / root).rglob("*")):
            if path.suffix not in ICON_SUFFIXES or "tests" in path.relative_to(BASE).parts:
                continue
            for cls, quoted in pattern.findall(path.read_text(encoding="utf-8")):
                name = cls or quoted
                if name in known:
                    used.add(name)
    return used


def build_icons(target: Path) -> int:
    """The icon font cut down to the icons used, and its stylesheet; returns their number."""
    from fontTools import subset

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # its notes on the font's tables

    codepoints = json.loads((NODE / ICONS_DIR / "bootstrap-icons.json").read_text())
    names = sorted(icons_used(set(codepoints)))
    css = (NODE / ICONS_DIR / "bootstrap-icons.min.css").read_text(encoding="utf-8")
    notice = re.match(r"/\*!.*?\*/", css, re.S).group(0)  # the licence's copyright notice
    base_rule = re.search(r"\.bi::before,[^{]*\{[^}]*\}", css).group(0)

    options = subset.Options()
    options.flavor = "woff2"
    font = subset.load_font(NODE / ICONS_DIR / "fonts" / "bootstrap-icons.woff", options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[codepoints[n] for n in names])
    subsetter.subset(font)
    (target / ICONS_FONT).parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, target / ICONS_FONT, options)

    font_url = Path(ICONS_FONT).name  # beside the stylesheet
    rules = [
        notice,
        "/* cut down by shaodian/assets.py to the icons the pages use */",
        "@font-face{font-display:block;font-family:bootstrap-icons;"
        f'src:url("{font_url}") format("woff2")}}',
        base_rule,
        *(f'.bi-{n}::before{{content:"\\{codepoints[n]:x}"}}' for n in names),
    ]
    (target / ICONS_CSS).write_text("\n".join(rules) + "\n", encoding="utf-8")
    return len(names)


def main() -> int:
    missing = [s for s in [*ASSETS, ICONS_DIR] if not (NODE / s).exists()]
    if missing:
        print(f"missing {NODE / missing[0]}: run `npm ci` first", file=sys.stderr)
        return 1
    shutil.rmtree(TARGET, ignore_errors=True)  # nothing stale is collected
    TARGET.mkdir(parents=True)
    for source, name in ASSETS.items():
        text = (NODE / source).read_text(encoding="utf-8")
        (TARGET / name).write_text(SOURCE_MAP.sub("\n", text), encoding="utf-8")
    icons = build_icons(TARGET)
    print(f"assets: {len(ASSETS)} files and {icons} icons in {TARGET.relative_to(BASE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
