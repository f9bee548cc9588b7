"""Permissions are declared by each app (apps/<app>/permissions.py) and collected into the role
table; every permission the code asks for is declared."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from apps.access.roles import PERMISSIONS, Role, collect, declared

APPS = Path(settings.BASE_DIR) / "apps"
pytestmark = pytest.mark.django_db
OURS = [name for name in settings.INSTALLED_APPS if name.startswith("apps.")]


def test_it_builds_the_role_table_from_the_apps_declarations():
    assert PERMISSIONS[Role.GATE_OFFICER] == frozenset({"gate.verdict", "risk.view",
                                                        "status.gate"})
    assert PERMISSIONS[Role.SAMPLER] == frozenset({"testing.sample", "risk.view"})
    assert PERMISSIONS[Role.HOSPITAL_LIAISON] == frozenset({
        "orgs.view", "testing.view", "testing.results", "risk.view", "absence.view",
        "emergency.view"})
    assert PERMISSIONS[Role.GUARDIAN] == frozenset({
        "people.view", "people.code", "travel.view", "travel.declare", "status.view",
        "health.checkin", "absence.view", "absence.report"})
    # A bureau sees people but does not edit rosters, so it cannot make a school admin.
    assert "people.change" not in PERMISSIONS[Role.BUREAU_ADMIN]
    assert {"policy.choose", "regions.change"} <= PERMISSIONS[Role.PROVINCE_ADMIN]
    assert {"emergency.report", "risk.change"} <= PERMISSIONS[Role.BUREAU_ADMIN]
    assert {"notifications.channels", "followups.assign"} <= PERMISSIONS[Role.SCHOOL_ADMIN]
    sizes = {str(role): len(perms) for role, perms in PERMISSIONS.items()}
    assert sizes == {"province_admin": 25, "bureau_admin": 22, "school_admin": 34,
                     "unit_lead": 12, "class_teacher": 18, "outbreak_reporter": 20,
                     "gate_officer": 3, "sampler": 2, "hospital_liaison": 6, "self": 8,
                     "guardian": 8}


def test_it_collects_the_same_table_again():
    before = dict(PERMISSIONS)
    assert collect(OURS) == before


def test_it_refuses_a_permission_declared_twice(tmp_path, monkeypatch):
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
        (tmp_path / name / "permissions.py").write_text('PERMISSIONS = {"x.do": {"self"}}\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ValueError, match="declared twice"):
        declared(["one", "two"])


def _asked_permissions() -> set[str]:
    """Every literal permission the code asks for: restrict(…, "x.y"), the rules family, and
    module constants naming one (VIEW = "emergency.view")."""
    labels = {name.split(".")[-1] for name in OURS} | {"clusters"}
    call = re.compile(r"(?:restrict|has_perm_anywhere|_granted|permits)\(\s*[\w.\[\]\"']+,"
                      r"\s*\"([a-z_]+\.[a-z_]+)\"")
    constant = re.compile(r"^[A-Z_]+ = \"([a-z_]+\.[a-z_]+)\"", re.M)
    found = set()
    for path in APPS.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text()
        found |= {p for p in call.findall(text) + constant.findall(text)
                  if p.split(".")[0] in labels}
    return found


def test_it_declares_every_permission_the_code_asks_for():
    held = set().union(*PERMISSIONS.values())
    asked = _asked_permissions()
    assert {"emergency.report", "people.view", "gate.verdict"} <= asked
    assert asked - held == set()
