"""The province's first account, made at the command line on an empty installation: the
root bureau and its admin, who then sets up the rest through the pages."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.access.models import RoleAssignment, User
from apps.access.roles import Role
from apps.orgs import services
from apps.orgs.models import Bureau
from apps.orgs.services.bootstrap import province_bootstrap
from apps.orgs.tests.test_services import reasons
from apps.regions.tests.conftest import regions  # noqa: F401

pytestmark = pytest.mark.django_db
PASSWORD = "Henan-2026-first"


def bootstrap(**kwargs):
    args = {"region_code": "410000", "name": "河南省教育厅", "username": "ha-admin",
            "password": PASSWORD} | kwargs
    return province_bootstrap(**args)


def test_it_creates_the_root_bureau_and_its_admin(regions):  # noqa: F811
    done = bootstrap()
    assert done.created
    assert (done.bureau.level, done.bureau.region_id, done.bureau.parent_id) == (
        "province", "410000", None)
    assert done.admin.check_password(PASSWORD) and not done.admin.is_superuser
    role = RoleAssignment.objects.get(user=done.admin)
    assert (role.role, role.bureau, role.province_code) == (Role.PROVINCE_ADMIN, done.bureau,
                                                            "410000")
    assert done.bureau.history.get().history_user == done.admin


def test_it_lets_the_first_admin_create_a_city_bureau_without_the_django_admin(regions):  # noqa: F811
    done = bootstrap()
    city = services.bureau_create(actor=done.admin, name="郑州市教育局", level="city",
                                  region_code="410100", parent=done.bureau)
    assert city.parent == done.bureau


def test_it_changes_nothing_when_run_again_the_same_way(regions):  # noqa: F811
    first = bootstrap()
    again = bootstrap(password="another-unused-one")
    assert not again.created and again.bureau == first.bureau and again.admin == first.admin
    assert again.admin.check_password(PASSWORD)
    assert (Bureau.objects.count(), User.objects.count()) == (1, 1)


@pytest.mark.parametrize(("kwargs", "field", "reason"), [
    ({"region_code": "410100"}, "region_code", "already_set_up"),
    ({"username": "someone-else"}, "username", "already_set_up"),
])
def test_it_refuses_a_second_province_or_admin(regions, kwargs, field, reason):  # noqa: F811
    bootstrap()
    assert reasons(bootstrap, **kwargs) == {field: reason}


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"region_code": "999999"}, {"region_code": "unknown_region"}),
    ({"region_code": "410100"}, {"region_code": "not_a_province"}),
    ({"name": " ", "username": ""}, {"name": "required", "username": "required"}),
    ({"password": "123"}, {"password": "weak_password"}),
])
def test_it_names_every_bad_field_and_writes_nothing(regions, kwargs, expected):  # noqa: F811
    assert reasons(bootstrap, **kwargs) == expected
    assert (Bureau.objects.count(), User.objects.count()) == (0, 0)


def test_it_runs_from_the_command_line_with_the_password_in_the_environment(
        regions, monkeypatch, capsys):  # noqa: F811
    monkeypatch.setenv("SHAODIAN_BOOTSTRAP_PASSWORD", PASSWORD)
    call_command("bootstrap_province", region="410000", name="河南省教育厅",
                 username="ha-admin")
    assert "河南省教育厅" in capsys.readouterr().out
    assert User.objects.get(username="ha-admin").check_password(PASSWORD)


def test_it_refuses_at_the_command_line_naming_the_field(regions, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SHAODIAN_BOOTSTRAP_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="region_code"):
        call_command("bootstrap_province", region="410100", name="x", username="ha-admin")
    assert not Bureau.objects.exists()


def test_it_asks_for_the_password_when_none_is_given_and_no_terminal_is_there(
        regions, monkeypatch):  # noqa: F811
    monkeypatch.delenv("SHAODIAN_BOOTSTRAP_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="SHAODIAN_BOOTSTRAP_PASSWORD"):
        call_command("bootstrap_province", region="410000", name="x", username="ha-admin")
