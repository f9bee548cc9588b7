from datetime import timedelta

import pytest
from django.utils import timezone

TODAY = timezone.localdate()


def days_ago(n: int):
    return TODAY - timedelta(days=n)


@pytest.fixture
def register(world):
    """Register an absence as a persona: register("teacher_a1", "a1_student", ...)."""
    from apps.absence.services import absence_register

    def _register(user="teacher_a1", person="a1_student", **fields):
        fields.setdefault("first_day", TODAY)
        fields.setdefault("symptoms", ["fever"])
        person_id = fields.pop("person_id", None) or world.persons[person].pk
        return absence_register(actor=world.users[user], person_id=person_id, **fields)

    return _register


@pytest.fixture
def classmates(world):
    """More students in class a_c1 (七年级1班), to make clusters of: returns their ids."""
    from shaodian.testing.world import _person

    klass = world.classes["a_c1"]
    names = ["赵一鸣", "钱二娃", "孙三", "李四海", "周五福", "吴六"]
    return [_person(world, f"mate{n}", klass.school, "student", f"A20249{n:02d}", name,
                    klass=klass, seq=20 + n).pk for n, name in enumerate(names, start=1)]
