"""Citus rule 1: no migration adds a column together with a constraint.

Citus refuses `ALTER TABLE … ADD COLUMN … CHECK|UNIQUE|REFERENCES|PRIMARY KEY` on a
distributed table, and a 30-million-row table needs the constraint added `NOT VALID` and
validated afterwards anyway. The project's PostgreSQL backend (apps/core/postgresql) writes
every AddField that way; this test reads the SQL of every migration (the project's and
third-party ones, as `sqlmigrate` prints it) and fails on any statement that does not.
"""

import re

import pytest
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor

from apps.regions.models import Region

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the SQL checked is PostgreSQL's (SQLite rebuilds tables)"),
]

INLINE = re.compile(r"\bADD\s+COLUMN\b[^;]*?\b(CHECK|UNIQUE|REFERENCES|PRIMARY\s+KEY)\b",
                    re.IGNORECASE | re.DOTALL)
HOW = ("add the column bare and the constraint in its own statement, by name: AddField "
       "does this on the project's backend (apps/core/postgresql); RunSQL must do the same "
       "(ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT)")


def _migration_sql():
    """(app.migration, statement) for every forward migration, from an empty database."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    state = None
    for migration, _backwards in plan:
        with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
            if state is None:
                state = executor.loader.project_state(
                    (migration.app_label, migration.name), at_end=False)
            state = migration.apply(state, editor, collect_sql=True)
        for statement in editor.collected_sql:
            yield f"{migration.app_label}.{migration.name}", statement


def inline_constraints(statements) -> list[str]:
    return [f"{name}: {statement.strip()[:300]}" for name, statement in statements
            if INLINE.search(statement)]


def test_it_adds_no_column_with_a_constraint_in_any_migration():
    statements = list(_migration_sql())
    assert len({name for name, _sql in statements}) > 50
    offending = inline_constraints(statements)
    assert not offending, HOW + ":\n" + "\n".join(offending)


def test_it_recognises_an_inline_constraint():
    sql = 'ALTER TABLE "t" ADD COLUMN "n" integer DEFAULT 0 NOT NULL CHECK ("n" >= 0);'
    assert inline_constraints([("app.0002", sql)]) == [f"app.0002: {sql}"]
    assert not inline_constraints([("app.0002", 'ALTER TABLE "t" ADD COLUMN "n" integer;')])


def _added(field) -> str:
    model = connection.introspection.installed_models(["orgs_school"]).pop()
    field.set_attributes_from_name("extra")
    field.model = model
    with connection.schema_editor(collect_sql=True) as editor:
        editor.add_field(model, field)
    return editor.collected_sql


@pytest.mark.parametrize("field", [
    models.PositiveIntegerField(default=0),
    models.CharField(max_length=8, unique=True, null=True),
    models.ForeignKey(Region, null=True, on_delete=models.PROTECT),
], ids=["check", "unique", "foreign-key"])
def test_it_adds_the_column_first_and_the_constraint_by_name(field):
    statements = _added(field)
    assert not inline_constraints([("test", sql) for sql in statements]), statements
    sql = "\n".join(statements)
    assert "ADD CONSTRAINT" in sql
    if isinstance(field, models.PositiveIntegerField):
        assert '"orgs_school_extra_check" CHECK ("extra" >= 0) NOT VALID' in sql
        assert 'VALIDATE CONSTRAINT "orgs_school_extra_check"' in sql
