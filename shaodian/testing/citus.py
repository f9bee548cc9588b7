"""Citus rule 2 in tests: a set-based INSERT … SELECT that reads a table, into a table whose
id the database generates, must give the id itself (apps.core.db.insert_select / IdPool).

`violation` reads one statement; the root conftest runs it on every statement of a test on
PostgreSQL (an execute wrapper), and tests/test_citus_inserts.py on every INSERT … SELECT
written in the source.
"""

import re
from functools import cache

from django.db import connection

# A row source computed from the statement's parameters (Django's bulk_create on PostgreSQL
# is INSERT … SELECT * FROM UNNEST(…)) is evaluated on the Citus coordinator like VALUES:
# only a SELECT that reads a table is pushed to the workers, where no sequence is.
READS_TABLE = re.compile(r"\b(?:FROM|JOIN)\s+(?!\(|(?:unnest|json_to_recordset|"
                         r"jsonb_to_recordset|generate_series)\s*\()", re.IGNORECASE)
INSERT = re.compile(r"\bINSERT\s+INTO\s+\"?(?P<table>[\w.]+)\"?\s*\((?P<columns>[^)]*)\)"
                    r"\s*(?P<source>\(?\s*(?:SELECT|WITH)\b)", re.IGNORECASE)


@cache
def generated_columns() -> dict[str, str]:
    """table → its column filled by the database (identity or a sequence default)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = ANY(current_schemas(false)) "
            "AND (is_identity = 'YES' OR column_default LIKE 'nextval(%%')")
        return dict(cursor.fetchall())


def violation(sql: str, generated: dict[str, str]) -> str | None:
    """Why `sql` breaks the rule, or None."""
    found = INSERT.search(sql)
    if not found or not READS_TABLE.search(sql, found.end()):
        return None
    table = found["table"].split(".")[-1]
    column = generated.get(table)
    named = {c.strip().strip('"') for c in found["columns"].split(",")}
    if column and column not in named:
        return (f"INSERT INTO {table} … SELECT without {column}: draw the ids first "
                f"(apps.core.db.insert_select or IdPool): {' '.join(sql.split())[:200]}")
    return None
