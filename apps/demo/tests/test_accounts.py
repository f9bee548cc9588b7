"""Demo accounts: one per role, each signs in and holds the role it is listed with."""

import pytest
from django.core.management import call_command
from django.test import Client

from apps.access.grants import grants_for
from apps.access.models import User
from apps.access.roles import Role
from apps.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_account_rows, demo_accounts_create
from apps.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(regions):
    call_command("generate_province", persons=500, demo=True, verbosity=0)


def test_it_lists_an_account_for_every_role():
    assert {a.role for a in DEMO_ACCOUNTS} == set(Role.values)
    assert len({a.username for a in DEMO_ACCOUNTS}) == len(DEMO_ACCOUNTS)


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_it_lets_every_demo_account_sign_in_with_its_role(demo, account):
    assert Client().login(username=account.username, password=DEMO_PASSWORD)
    user = User.objects.get(username=account.username)
    assert account.role in {g.role for g in grants_for(user)}


def test_it_scopes_the_demo_accounts_to_the_demo_county(demo):
    grants = {a.username: grants_for(User.objects.get(username=a.username)) for a in DEMO_ACCOUNTS}
    assert grants["county_bureau"][0].region_code == "410105"
    assert grants["city_bureau"][0].region_code == "410100"
    assert grants["province"][0].region_code == "410000"
    school = grants["school_admin"][0].school_ids
    teacher_class = next(g for g in grants["class_teacher"] if g.role == Role.CLASS_TEACHER)
    assert teacher_class.school_ids == school
    student = Person.objects.get(user__username="student")
    assert student.klass_id in teacher_class.klass_ids
    assert grants["guardian"][0].person_ids == (student.pk,)
    for username in ("class_teacher", "county_bureau", "school_admin", "unit_lead", "guardian"):
        user = User.objects.get(username=username)
        assert Person.objects.restrict(user, "people.view").filter(pk=student.pk).exists()


def test_it_prints_every_account_with_its_scope(demo):
    rows = demo_account_rows()
    assert [r.username for r in rows] == [a.username for a in DEMO_ACCOUNTS]
    assert all(r.password == DEMO_PASSWORD and r.scope for r in rows)


def test_it_creates_demo_accounts_only_once(demo):
    assert demo_accounts_create(county_code="410105") == []
    assert User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).count() == len(
        DEMO_ACCOUNTS
    )
