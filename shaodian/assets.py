"""Copy the front-end files the pages load from node_modules (installed from the npm
registry by `make assets`) into build/static/vendor, where Django's static finder serves
them. Nothing third-party is committed; nothing is loaded from a CDN."""

import shutil
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
ASSETS = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap.min.css",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap.bundle.min.js",
    "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
    **{
        f"bootstrap-icons/font/fonts/{font}": f"bootstrap-icons/fonts/{font}"
        for font in ("bootstrap-icons.woff2", "bootstrap-icons.woff")
    },
    "chart.js/dist/chart.umd.min.js": "chart.umd.min.js",
}


def main() -> int:
    target = BASE / "build" / "static" / "vendor"
    for source, name in ASSETS.items():
        src = BASE / "node_modules" / source
        if not src.exists():
            print(f"missing {src}: run `npm ci` first", file=sys.stderr)
            return 1
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    print(f"assets: {len(ASSETS)} files in {target.relative_to(BASE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
