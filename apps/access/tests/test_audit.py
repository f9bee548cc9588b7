"""The access log."""

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.access.audit import access_record
from apps.access.models import AccessLog

pytestmark = pytest.mark.django_db


def test_it_records_who_what_and_why(world):
    admin = world.users["school_a_admin"]
    person = world.persons["a1_student"]
    entry = access_record(user=admin, action="reveal_document", obj=person,
                          fields=["doc_number"], reason=" 核对学籍 ", ip="10.0.0.7")
    entry.refresh_from_db()
    assert entry.user == admin
    assert entry.action == "reveal_document"
    assert entry.school_id == person.school_id
    assert (entry.object_type, entry.object_id) == ("people.person", str(person.pk))
    assert entry.fields == "doc_number"
    assert entry.reason == "核对学籍"
    assert entry.ip == "10.0.0.7"
    assert entry.at is not None


def test_it_takes_the_school_from_a_school(world):
    school = world.schools["b"]
    entry = access_record(user=world.users["province"], action="view", obj=school, fields="name")
    assert entry.school_id == school.pk
    assert entry.ip is None


def test_it_keeps_no_user_for_an_anonymous_caller(world):
    entry = access_record(user=AnonymousUser(), action="view", obj=world.persons["a1_student"],
                          fields=("phone", "doc_number"))
    assert entry.user is None
    assert entry.fields == "phone,doc_number"


def test_it_cuts_an_overlong_reason(world):
    entry = access_record(user=world.users["province"], action="view",
                          obj=world.persons["a1_student"], fields="doc_number", reason="x" * 500)
    assert len(AccessLog.objects.get(pk=entry.pk).reason) == 200
