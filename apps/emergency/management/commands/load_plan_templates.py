"""manage.py load_plan_templates: store the shipped emergency plan templates (one per school
kind); a template whose file entry changed becomes a new version. Running it again changes
nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import ValidationFailed
from apps.emergency.plan_versions import TEMPLATES_FILE, plan_templates_load


class Command(BaseCommand):
    help = "Load the emergency plan templates (apps/emergency/data/plan_templates.yaml)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(TEMPLATES_FILE), help="templates YAML file")

    def handle(self, *args, file, verbosity, **options):
        try:
            result = plan_templates_load(Path(file))
        except (ValidationFailed, OSError) as exc:
            raise CommandError(str(exc)) from exc
        new = sorted(kind for kind, (_version, created) in result.items() if created)
        if verbosity:
            for kind, (version, created) in sorted(result.items()):
                self.stdout.write(f"  {kind:<13} v{version}{'  (new)' if created else ''}")
            self.stdout.write(f"Plan templates: {len(new)} new version(s), "
                              f"{len(result) - len(new)} unchanged.")
