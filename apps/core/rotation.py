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
from django.db import connection, transaction
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
    field = target.cipher_field
    with transaction.atomic():
        query = pending(target).order_by("pk")
        if after is not None:
            query = query.filter(pk__gt=after)
        rows = list(query.select_for_update(skip_locked=True, no_key=True, of=("self",))
                    .values_list("pk", field)[:size])
        if not rows:
            return 0, None
        _write(target, [(pk, *_resealed(target, cipher)) for pk, cipher in rows])
    return len(rows), rows[-1][0]


def _write(target: Target, rows: list[tuple]) -> None:
    """(pk, ciphertext[, hash]) rows written back: one UPDATE from arrays on PostgreSQL
    (bulk_update's CASE costs a comparison per row and case), bulk_update elsewhere."""
    model = target.model
    fields = [target.cipher_field] + ([target.hash_field] if target.hash_field else [])
    if connection.vendor != "postgresql":
        updated = [model(pk=row[0], **dict(zip(fields, row[1:], strict=True))) for row in rows]
        model._base_manager.bulk_update(updated, fields, batch_size=len(rows))
        return
    meta, name = model._meta, connection.ops.quote_name
    columns = [meta.get_field(f).column for f in fields]
    sets = ", ".join(f"{name(c)} = v.c{i}" for i, c in enumerate(columns))
    arrays = ", ".join(["%s::bigint[]", "%s::bytea[]", "%s::text[]"][:1 + len(fields)])
    names = ", ".join(["id"] + [f"c{i}" for i in range(len(fields))])
    sql = (f"UPDATE {name(meta.db_table)} AS t SET {sets} "  # noqa: S608 (names only)
           f"FROM unnest({arrays}) AS v({names}) WHERE t.{name(meta.pk.column)} = v.id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])


def _resealed(target: Target, cipher) -> tuple:
    plain = crypto.decrypt_bytes(cipher, context=target.context)
    sealed = crypto.encrypt_bytes(plain, context=target.context)
    return (sealed, crypto.keyed_hash(plain.decode())) if target.hash_field else (sealed,)
