"""DATABASE_SCHEMA (SHAODIAN_DATABASE_SCHEMA): one province's deployment in its own
PostgreSQL schema. `migrate` creates the schema and every table in it; the application
then works through the connection's search_path. Run in a scratch database, by the
commands a deployment runs."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = "province_41"

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="search_path: PostgreSQL"),
]


def _url(name: str) -> str:
    params = connection.settings_dict
    user = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return f"postgres://{user}@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}/{name}"


def _manage(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "SHAODIAN_DATABASE_SCHEMA": SCHEMA}
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def scratch():
    """A database of its own, made and dropped from the server's maintenance database."""
    import psycopg

    name = f"shaodian_schema_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_url("postgres"), autocommit=True) as server:
        server.execute(f"CREATE DATABASE {name}")
        try:
            yield _url(name)
        finally:
            server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_it_migrates_into_the_named_schema_and_works_there(scratch):
    _manage(scratch, "migrate", "--no-input", "-v", "0")
    tables = _manage(scratch, "shell", "-c", (
        "from django.conf import settings\n"
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "c.execute(\"SELECT table_schema, count(*) FROM information_schema.tables "
        "WHERE table_schema IN ('public', %s) GROUP BY 1 ORDER BY 1\", "
        "[settings.DATABASE_SCHEMA])\n"
        "print(c.fetchall())\n"
        "from apps.regions.models import Region\n"
        "Region.objects.get_or_create(code='990000', defaults={'name': 'x', 'level': 'province'})\n"
        "print(Region.objects.filter(code='990000').count())\n"
        "c.execute('SHOW search_path'); print(c.fetchone()[0])\n"))
    counts, found, path = tables.strip().splitlines()[-3:]
    assert counts.startswith(f"[('{SCHEMA}', ") and "public" not in counts
    assert int(counts.split(", ")[1].rstrip(")]")) > 100
    assert found == "1"
    assert path == f"{SCHEMA},public"
