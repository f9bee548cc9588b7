"""A schema editor that adds a column first and its constraints after, by name.

Citus refuses `ALTER TABLE … ADD COLUMN … CHECK|UNIQUE|REFERENCES|PRIMARY KEY` on a
distributed table, and Django's PostgreSQL editor writes every `AddField` of a positive
integer (CHECK), a unique field (UNIQUE) or a foreign key (REFERENCES) that way. Here the
column goes in bare, then:

- a CHECK is added `NOT VALID` and validated in a second statement (the zero-downtime way:
  the table is not locked for writes while existing rows are checked);
- UNIQUE / PRIMARY KEY are added as named constraints;
- a foreign key is added by the deferred `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY` that
  Django uses on backends without inline foreign keys.

The migration state is Django's own, so every migration (the project's and third-party
ones, old and new) comes out the same way. tests/test_migrations_citus.py checks the SQL
of every migration.
"""

from django.db.backends.postgresql import schema


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    # None: add_field defers the foreign key to a separate ADD CONSTRAINT statement.
    sql_create_column_inline_fk = None
    sql_validate_check = "ALTER TABLE %(table)s VALIDATE CONSTRAINT %(name)s"

    _bare_column = False

    def add_field(self, model, field):
        if field.many_to_many:
            return super().add_field(model, field)
        check = field.db_parameters(connection=self.connection)["check"]
        self._bare_column = True
        self.sql_check_constraint = ""  # add_field appends it to the column otherwise
        try:
            super().add_field(model, field)
        finally:
            self._bare_column = False
            del self.sql_check_constraint
        if check:
            self._add_check_not_valid(model, field, check)
        if field.primary_key:
            self.execute(self._create_primary_key_sql(model, field))
        elif field.unique:
            self.execute(self._create_unique_sql(model, [field]))

    def _add_check_not_valid(self, model, field, check):
        table = self.quote_name(model._meta.db_table)
        # PostgreSQL's own name for a column's CHECK, so the schema is the one an inline
        # CHECK gives; Django's hashed name when that is longer than an identifier may be.
        name = f"{model._meta.db_table}_{field.column}_check"
        if len(name) > self.connection.ops.max_name_length():
            name = self._create_index_name(model._meta.db_table, [field.column], suffix="_check")
        name = self.quote_name(name)
        self.execute(f"{self.sql_create_check} NOT VALID"
                     % {"table": table, "name": name, "check": check})
        self.execute(self.sql_validate_check % {"table": table, "name": name})

    def _iter_column_sql(self, column_db_type, params, model, field, field_db_params,
                         include_default):
        parts = super()._iter_column_sql(column_db_type, params, model, field,
                                         field_db_params, include_default)
        for part in parts:
            if self._bare_column and part in ("PRIMARY KEY", "UNIQUE"):
                continue
            yield part
