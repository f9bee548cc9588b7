"""The roles pages: one per scope, listing who holds what, with grant, end and revoke forms
that answer bad input on the field it names."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.access.models import RoleAssignment, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(world):
    def sign_in(persona):
        client = Client()
        client.force_login(world.users[persona])
        return client

    return sign_in


def test_it_leads_each_keeper_to_its_scope(world, as_):
    assert as_("school_a_admin").get("/roles/").url == reverse(
        "access:school_roles", args=[world.schools["a"].pk])
    assert as_("jinshui_bureau").get("/roles/").url == reverse(
        "access:bureau_roles", args=[world.bureaus["jinshui"].pk])
    assert as_("teacher_a1").get("/roles/").status_code == 404


def test_it_shows_a_schools_holders_and_the_roles_its_admin_may_grant(world, as_):
    page = as_("school_a_admin").get(f"/roles/schools/{world.schools['a'].pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "gate_a" in text and "teacher_a1" in text and "teacher_b1" not in text
    offered = [value for value, _label in page.context["form"].fields["role"].choices]
    assert offered == ["unit_lead", "class_teacher", "outbreak_reporter", "gate_officer",
                       "sampler"]
    assert as_("school_b_admin").get(f"/roles/schools/{world.schools['a'].pk}/").status_code == 404


def test_it_grants_by_username_on_a_bureau_page_and_names_the_bad_field(world, as_):
    newcomer = User.objects.create_user(username="newcomer", password="x-very-long-pass")
    page = f"/roles/bureaus/{world.bureaus['jinshui'].pk}/"
    client = as_("jinshui_bureau")
    refused = client.post(page, {"role": "school_admin", "username": "nobody-here",
                                 "school": world.schools["a"].pk})
    assert refused.status_code == 400
    assert list(refused.context["form"].errors) == ["username"]
    refused = client.post(page, {"role": "school_admin", "username": "newcomer"})
    assert list(refused.context["form"].errors) == ["school"]  # no school chosen
    done = client.post(page, {"role": "school_admin", "username": "newcomer",
                              "school": world.schools["a"].pk})
    assert done.status_code == 302
    assert RoleAssignment.objects.filter(user=newcomer, role="school_admin").exists()


def test_it_ends_and_revokes_from_the_list(world, as_):
    gate = RoleAssignment.objects.get(user=world.users["gate_a"])
    client = as_("school_a_admin")
    back = f"/roles/schools/{world.schools['a'].pk}/"
    ended = client.post(f"/roles/{gate.pk}/end/", {"ends_on": "2099-12-31", "back": back})
    assert ended.url == back
    gate.refresh_from_db()
    assert str(gate.ends_on) == "2099-12-31"
    assert client.post(f"/roles/{gate.pk}/revoke/", {"back": "https://evil.example/"}).url == (
        "/roles/")
    assert not RoleAssignment.objects.filter(pk=gate.pk).exists()
    assert as_("school_b_admin").post(f"/roles/{gate.pk}/revoke/").status_code == 404
