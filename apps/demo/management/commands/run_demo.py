"""manage.py run_demo: the web server and the background worker together, with the demo accounts."""

import os

from django.core.management.base import BaseCommand, CommandError

from apps.demo.accounts import demo_account_rows
from apps.demo.runner import Supervisor, child_commands, wait_for_port


class Command(BaseCommand):
    help = (
        "Run the web server (gunicorn) and the background worker; print the URL and demo accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=4, help="web server threads")

    def handle(self, *args, host, port, threads, **options):
        # The demo has no SMS gateway or mail server: its outside messages are printed by the
        # worker (the console channel) so they can be seen. The children inherit this.
        os.environ.setdefault("SHAODIAN_NOTIFY_CONSOLE", "1")
        supervisor = Supervisor(child_commands(host, port, threads))
        status = supervisor.run(on_started=lambda: self._announce(host, port))
        if status:
            raise CommandError("the web server or the worker stopped unexpectedly")
        self.stdout.write("Shaodian demo stopped.")

    def _announce(self, host: str, port: int) -> None:
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104
        if not wait_for_port(shown, port):
            self.stderr.write(f"The web server is not answering on {shown}:{port} yet.")
        rows = demo_account_rows()
        self.stdout.write(self.style.SUCCESS(f"\nShaodian is running at http://{shown}:{port}/"))
        if rows:
            width = max(len(r.username) for r in rows)
            self.stdout.write(f"\n{'username':<{width}}  {'password':<14}  role / scope")
            for r in rows:
                self.stdout.write(f"{r.username:<{width}}  {r.password:<14}  {r.role} · {r.scope}")
        else:
            self.stdout.write("No demo accounts: run `manage.py generate_province --demo` first.")
        self.stdout.write("\nPress Ctrl-C to stop the web server and the worker.\n")
        self.stdout.flush()
