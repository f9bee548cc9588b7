import pytest

from shaodian.testing.world import _person


@pytest.fixture
def staff(world):
    """School a's roster of staff with no accounts: three name the class they teach
    (Person.teaches_class; 七年级2班 has a teacher already, 七年级1班 too: a new class
    without one is added), one names none."""
    from apps.orgs.models import SchoolClass

    school = world.schools["a"]
    world.classes["a_c3"] = SchoolClass.objects.create(school=school, unit=world.units["a_grade"],
                                                       name="七年级3班")
    made = {
        "t010": _person(world, "t010", school, "staff", "T010", "周老师",
                        unit=world.units["a_grade"],
                        teaches_class=world.classes["a_c3"], seq=21),
        "t011": _person(world, "t011", school, "staff", "T011", "吴老师",
                        unit=world.units["a_grade"],
                        teaches_class=world.classes["a_c3"], seq=22),
        "t012": _person(world, "t012", school, "staff", "T012", "郑老师",
                        unit=world.units["a_grade"],
                        teaches_class=world.classes["a_c2"], seq=23),
        "t013": _person(world, "t013", school, "staff", "T013", "冯老师",
                        unit=world.units["a_office"], seq=24),
    }
    return made
