"""manage.py generate_province: a synthetic province of any size (see apps/demo/services.py)."""

from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import ValidationFailed
from apps.demo.accounts import demo_account_rows, demo_accounts_create
from apps.demo.progress import ProgressBar
from apps.demo.services import province_generate, province_regions
from apps.people.models import Person

DEFAULT_PERSONS = 3000


class Command(BaseCommand):
    help = "Generate a synthetic province: bureaus, schools, hospitals, classes, people, guardians."

    def add_arguments(self, parser):
        parser.add_argument(
            "--persons",
            type=int,
            default=DEFAULT_PERSONS,
            help=f"students and staff to generate (default {DEFAULT_PERSONS})",
        )
        parser.add_argument(
            "--schools", type=int, default=None,
            help="how many schools (default: one per 550 persons; Henan has about 51,000)",
        )
        parser.add_argument(
            "--province", default="410000", help="GB/T 2260 province code (default 410000 Henan)"
        )
        parser.add_argument(
            "--seed", type=int, default=2022, help="random seed: same seed, same province"
        )
        parser.add_argument(
            "--demo", action="store_true", help="also create one demo account for every role"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when people already exist"
        )

    def handle(self, *args, persons, schools, province, seed, demo, if_empty, verbosity,
               **options):
        if if_empty and Person.objects.exists():
            self.stdout.write("People already exist; nothing generated (--if-empty).")
            return
        bar = ProgressBar("persons", stream=self.stderr._out) if verbosity > 0 else None
        try:
            result = province_generate(
                province_code=province, persons=persons, seed=seed, progress=bar,
                schools=schools,
            )
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
        rate = result.total_rows / result.seconds if result.seconds else 0
        self.stdout.write(
            f"Generated {result.persons:,} persons in {result.schools:,} schools: "
            f"{result.total_rows:,} rows in {result.seconds:.1f} s ({rate:,.0f} rows/s)."
        )
        self.stdout.write(
            "  " + ", ".join(f"{name} {count:,}" for name, count in result.rows.items())
        )
        if demo:
            demo_accounts_create(county_code=province_regions(province).demo_county.code)
            for row in demo_account_rows():
                self.stdout.write(f"  {row.username:<14} {row.password}  {row.role} · {row.scope}")
