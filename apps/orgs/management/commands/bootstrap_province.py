"""Set up the province's first account: the province department (the root bureau) and its
admin. Run once, after `migrate` and `load_regions`; a re-run with the same province and
username changes nothing. The password comes from an environment variable or a prompt,
never from the command line (where `ps` and shell history would keep it)."""

import getpass
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import ValidationFailed
from apps.orgs.services.bootstrap import province_bootstrap


class Command(BaseCommand):
    help = "Create the province department and its admin account (the only account made here)."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="GB/T 2260 code of the province")
        parser.add_argument("--name", required=True, help="the department's name")
        parser.add_argument("--username", required=True)
        parser.add_argument("--password-env", default="SHAODIAN_BOOTSTRAP_PASSWORD",
                            help="environment variable holding the password "
                                 "(default SHAODIAN_BOOTSTRAP_PASSWORD); prompted if unset")

    def handle(self, *args, region, name, username, password_env, **options):
        try:
            done = province_bootstrap(region_code=region, name=name, username=username,
                                      password=self._password(password_env))
        except ValidationFailed as failed:
            raise CommandError("; ".join(f"{e.field}: {e.message} ({e.reason})"
                                         for e in failed.errors)) from None
        if done.created:
            self.stdout.write(f"Created {done.bureau.name} ({done.bureau.region_id}) and its "
                              f"admin {done.admin.username}.")
        else:
            self.stdout.write(f"{done.bureau.name} is already set up; nothing changed.")

    def _password(self, variable: str) -> str:
        if os.environ.get(variable):
            return os.environ[variable]
        if not sys.stdin.isatty():
            raise CommandError(f"password: set {variable} or run at a terminal")
        first, second = getpass.getpass("Password: "), getpass.getpass("Again: ")
        if first != second:
            raise CommandError("password: the two entries differ")
        return first
