"""Citus rule 2: a set-based INSERT … SELECT that reads a table, into a table whose id the
database generates, gives the ids itself (apps.core.db.insert_select, IdPool).

Two halves: on PostgreSQL every statement a test runs is read by the root conftest
(shaodian/testing/citus.py); here every INSERT INTO written in the project's source is found
and must name its id column, go through insert_select / IdPool, select from parameters only,
or write a table without a generated id. PENDING lists the statements not brought under the
rule yet: the test fails when one is fixed and not taken off, or when a new one appears.
"""

import ast
import importlib
import re
from pathlib import Path

import pytest
from django.db import connection

from shaodian.testing.citus import READS_TABLE, generated_columns

ROOT = Path(__file__).resolve().parent.parent
SITE = re.compile(r"\bINSERT\s+INTO\s+(?P<table>\S+)\s*\((?P<columns>[^)]*)\)\s*"
                  r"(?P<rest>(?:\(?\s*SELECT\b|WITH\b|$).*)", re.IGNORECASE | re.DOTALL)
DRAWS_IDS = re.compile(r"\binsert_select\(|\bIdPool\(")
# module:function → the table: INSERT … SELECT from tables without ids drawn first (yet).
PENDING: dict[str, str] = {}


def _sources():
    for folder in ("apps", "shaodian"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "tests" not in path.parts and "migrations" not in path.parts:
                yield path


def _functions(tree):
    """node → the name of the function around it (`<module>` at the top)."""
    around = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                around.setdefault(inner, node)
    return around


def _table(name: str, module: str) -> str:
    """The table a placeholder such as {T_ROUND} names, when the module can tell."""
    name = name.strip('"')
    if not name.startswith("{"):
        return name
    try:
        value = eval(name.strip("{}"), vars(importlib.import_module(module)))  # noqa: S307
    except Exception:  # noqa: BLE001 (a local name: not known here)
        return name
    return str(value).strip('"')


def sites():
    """(site, table, columns, rest, function source) for every INSERT INTO … in the source."""
    for path in _sources():
        text = path.read_text()
        tree = ast.parse(text)
        around = _functions(tree)
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        parts = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                 for part in node.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                literal = "".join(part.value if isinstance(part, ast.Constant)
                                  else "{" + ast.unparse(part.value) + "}"
                                  for part in node.values)
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in parts):
                literal = node.value
            else:
                continue
            for found in SITE.finditer(literal):
                function = around.get(node)
                name = function.name if function else "<module>"
                body = ast.get_source_segment(text, function) if function else text
                if function and re.search(  # built here, run by insert_select elsewhere
                        rf"insert_select\([^\n]*(?:\n[^\n]*)?\b{function.name}\(", text):
                    body += "\ninsert_select("
                yield (f"{path.relative_to(ROOT)}:{name}", _table(found["table"], module),
                       found["columns"], found["rest"], body)


def _breaks(table, columns, rest, body, generated, tables) -> bool:
    if table in tables and table not in generated:
        return False  # a table without a generated id
    if re.search(rf"\b{generated.get(table, 'id')}\b", columns):
        return False  # names its id column
    if rest and not READS_TABLE.search(rest):
        return False  # selects from parameters only (unnest, json_to_recordset)
    return not DRAWS_IDS.search(body)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="which ids the database generates: PostgreSQL's catalogue")
def test_it_draws_the_ids_of_every_insert_select_in_the_source():
    generated = generated_columns()
    tables = set(connection.introspection.table_names())
    found = list(sites())
    assert len(found) > 10
    breaking = {site: table for site, table, columns, rest, body in found
                if _breaks(table, columns, rest, body, generated, tables)}
    assert breaking == PENDING, (
        "INSERT … SELECT into a table with a generated id, without the ids: draw them "
        "first (apps.core.db.insert_select or IdPool), or take a fixed one off PENDING")


def test_it_finds_the_statements_written_across_strings():
    found = {site for site, *_rest in sites()}
    assert "apps/emergency/triggers.py:_trace_hits" in found
    assert "apps/emergency/triggers.py:<module>" in found  # _DELIVERY, completed elsewhere


def test_it_reads_a_statement_for_the_rule():
    from shaodian.testing.citus import violation

    generated = {"followups_followup": "id", "people_schoolheadcount": None}
    joined = ("INSERT INTO followups_followup (school_id, person_id) SELECT h.school_id, "
              "h.person_id FROM emergency_tracehit h JOIN people_person p ON p.id = h.person_id")
    assert "without id" in violation(joined, generated)
    assert violation(joined.replace("(school_id,", "(id, school_id,"), generated) is None
    unnested = ('INSERT INTO "followups_followup" ("school_id", "person_id") '
                "SELECT * FROM UNNEST((%s)::bigint[], (%s)::bigint[])")
    assert violation(unnested, generated) is None
    assert violation("INSERT INTO followups_followup (school_id) VALUES (1)", generated) is None
