"""Compile the translations (locale/ and apps/*/locale/, django.po -> .mo) with Babel, so set-up
needs no gettext binaries from the system."""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

BASE = Path(__file__).resolve().parent.parent


def main() -> int:
    count = 0
    # The project's catalogue, and each app's own (apps/<app>/locale), which Django finds.
    catalogues = [*(BASE / "locale").glob("*/LC_MESSAGES/*.po"),
                  *(BASE / "apps").glob("*/locale/*/LC_MESSAGES/*.po")]
    for po_path in sorted(catalogues):
        with po_path.open("rb") as f:
            catalog = read_po(f)
        with po_path.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        count += len(catalog)
    print(f"messages: {count} strings compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
