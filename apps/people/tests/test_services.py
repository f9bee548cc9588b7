"""Creating and changing people: every bad input names its field, and nothing is saved."""

from datetime import date

import pytest
from django.http import Http404

from apps.core.crypto import decrypt_text, keyed_hash
from apps.core.identity import resident_id_check_char
from apps.orgs.models import DormRoom
from apps.people.models import Person
from apps.people.services import person_create, person_move_class, person_update
from apps.people.tests.helpers import BORN, DOC, errors_of, staff_args, student_args
from shaodian.testing.world import make_id_number

pytestmark = pytest.mark.django_db


def test_it_creates_a_student_with_the_document_encrypted(world):
    person = person_create(**student_args(world, phone="+86 139-1234-5678"))
    person.refresh_from_db()
    assert person.unit == world.units["a_grade"]  # from the class
    assert person.phone == "13912345678"
    assert DOC.encode() not in bytes(person.doc_cipher)
    assert decrypt_text(person.doc_cipher) == DOC
    assert person.doc_hash == keyed_hash(DOC)
    assert person.doc_masked == DOC[:4] + "*" * 10 + DOC[-4:]
    assert person.residence_region_id == "410105"
    assert person.history.count() == 1
    assert person.history.first().history_user == world.users["school_a_admin"]


def test_it_takes_birth_date_and_sex_from_the_id_when_not_given(world):
    person = person_create(**student_args(world, birth_date=None, sex=None))
    assert (person.birth_date, person.sex) == (BORN, "M")


def test_it_normalises_the_number_and_the_document(world):
    lower = DOC[:-1] + DOC[-1].lower()
    person = person_create(**student_args(world, number=" a2024201 ", doc_number=f" {lower} "))
    assert person.number == "A2024201"
    assert decrypt_text(person.doc_cipher) == DOC.upper()


def test_it_creates_staff_in_a_unit(world):
    person = person_create(**staff_args(world))
    assert person.unit == world.units["a_office"] and person.klass is None


def test_it_accepts_other_documents_with_a_birth_date(world):
    person = person_create(
        **student_args(world, doc_type="hk_macao_permit", doc_number="h12345678")
    )
    assert decrypt_text(person.doc_cipher) == "H12345678"
    assert person.doc_masked == "H1*****78"


BAD_INPUTS = [
    ({"doc_number": DOC[:-1] + ("0" if DOC[-1] != "0" else "1")}, ("doc_number", "bad_checksum")),
    (
        {"doc_number": (lambda f: f + resident_id_check_char(f))("41010520230230021")},
        ("doc_number", "bad_birth_date"),
    ),
    ({"doc_number": "4101052011031502"}, ("doc_number", "bad_format")),
    ({"birth_date": date(2011, 3, 16)}, ("birth_date", "birth_date_mismatch")),
    ({"sex": "F"}, ("sex", "sex_mismatch")),
    ({"sex": "X"}, ("sex", "bad_choice")),
    ({"number": "A2024001"}, ("number", "duplicate")),  # 张小明's number
    (
        {
            "doc_number": make_id_number("410105", date(2010, 5, 4), 11),
            "birth_date": None,
            "sex": None,
        },
        ("doc_number", "duplicate_document"),
    ),  # 张小明's ID under another number
    ({"residence_region_code": "419999"}, ("residence_region_code", "unknown_region")),
    ({"residence_region_code": "4101"}, ("residence_region_code", "unknown_region")),
    ({"phone": "12345"}, ("phone", "bad_phone")),
    ({"klass": None}, ("klass", "required")),
    ({"name": "  "}, ("name", "required")),
    ({"number": ""}, ("number", "required")),
    ({"name": "名" * 51}, ("name", "too_long")),
    ({"kind": "visitor"}, ("kind", "bad_choice")),
    ({"doc_type": "driving_licence"}, ("doc_type", "bad_choice")),
    ({"doc_number": ""}, ("doc_number", "required")),
    ({"residence": "tent"}, ("residence", "bad_choice")),
    (
        {"doc_type": "passport", "doc_number": "E12345678", "birth_date": None},
        ("birth_date", "required"),
    ),
    (
        {"doc_type": "passport", "doc_number": "E12345678", "birth_date": date(2099, 1, 1)},
        ("birth_date", "future_birth_date"),
    ),
]


@pytest.mark.parametrize(("overrides", "error"), BAD_INPUTS)
def test_it_refuses_bad_input_and_saves_nothing(world, overrides, error):
    assert error in errors_of(person_create, **student_args(world, **overrides))


