"""`manage.py recompute_statuses [--school ID ...] [--all] [--expiring]`: recompute stored
statuses now (after a policy change, a restore, or from cron for the daily sweep)."""

from django.core.management.base import BaseCommand, CommandError

from apps.status.services import status_recompute_expiring, status_recompute_schools


class Command(BaseCommand):
    help = "Recompute persons' statuses: of some schools, of every school, or those expiring"

    def add_arguments(self, parser):
        parser.add_argument("--school", type=int, action="append", dest="schools",
                            help="a school id (repeatable)")
        parser.add_argument("--all", action="store_true", help="every active person")
        parser.add_argument("--expiring", action="store_true",
                            help="statuses whose end date passed or whose next action fell due")

    def handle(self, *args, schools=None, all=False, expiring=False, **options):
        if sum([bool(schools), all, expiring]) != 1:
            raise CommandError("Give exactly one of --school ID, --all or --expiring.")
        if expiring:
            count = status_recompute_expiring()
        else:
            count = status_recompute_schools(school_ids=None if all else schools)
        self.stdout.write(f"recomputed {count} persons")
