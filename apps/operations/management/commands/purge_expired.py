"""manage.py purge_expired [--dry-run]: delete (or, where a statistic must remain,
anonymise) personal records past their keeping period now (the worker does it daily) and
print the count per kind."""

from django.core.management.base import BaseCommand

from apps.operations.retention import KINDS, retention_purge


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="count what would go, delete nothing")

    def handle(self, *args, dry_run: bool = False, **options):
        counts = retention_purge(dry_run=dry_run)
        anonymised = {kind.name for kind in KINDS if kind.anonymise}
        for kind, count in counts.items():
            verb = "anonymise" if kind in anonymised else "delete"
            verb = f"would {verb}" if dry_run else f"{verb}d"
            self.stdout.write(f"{kind}: {verb} {count}")
