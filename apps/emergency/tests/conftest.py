import pytest


@pytest.fixture
def henan(world):
    """The province runs the 2022 directive's pack, whose two triggers reach every school."""
    from apps.policy.models import ProvincePolicy
    from apps.policy.selectors import pack_get

    pack = pack_get("henan-2022")
    ProvincePolicy.objects.create(province_code="410000", pack_id=pack.id,
                                  pack_version=str(pack.version), reason="test")
    return world
