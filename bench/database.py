"""The database the benchmarks run on: DATABASE_URL when it is PostgreSQL, otherwise a
scratch database `shaodian_bench` on postgres://postgres@127.0.0.1:5432, made fresh for the
run and dropped after it."""

import os
from contextlib import contextmanager
from urllib.parse import urlsplit

SCRATCH_SERVER = "postgres://postgres@127.0.0.1:5432"
SCRATCH_NAME = "shaodian_bench"


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in ("postgres", "postgresql", "pgsql")


def _admin(command: str) -> None:
    import psycopg

    with psycopg.connect(f"{SCRATCH_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(command)


@contextmanager
def bench_database(*, keep: bool = False):
    """Yields (url, scratch): sets DATABASE_URL for Django, before it is set up."""
    url = os.environ.get("DATABASE_URL", "")
    if is_postgres(url):
        yield url, False
        return
    _admin(f'DROP DATABASE IF EXISTS "{SCRATCH_NAME}"')
    _admin(f'CREATE DATABASE "{SCRATCH_NAME}"')
    url = f"{SCRATCH_SERVER}/{SCRATCH_NAME}"
    os.environ["DATABASE_URL"] = url
    try:
        yield url, True
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            _admin(f'DROP DATABASE IF EXISTS "{SCRATCH_NAME}"')
