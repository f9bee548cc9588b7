"""The suite serves static files as production does: collected, with hashed names from the
manifest (settings.STORAGES). `make assets` collects them; a test run that follows a change
to a static file collects again first, so no test renders a page from a stale manifest."""

from pathlib import Path

IGNORED = ["CVS", ".*", "*~"]  # collectstatic's own default ignore patterns


def collect_static_if_stale() -> bool:
    """Run collectstatic when a source static file is newer than the manifest (or there is
    none); returns whether it ran."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    collected = manifest.stat().st_mtime if manifest.exists() else 0.0
    newest = max(
        (Path(storage.path(path)).stat().st_mtime
         for finder in finders.get_finders() for path, storage in finder.list(IGNORED)),
        default=0.0,
    )
    if newest < collected:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    return True