def test_it_refuses_a_future_birth_date_in_the_id(world):
    first17 = f"410105{date.today().year + 1}0101021"
    doc = first17 + resident_id_check_char(first17)
    assert ("doc_number", "future_birth_date") in errors_of(
        person_create, **student_args(world, doc_number=doc, birth_date=None)
    )


def test_it_finds_a_legacy_id_already_registered_as_18_digits(world):
    born = date(1975, 6, 1)
    doc18 = make_id_number("410105", born, 31)
    person_create(**staff_args(world, doc_number=doc18, birth_date=born, sex="M"))
    legacy = doc18[:6] + doc18[8:17]
    assert ("doc_number", "duplicate_document") in errors_of(
        person_create,
        **staff_args(
            world, number="T102", doc_type="legacy_id", doc_number=legacy, birth_date=born, sex="M"
        ),
    )


def test_it_collects_every_error_at_once(world):
    errors = errors_of(
        person_create,
        **student_args(
            world,
            doc_number=DOC[:-1] + ("0" if DOC[-1] != "0" else "1"),
            number="A2024001",
            residence_region_code="000000",
            phone="1",
            klass=world.classes["b_c1"],
        ),
    )
    assert errors == {
        ("doc_number", "bad_checksum"),
        ("number", "duplicate"),
        ("residence_region_code", "unknown_region"),
        ("phone", "bad_phone"),
        ("klass", "wrong_school"),
    }


def test_it_refuses_org_records_of_another_school(world):
    b = world.schools["b"]
    room = DormRoom.objects.create(school=b, building="1号楼", room="101")
    errors = errors_of(
        person_create,
        **student_args(
            world,
            actor=world.users["province"],
            klass=world.classes["b_c1"],
            residence="boarder",
            dorm_room=room,
        ),
    )
    assert errors == {("klass", "wrong_school"), ("dorm_room", "wrong_school")}
    assert ("unit", "wrong_school") in errors_of(
        person_create, **staff_args(world, unit=world.units["b_office"])
    )


def test_it_asks_staff_for_a_unit_and_no_class(world):
    errors = errors_of(person_create, **staff_args(world, unit=None, klass=world.classes["a_c1"]))
    assert errors == {("unit", "required"), ("klass", "not_for_staff")}


def test_it_refuses_a_unit_that_is_not_the_class_unit(world):
    assert ("unit", "unit_mismatch") in errors_of(
        person_create, **student_args(world, unit=world.units["a_office"])
    )


def test_it_gives_dorm_rooms_to_boarders_only_and_not_beyond_the_beds(world):
    room = DormRoom.objects.create(school=world.schools["a"], building="1号楼", room="101", beds=1)
    assert ("dorm_room", "not_boarder") in errors_of(
        person_create, **student_args(world, dorm_room=room)
    )
    person_create(**student_args(world, residence="boarder", dorm_room=room))
    assert ("dorm_room", "room_full") in errors_of(
        person_create,
        **student_args(
            world,
            number="A2024202",
            doc_number=make_id_number("410105", BORN, 23),
            residence="boarder",
            dorm_room=room,
        ),
    )


def test_it_hides_a_school_the_actor_cannot_change(world):
    for username in ("school_b_admin", "jinshui_bureau", "unit_lead_a", "guardian_a1", "gate_a"):
        with pytest.raises(Http404):
            person_create(**student_args(world, actor=world.users[username]))
    assert not Person.objects.filter(number="A2024201").exists()


def test_it_lets_a_class_teacher_add_to_their_own_class_only(world):
    teacher = world.users["teacher_a1"]
    assert person_create(**student_args(world, actor=teacher)).klass == world.classes["a_c1"]
    with pytest.raises(Http404):
        person_create(
            **student_args(
                world,
                actor=teacher,
                number="A2024202",
                doc_number=make_id_number("410105", BORN, 23),
                klass=world.classes["a_c2"],
            )
        )
    with pytest.raises(Http404):  # staff sit in a unit, outside any class
        person_create(**staff_args(world, actor=teacher))
    assert Person.objects.filter(number__in=["A2024202", "T101"]).count() == 0


# Updates -------------------------------------------------------------------------------


def test_it_updates_fields_and_records_history(world):
    person = world.persons["a1_student"]
    updated = person_update(
        actor=world.users["teacher_a1"], person=person, phone="0371-66551234", address="花园路2号"
    )
    assert (updated.phone, updated.address) == ("037166551234", "花园路2号")
    latest = person.history.latest()
    assert latest.history_user == world.users["teacher_a1"]
    assert latest.history_change_reason == "updated: phone, address"


