import pytest


@pytest.fixture
def regions(db):
    """Every GB/T 2260 division, loaded the way `manage.py load_regions` does."""
    from apps.regions.services import regions_load

    return regions_load()
