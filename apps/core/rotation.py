"""Rewriting stored ciphertexts (and the keyed hashes beside them) under the current keys.

Each app that stores `core.crypto` ciphertexts registers its columns at start-up
(`register("people.Person", "doc_cipher", hash_field="doc_hash")`), historical tables too;
`manage.py rotate_keys` walks them. A row needs rotating when its ciphertext does not start
with `crypto.current_header()`, so a finished row is never touched again and a killed run
resumes where it stopped. A batch is claimed, rewritten and committed in one transaction:
on PostgreSQL with `FOR NO KEY UPDATE SKIP LOCKED`, so two runs share the rows and the
site's writes wait at most one batch (foreign keys to the rows are not blocked).
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import BinaryField, Q, Value
from django.db.models.functions import Substr

from apps.core import crypto


@dataclass(frozen=True)
class Target:
    label: str  # "app_label.Model"
    cipher_field: str
    hash_field: str | None = None  # holds crypto.keyed_hash(plaintext)
    context: bytes = b""

    @property
    def model(self):
        return apps.get_model(self.label)


_TARGETS: dict[tuple[str, str], Target] = {}


def register(label: str, cipher_field: str, *, hash_field: str | None = None,
             context: bytes = b"") -> None:
    _TARGETS[(label, cipher_field)] = Target(label, cipher_field, hash_field, context)


def targets() -> list[Target]:
    return list(_TARGETS.values())


def pending(target: Target):
    """The target's rows whose ciphertext is not under the current keys."""
    field = target.cipher_field
    head = Substr(field, 1, crypto.HEADER_BYTES, output_field=BinaryField())
    current = Value(crypto.current_header(), output_field=BinaryField())
    empty = Q(**{f"{field}__isnull": True}) | Q(**{field: b""})
    return (target.model._base_manager.exclude(empty)
            .alias(_head=head).exclude(_head=current))


def rotate_batch(target: Target, *, after, size: int) -> tuple[int, object]:
    """Rotate up to `size` pending rows with a primary key above `after`, in one
    transaction; returns (rows rotated, last primary key seen, or None when none are left)."""
    model, field = target.model, target.cipher_field
    with transaction.atomic():
        query = pending(target).order_by("pk")
        if after is not None:
            query = query.filter(pk__gt=after)
        rows = list(query.select_for_update(skip_locked=True, no_key=True, of=("self",))
                    .values_list("pk", field)[:size])
        if not rows:
            return 0, None
        updated = [model(pk=pk, **_resealed(target, cipher)) for pk, cipher in rows]
        fields = [field] + ([target.hash_field] if target.hash_field else [])
        model._base_manager.bulk_update(updated, fields, batch_size=size)
    return len(rows), rows[-1][0]


def _resealed(target: Target, cipher) -> dict:
    plain = crypto.decrypt_bytes(cipher, context=target.context)
    values = {target.cipher_field: crypto.encrypt_bytes(plain, context=target.context)}
    if target.hash_field:
        values[target.hash_field] = crypto.keyed_hash(plain.decode())
    return values
