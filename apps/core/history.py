"""History written set-based (django-simple-history's tables): one history row for each of
many rows, made by the database from the rows themselves (a rollover graduates hundreds of
thousands of students at once; building their history rows in Python would take minutes).

On PostgreSQL the history ids are drawn from the history table's sequence first and given
by the statement itself: Citus refuses an INSERT … SELECT whose ids the database generates
when it cannot run on one node (see IdPool)."""

from django.db import connection

from apps.core.db import IdPool

CHANGED, CREATED = "~", "+"


def history_rows_insert(rows, *, user, when, reason: str, changes: dict | None = None,
                        kind: str = CHANGED) -> int:
    """A history row per row of the queryset `rows` (of a model with `history`), as the row
    will be once `changes` (field -> value) are made, with its user, time and reason: call
    it before making the changes. Returns the number of history rows written."""
    model = rows.model
    history = model.history.model
    fields = [f for f in history._meta.concrete_fields if f.attname != "history_id"]
    source, source_params = rows.values("pk").query.sql_with_params()
    given = {"history_date": when, "history_type": kind, "history_change_reason": reason[:100],
             "history_user_id": getattr(user, "pk", user), **(changes or {})}
    quote = connection.ops.quote_name
    columns, select, params = [], [], []
    for f in fields:
        columns.append(quote(f.column))
        if f.attname in given:
            select.append("%s")
            params.append(given[f.attname])
        else:
            select.append(f"p.{quote(f.column)}")
    if connection.vendor == "postgresql":
        count = rows.count()
        if not count:
            return 0
        columns.insert(0, quote("history_id"))
        select.insert(0, "(%s::bigint[])[row_number() OVER (ORDER BY p.id)]")
        params.insert(0, IdPool(history).take_many(count))
    sql = (f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
           f"SELECT {', '.join(select)} FROM {quote(model._meta.db_table)} p "
           f"WHERE p.id IN ({source})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *source_params])
        return cursor.rowcount
