"""Permissions are declared by each app (apps/<app>/permissions.py) and collected into the role
table; every permission the code asks for is declared; a task force's membership is a grant."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from apps.access.grants import TASK_FORCE, TASK_FORCE_LEAD, compute_grants, grants_for
from apps.access.roles import MEMBERSHIP_PERMISSIONS, PERMISSIONS, Role, collect, declared
from apps.access.rules import has_org_role, may, school_ids_granted
from apps.access.services import api_token_authenticate, api_token_create, user_permissions
from apps.access.services import token_touches_flush as flush_touches

APPS = Path(settings.BASE_DIR) / "apps"
pytestmark = pytest.mark.django_db
OURS = [name for name in settings.INSTALLED_APPS if name.startswith("apps.")]


def test_it_builds_the_role_table_from_the_apps_declarations():
    assert PERMISSIONS[Role.GATE_OFFICER] == frozenset({"gate.verdict", "risk.view",
                                                        "status.gate", "visitors.view"})
    assert PERMISSIONS[Role.SAMPLER] == frozenset({"testing.sample", "risk.view"})
    assert PERMISSIONS[Role.HOSPITAL_LIAISON] == frozenset({
        "orgs.view", "testing.view", "testing.results", "risk.view", "absence.view",
        "emergency.view"})
    assert PERMISSIONS[Role.GUARDIAN] == frozenset({
        "people.view", "people.code", "people.call", "travel.view", "travel.declare",
        "status.view", "health.checkin", "absence.view", "absence.report", "people.household",
        "concerns.raise", "concerns.view", "approvals.view", "isolation.view"})
    # A bureau sees people but does not edit rosters, so it cannot make a school admin.
    assert "people.change" not in PERMISSIONS[Role.BUREAU_ADMIN]
    assert {"policy.choose", "regions.change"} <= PERMISSIONS[Role.PROVINCE_ADMIN]
    assert {"emergency.report", "risk.change"} <= PERMISSIONS[Role.BUREAU_ADMIN]
    assert {"notifications.channels", "followups.assign"} <= PERMISSIONS[Role.SCHOOL_ADMIN]
    assert "supervision.inspect" in PERMISSIONS[Role.BUREAU_ADMIN]
    assert "supervision.inspect" not in PERMISSIONS[Role.SCHOOL_ADMIN]
    assert not any(p.startswith("supervision.") for p in PERMISSIONS[Role.CLASS_TEACHER])
    # Each level keeps its own part of the org tree (apps/orgs/permissions.py).
    assert {"orgs.bureaus", "orgs.schools", "orgs.hospitals"} <= PERMISSIONS[Role.PROVINCE_ADMIN]
    assert {"orgs.schools", "orgs.hospitals"} <= PERMISSIONS[Role.BUREAU_ADMIN]
    assert "orgs.bureaus" not in PERMISSIONS[Role.BUREAU_ADMIN]
    assert not {"orgs.schools", "orgs.hospitals"} & PERMISSIONS[Role.SCHOOL_ADMIN]
    sizes = {str(role): len(perms) for role, perms in PERMISSIONS.items()}
    # status.clear_mark (a regimen mark cleared by decision) goes with followups.complete
    # transfers.view (every admin) and transfers.manage (the school admin); accounts.manage
    # (the three admins); reports.view and reports.submit or reports.supervise;
    # emergency.trace_list (the three admins and the outbreak reporter: the CDC list);
    # supervision.view (the three admins), supervision.inspect (province and bureaus: the
    # inspectors) and supervision.rectify (the school admin); approvals.view (all but the
    # duty roles) with each approver level's decide and the person's own request;
    # concerns.view, with raise (the person, the guardian) and assign (the school admin);
    # supplies.view (the admins, the outbreak reporter) and manage (school admin, reporter);
    # parcels and disinfection: view (the admins, the reporter), record (school admin, reporter)
    # isolation.view (all but the duty roles), manage (the epidemic office) and care (the
    # epidemic office, the class teacher, the unit lead)
    # visitors.view (the admins, the gate), reveal_id (school admin) and host (self)
    assert sizes == {"province_admin": 45, "bureau_admin": 40, "school_admin": 62,
                     "unit_lead": 17, "class_teacher": 28, "outbreak_reporter": 35,
                     "gate_officer": 4, "sampler": 2, "hospital_liaison": 6, "self": 15,
                     "guardian": 14}


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
    call = re.compile(r"(?:restrict|has_perm_anywhere|has_org_perm|has_perm_at|may|"
                      r"school_ids_granted|may_in_region|_granted|permits)\(\s*[\w.\[\]\"']+,"
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
    held = set().union(*PERMISSIONS.values(), *MEMBERSHIP_PERMISSIONS.values())
    asked = _asked_permissions()
    assert {"emergency.report", "people.view", "gate.verdict", "emergency.plans"} <= asked
    assert asked - held == set()


def _join(world, username, *, lead=False, school="a"):
    from apps.emergency.taskforce import task_force_member_add

    task_force_member_add(actor=world.users[f"school_{school}_admin"],
                          school_id=world.schools[school].pk,
                          user_id=world.users[username].pk, duty="security", lead=lead)
    return type(world.users[username]).objects.get(pk=world.users[username].pk)


def test_it_grants_a_task_force_member_the_task_forces_permissions_on_the_school(world):
    gate = _join(world, "gate_a")
    member = [g for g in grants_for(gate) if g.role == TASK_FORCE]
    assert [(g.level, g.school_ids, g.permissions) for g in member] == [
        ("school", (world.schools["a"].pk,), frozenset({"emergency.plans", "people.call"}))]
    assert grants_for(gate)[-1] is member[0]  # after every role
    school = world.schools["a"]
    assert may(gate, "emergency.plans", type(school), school.pk)
    assert not may(gate, "emergency.lead", type(school), school.pk)
    assert not may(gate, "emergency.plans", type(school), world.schools["b"].pk)
    # Not an organisational role: no token menu, no role listed, nothing to put on a token.
    assert has_org_role(gate) == has_org_role(world.users["gate_a"])
    assert "emergency.plans" not in user_permissions(gate)
    assert school_ids_granted(gate, "emergency.view") == frozenset()


def test_it_grants_the_leader_ticking_too_and_no_organisational_role(world):
    from apps.access.models import User

    # A member of staff whose account holds no role: only their own record.
    clerk = User.objects.create_user(username="clerk", password="x-very-long-pass")
    world.persons["a_staff"].user = clerk
    world.persons["a_staff"].save()
    world.users["clerk"] = clerk
    clerk = _join(world, "clerk", lead=True)
    leader = [g for g in grants_for(clerk) if g.role == TASK_FORCE_LEAD]
    assert [g.permissions for g in leader] == [frozenset({"emergency.plans", "emergency.lead",
                                                          "people.call"})]
    assert [g.role for g in grants_for(clerk)] == [Role.SELF, TASK_FORCE_LEAD]
    assert not has_org_role(clerk)


def test_it_reads_task_force_grants_in_the_same_one_query(world, django_assert_num_queries):
    gate = _join(world, "gate_a")
    with django_assert_num_queries(1):
        grants = compute_grants(gate)
    assert {g.role for g in grants} == {Role.GATE_OFFICER, TASK_FORCE}


def test_it_keeps_a_members_task_force_grant_through_a_narrowed_token(world,
                                                                       django_assert_num_queries):
    gate = _join(world, "gate_a")
    _token, raw = api_token_create(user=gate, name="t", permissions=["gate.verdict"])
    flush_touches()
    with django_assert_num_queries(1):
        found = api_token_authenticate(raw)
    by_role = {g.role: g.permissions for g in found._shaodian_grants}
    assert by_role == {Role.GATE_OFFICER: frozenset({"gate.verdict"}),
                       TASK_FORCE: frozenset({"emergency.plans", "people.call"})}
