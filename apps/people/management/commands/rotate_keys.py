"""manage.py rotate_keys: rewrite every stored ciphertext and keyed hash under the current
keys, in batches, while the site runs (see apps/core/rotation.py).

Run it after making the new keys current (SHAODIAN_FIELD_KEY, SHAODIAN_HASH_KEY) with the
previous ones in SHAODIAN_FIELD_KEYS_OLD / SHAODIAN_HASH_KEYS_OLD; once it reports nothing
left, the old keys can leave the environment. It never prints a document number or a key.
"""

import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from apps.core import rotation
from apps.core.crypto import CiphertextError

BATCH = 2000


class Command(BaseCommand):
    help = "Re-encrypt and re-hash, in batches, every row not yet under the current keys."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH,
                            help=f"rows per transaction (default {BATCH})")
        parser.add_argument("--max-batches", type=int, default=None,
                            help="stop after this many batches (a later run goes on)")
        parser.add_argument("--dry-run", action="store_true",
                            help="only count the rows that would be rotated")

    def handle(self, *args, batch_size, max_batches, dry_run, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        totals = {t.label: rotation.pending(t).count() for t in rotation.targets()}
        if dry_run:
            for label, count in totals.items():
                self.stdout.write(f"{label}: {count} rows to rotate")
            self.stdout.write(f"would rotate {sum(totals.values())} rows")
            return
        started, budget, done = time.monotonic(), max_batches, {}
        for target in rotation.targets():
            done[target.label], budget = self._rotate(target, totals[target.label],
                                                      batch_size, budget)
        seconds = max(time.monotonic() - started, 1e-6)
        rotated = sum(done.values())
        left = sum(rotation.pending(t).count() for t in rotation.targets())
        self.stdout.write(f"rotated {rotated} rows in {seconds:.1f} s "
                          f"({rotated / seconds:.0f} rows/s); {left} left to rotate")

    def _rotate(self, target, total: int, size: int, budget):
        done, after = 0, None
        while total and budget != 0:
            try:
                count, after = rotation.rotate_batch(target, after=after, size=size)
            except (CiphertextError, ImproperlyConfigured) as exc:
                raise CommandError(f"{target.label}: {exc}") from None
            if not count:
                break
            done += count
            budget = None if budget is None else budget - 1
            self.stdout.write(f"{target.label}: {done}/{total} rows")
        return done, budget
