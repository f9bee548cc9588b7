import pytest
from django.core.management import call_command


@pytest.fixture
def regions(db):
    """Every GB/T 2260 region, as `make demo` loads them."""
    call_command("load_regions", verbosity=0)


@pytest.fixture
def province(regions):
    """A generated 600-person Henan province (seed 7)."""
    from apps.demo.services import province_generate

    return province_generate(province_code="410000", persons=600, seed=7)
