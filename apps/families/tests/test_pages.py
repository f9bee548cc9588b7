"""The binding pages: the printed sheet, the sign-up that signs the guardian in, the class
teacher's queue and count on the home page, and a guardian's household."""

import re

import pytest
from django.test import Client

from apps.families.models import BindingCode, FamilySettings
from apps.families.services import code_hash

pytestmark = pytest.mark.django_db
CODE_RE = re.compile(r'<span class="code">([A-Z0-9-]{14})</span>')


def client_for(world, username) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def print_codes(client, klass) -> list[str]:
    answer = client.post("/families/codes/", {"klass": klass.pk})
    assert answer.status_code == 200
    return CODE_RE.findall(answer.content.decode())


def test_it_prints_a_slip_per_student_with_the_sign_up_address(world):
    codes = print_codes(client_for(world, "teacher_a1"), world.classes["a_c1"])
    assert len(codes) == 2
    assert {code_hash(c) for c in codes} == set(BindingCode.objects.values_list("code_hash",
                                                                                flat=True))
    page = client_for(world, "teacher_a1").get("/families/codes/").content.decode()
    assert world.classes["a_c2"].name not in page  # another teacher's class is no choice
    answer = client_for(world, "teacher_a1").post("/families/codes/",
                                                  {"klass": world.classes["a_c2"].pk})
    assert answer.status_code == 400 and not BindingCode.objects.filter(
        person=world.persons["a2_student"]).exists()


def test_it_signs_a_guardian_up_and_the_teacher_confirms(world):
    teacher = client_for(world, "teacher_a1")
    code = print_codes(teacher, world.classes["a_c1"])[1]
    guardian = Client()
    form = {"code": code, "phone": "13912340001", "name": "刘妈妈", "relation": "母亲",
            "password": "Liu-2026-pass", "consent": "on"}
    answer = guardian.post("/families/signup/", {**form, "code": "WRONG-CODE-XX"})
    assert answer.status_code == 400 and "绑定码不存在" in answer.content.decode()
    answer = guardian.post("/families/signup/", form, follow=True)
    assert answer.redirect_chain[-1][0] == "/families/mine/"
    assert "刘小红" in answer.content.decode()  # the request, waiting
    home = teacher.get("/")
    assert home.context["pending_bindings"] == 1 and 'id="pending-bindings"' in (
        home.content.decode())
    assert client_for(world, "teacher_a2").get("/").context["pending_bindings"] == 0
    page = teacher.get("/families/pending/").content.decode()
    assert "刘妈妈" in page and "13912340001" not in page
    binding = world.persons["a1_student2"].binding_requests.get()
    assert teacher.post(f"/families/bindings/{binding.pk}/confirm/").status_code == 302
    assert "刘小红" in guardian.get("/families/mine/").content.decode()
    assert guardian.get("/health/").status_code == 200


def test_it_lets_a_school_admin_choose_to_link_at_once(world):
    admin = client_for(world, "school_a_admin")
    school = world.schools["a"]
    assert admin.post(f"/families/schools/{school.pk}/settings/",
                      {"link_at_once": "on"}).status_code == 302
    assert FamilySettings.objects.get(school=school).link_at_once
    other = client_for(world, "school_b_admin")
    assert other.get(f"/families/schools/{school.pk}/settings/").status_code == 404


def test_it_shows_the_household_masked_and_the_teacher_sees_the_change(world):
    guardian = client_for(world, "guardian_a1")
    child = world.persons["a1_student"]
    answer = guardian.post(f"/families/persons/{child.pk}/household/",
                           {"name": "张爷爷", "relation": "祖父", "phone": "13912349999"})
    assert answer.status_code == 302
    page = guardian.get(f"/families/persons/{child.pk}/household/").content.decode()
    assert "张爷爷" in page and "139****9999" in page and "13912349999" not in page
    changes = client_for(world, "teacher_a1").get("/families/pending/").content.decode()
    assert "张爷爷" in changes and "张爸爸" in changes
    other = client_for(world, "teacher_a2").get("/families/pending/")
    assert "张爷爷" not in other.content.decode()
    assert guardian.get(
        f"/families/persons/{world.persons['a2_student'].pk}/household/").status_code == 404
