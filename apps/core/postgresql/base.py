"""PostgreSQL as Django's own backend, with two changes that keep the schema Citus-ready.

- Migrations never add a column together with a constraint (see `schema`).
- `prepare_database` (run by `migrate` before anything else) creates the schema named by
  `DATABASE_SCHEMA` when there is one, so one province's deployment lives in its own
  PostgreSQL schema (settings put it first on the connection's `search_path`).
"""

from django.conf import settings
from django.db.backends.postgresql import base

from .schema import DatabaseSchemaEditor


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor

    def prepare_database(self):
        super().prepare_database()
        schema = getattr(settings, "DATABASE_SCHEMA", "")
        if schema:
            with self.cursor() as cursor:
                cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {self.ops.quote_name(schema)}")
                # Extensions stay in public (on every schema's search_path): else the first
                # province migrated would hold pg_trgm's operators in its own schema.
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
