"""Shared arguments for people tests."""

from datetime import date

import pytest

from apps.core.errors import ValidationFailed
from apps.people.models import Person
from shaodian.testing.world import make_id_number

BORN = date(2011, 3, 15)
DOC = make_id_number("410105", BORN, 21)  # sequence 021: odd, a boy


def student_args(world, **overrides) -> dict:
    args = {
        "actor": world.users["school_a_admin"],
        "school": world.schools["a"],
        "kind": "student",
        "number": "A2024201",
        "name": "李雷",
        "sex": "M",
        "birth_date": BORN,
        "doc_type": "resident_id",
        "doc_number": DOC,
        "phone": "13912345678",
        "residence_region_code": "410105",
        "address": "金水路1号",
        "klass": world.classes["a_c1"],
    }
    args.update(overrides)
    return args


def staff_args(world, **overrides) -> dict:
    born = date(1985, 7, 1)
    args = {
        "actor": world.users["school_a_admin"],
        "school": world.schools["a"],
        "kind": "staff",
        "number": "T101",
        "name": "周老师",
        "sex": "F",
        "birth_date": born,
        "doc_type": "resident_id",
        "doc_number": make_id_number("410102", born, 22),
        "unit": world.units["a_office"],
    }
    args.update(overrides)
    return args


def errors_of(call, **kwargs) -> set[tuple[str, str]]:
    """The (field, reason) pairs a service call fails with; asserts nothing was saved."""
    persons, history = Person.objects.count(), Person.history.count()
    with pytest.raises(ValidationFailed) as exc:
        call(**kwargs)
    assert Person.objects.count() == persons
    assert Person.history.count() == history
    for error in exc.value.errors:
        assert error.message and str(error.message) != error.reason
    return {(e.field, e.reason) for e in exc.value.errors}
