"""Who sees a concern: the school, the class teacher of its class, the bureaus above, the
person and their guardian; not another school, another county, a teacher of another class,
or another guardian (404 everywhere, like a concern that does not exist)."""

import pytest
from django.test import Client

from apps.access.models import User
from apps.concerns import selectors
from apps.people.models import Guardianship

from .conftest import raised

pytestmark = pytest.mark.django_db

SEE = ["school_a_admin", "teacher_a1", "jinshui_bureau", "province", "guardian_a1",
       "student_a1"]
DO_NOT_SEE = ["school_b_admin", "zhongyuan_bureau", "luoyang_bureau", "teacher_a2",
              "teacher_b1", "gate_a", "other_guardian"]


def _other_guardian(world):
    user = User.objects.create_user(username="other_guardian", password="x", display_name="刘妈妈")
    Guardianship.objects.create(school=world.schools["a"], person=world.persons["a1_student2"],
                                user=user, relation="母亲")
    world.users["other_guardian"] = user


@pytest.mark.parametrize("username", SEE + DO_NOT_SEE)
def test_it_shows_a_concern_only_in_scope(world, username):
    _other_guardian(world)
    concern = raised(world)
    user = world.users[username]
    client = Client()
    client.force_login(user)
    seen = username in SEE
    assert selectors.concern_list(user=user).filter(pk=concern.pk).exists() == seen
    assert client.get(f"/concerns/{concern.pk}/").status_code == (200 if seen else 404)
    assert client.get(f"/api/v1/concerns/{concern.pk}").status_code == (200 if seen else 404)
    listed = client.get("/api/v1/concerns").json()["items"]
    assert [c["id"] for c in listed] == ([concern.pk] if seen else [])


def test_the_named_person_sees_what_they_answer(world):
    from apps.concerns import services

    concern = raised(world)
    services.concern_assign(actor=world.users["school_a_admin"], concern_id=concern.pk,
                            assignee_id=world.users["reporter_a"].pk)
    client = Client()
    client.force_login(world.users["reporter_a"])
    assert client.get(f"/concerns/{concern.pk}/").status_code == 200
    assert client.get("/concerns/mine/").status_code == 200


@pytest.mark.parametrize("username", ["school_b_admin", "teacher_a2", "jinshui_bureau",
                                      "guardian_a1", "teacher_a1"])
def test_only_the_schools_admin_assigns(world, username):
    concern = raised(world)
    client = Client()
    client.force_login(world.users[username])
    answer = client.post(f"/api/v1/concerns/{concern.pk}/assign",
                         {"assignee_id": world.users["reporter_a"].pk},
                         content_type="application/json")
    assert answer.status_code == 404
    concern.refresh_from_db()
    assert concern.assignee == world.users["teacher_a1"]
