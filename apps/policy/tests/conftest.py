import pytest


@pytest.fixture
def henan(world):
    """The test province runs the henan-2022 pack (chosen by its province admin)."""
    from apps.policy.selectors import pack_get
    from apps.policy.services import policy_choose_pack

    pack = pack_get("henan-2022")
    policy_choose_pack(actor=world.users["province"], province_code="410000",
                       pack_id="henan-2022", pack_version=str(pack.version),
                       reason="2022年3月疫情防控")
    return pack


@pytest.fixture
def tighten(world):
    """Set an override as a persona: tighten("jinshui_bureau", bureau, param, value)."""
    from apps.policy.services import policy_override_set

    def _tighten(username, node, param, value, reason="加强管理"):
        return policy_override_set(actor=world.users[username], node=node, param=param,
                                   value=value, reason=reason)

    return _tighten
