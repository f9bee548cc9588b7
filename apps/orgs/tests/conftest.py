import pytest

from apps.regions.tests.conftest import regions  # noqa: F401  (the full GB/T 2260 table)


@pytest.fixture
def w(regions, world):  # noqa: F811
    """The test province on top of every real region (so any code can be used)."""
    return world