def test_it_replaces_the_document(world):
    person = world.persons["a1_student"]
    new_doc = make_id_number("410102", person.birth_date, 41)
    updated = person_update(actor=world.users["school_a_admin"], person=person, doc_number=new_doc)
    assert decrypt_text(updated.doc_cipher) == new_doc
    assert updated.doc_hash == keyed_hash(new_doc)
    assert "doc_number" in person.history.latest().history_change_reason


def test_it_keeps_birth_date_and_sex_tied_to_the_stored_id(world):
    person = world.persons["a1_student"]
    actor = world.users["school_a_admin"]
    assert errors_of(person_update, actor=actor, person=person, birth_date=date(2010, 5, 5)) == {
        ("birth_date", "birth_date_mismatch")
    }
    assert errors_of(person_update, actor=actor, person=person, sex="F") == {
        ("sex", "sex_mismatch")
    }
    assert errors_of(person_update, actor=actor, person=person, doc_type="passport") == {
        ("doc_number", "required")
    }


def test_it_refuses_bad_updates_and_saves_nothing(world):
    person = world.persons["a1_student"]
    errors = errors_of(
        person_update,
        actor=world.users["school_a_admin"],
        person=person,
        number="A2024002",
        phone="abc",
        residence_region_code="999999",
    )
    assert errors == {
        ("number", "duplicate"),
        ("phone", "bad_phone"),
        ("residence_region_code", "unknown_region"),
    }
    person.refresh_from_db()
    assert person.number == "A2024001"


def test_it_skips_an_update_that_changes_nothing(world):
    person = world.persons["a1_student"]
    before = person.history.count()
    person_update(
        actor=world.users["school_a_admin"],
        person=person,
        name=person.name,
        doc_number=person.plain_document.lower(),
    )
    assert person.history.count() == before


def test_it_refuses_unknown_fields(world):
    with pytest.raises(TypeError):
        person_update(
            actor=world.users["school_a_admin"],
            person=world.persons["a1_student"],
            school=world.schools["b"],
        )


def test_it_hides_people_out_of_scope_from_updates(world):
    for username in ("teacher_a2", "school_b_admin", "jinshui_bureau", "guardian_a1", "student_a1"):
        with pytest.raises(Http404):
            person_update(actor=world.users[username], person=world.persons["a1_student"], name="X")
    world.persons["a1_student"].refresh_from_db()
    assert world.persons["a1_student"].name == "张小明"


def test_it_moves_a_student_to_another_class_with_history(world):
    person = world.persons["a1_student"]
    moved = person_move_class(
        actor=world.users["school_a_admin"], person=person, klass=world.classes["a_c2"]
    )
    assert moved.klass == world.classes["a_c2"]
    latest = person.history.latest()
    assert latest.klass_id == world.classes["a_c2"].pk
    assert latest.history_change_reason == "moved class: 七年级1班 -> 七年级2班"
    assert person.history.earliest().klass_id == world.classes["a_c1"].pk


def test_it_refuses_moves_out_of_scope_or_school(world):
    person = world.persons["a1_student"]
    with pytest.raises(Http404):  # not the teacher of the target class
        person_move_class(
            actor=world.users["teacher_a1"], person=person, klass=world.classes["a_c2"]
        )
    assert errors_of(
        person_move_class, actor=world.users["province"], person=person, klass=world.classes["b_c1"]
    ) == {("klass", "wrong_school")}
    assert errors_of(
        person_move_class,
        actor=world.users["school_a_admin"],
        person=world.persons["a_staff"],
        klass=world.classes["a_c1"],
    ) == {("klass", "not_for_staff")}
    person.refresh_from_db()
    assert person.klass == world.classes["a_c1"]


def test_a_staff_member_teaches_a_class_of_the_school_and_a_student_none(world):
    person = person_create(**staff_args(world, teaches_class=world.classes["a_c2"]))
    assert person.teaches_class == world.classes["a_c2"] and person.klass is None
    assert person.history.get().teaches_class_id == world.classes["a_c2"].pk
    person_update(actor=world.users["school_a_admin"], person=person, teaches_class=None)
    person.refresh_from_db()
    assert person.teaches_class is None
    assert person.history.first().history_change_reason == "updated: teaches_class"
    person.delete()
    assert errors_of(person_create, **staff_args(world, teaches_class=world.classes["b_c1"])) \
        == {("teaches_class", "wrong_school")}
    assert errors_of(person_create, **student_args(
        world, teaches_class=world.classes["a_c1"])) == {("teaches_class", "not_for_students")}
