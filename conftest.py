import pytest


@pytest.fixture
def world(db):
    """The test province with a persona for every role (apps/core/testing/world.py)."""
    from apps.core.testing.world import build_world

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
    """API tokens are cached per process (apps.access.tokens); a test starts without any."""
    from apps.access.tokens import forget_tokens

    forget_tokens()
    yield
    forget_tokens()
