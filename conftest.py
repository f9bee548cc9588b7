import os

import pytest
import time_machine

from shaodian.testing.clock import suite_now

# The suite's clock (shaodian/testing/clock.py) runs from before any other conftest or test
# module is imported, so a module's `TODAY = timezone.localdate()` is the suite's day too.
_SUITE_CLOCK = time_machine.travel(suite_now(), tick=True)
_SUITE_CLOCK.start()


@pytest.fixture(scope="session", autouse=True)
def _static_files_collected():
    """Pages name their static files by the hashed names of collectstatic's manifest, as in
    production (shaodian/testing/static.py): collected again first if a file changed."""
    from shaodian.testing.static import collect_static_if_stale

    collect_static_if_stale()


@pytest.fixture(autouse=True, scope="session")
def _supervision_photos_dir(tmp_path_factory):
    """Inspection photos uploaded by any test (scope data, browser tests), and workbooks the
    worker writes, land in a directory of the run, never in the data directory."""
    from django.conf import settings

    settings.SUPERVISION_FILES_DIR = tmp_path_factory.mktemp("supervision")
    settings.PARCELS_FILES_DIR = tmp_path_factory.mktemp("parcels")
    settings.EXPORT_FILES_DIR = tmp_path_factory.mktemp("exports")


@pytest.fixture(autouse=True, scope="session")
def _reads_on_primary():
    """With DATABASE_REPLICA_URL set (the PostgreSQL run), reads stay on the primary: a
    test's own transaction is invisible to a real standby. tests/core/test_replica.py
    turns replica reads on (apps/core/routers.py)."""
    from django.conf import settings

    settings.REPLICA_READS = False
    os.environ["SHAODIAN_REPLICA_READS"] = "0"  # the servers and workers tests start too


@pytest.fixture
def on_postgresql():
    """Skips a test on SQLite: what it proves (partitions, EXPLAIN plans) is PostgreSQL's."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("partitions are PostgreSQL's; SQLite keeps plain tables")


@pytest.fixture
def world(db):
    """The test province with a persona for every role (shaodian/testing/world.py)."""
    from shaodian.testing.world import build_world

    return build_world()


@pytest.fixture
def henan(world):
    """The test province runs the 2022 directive's pack (two triggers, trace-back, key
    population rules) instead of the routine default."""
    from apps.policy.models import ProvincePolicy
    from apps.policy.selectors import pack_get

    pack = pack_get("henan-2022")
    ProvincePolicy.objects.create(province_code="410000", pack_id=pack.id,
                                  pack_version=str(pack.version), reason="test")
    return world


@pytest.fixture(autouse=True)
def _forget_cached_tokens():
    """API tokens are cached per process (apps.access.tokens), and their last use is written
    later (apps.access.services); a test starts without either from the test before."""
    from apps.access.services import token_touches_discard
    from apps.access.tokens import forget_tokens

    forget_tokens()
    token_touches_discard()
    yield
    forget_tokens()
    token_touches_discard()


def pytest_unconfigure(config):
    _SUITE_CLOCK.stop()


@pytest.fixture(autouse=True)
def clock():
    """Every test starts at the suite's fixed "now", in this process and its live server's
    thread, and time flows from there; a test that needs another moment calls
    `clock.move_to(...)`."""
    with time_machine.travel(suite_now(), tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _citus_inserts(request):
    """On PostgreSQL every statement a test runs is read for Citus rule 2: a set-based
    INSERT … SELECT into a table with a generated id gives the ids (shaodian/testing/citus.py).
    Only tests that use the database; the test fails after it ran, naming the statement."""
    from django.db import connection

    if connection.vendor != "postgresql" or not (
            {"db", "transactional_db", "django_db_reset_sequences"} & set(request.fixturenames)
            or request.node.get_closest_marker("django_db")):
        yield
        return
    from shaodian.testing.citus import generated_columns, violation

    found: list[str] = []

    def read(execute, sql, params, many, context):
        if "INSERT" in sql[:2000].upper() and (why := violation(sql, generated_columns())):
            found.append(why)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(read):
        yield
    assert not found, "\n".join(found)
