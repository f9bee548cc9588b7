import pytest


@pytest.fixture
def world(db):
    """The test province with a persona for every role (apps/core/testing/world.py)."""
    from apps.core.testing.world import build_world

    return build_world()
