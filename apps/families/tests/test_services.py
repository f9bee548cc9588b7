"""Binding guardians with a code: each bad input names its field and reason, and nothing is
half-written."""

from datetime import date, timedelta

import pytest
from django.http import Http404

from apps.access.models import User
from apps.core.errors import ValidationFailed
from apps.families import services
from apps.families.models import BindingCode, BindingFailure, BindingRequest, FamilySettings
from apps.notifications.models import Notification
from apps.people.models import Guardianship, HouseholdMember

pytestmark = pytest.mark.django_db
PASSWORD = "Zhang-2026-pass"


def reasons(exc_info) -> dict[str, str]:
    return {e.field: e.reason for e in exc_info.value.errors}


def issue(world, teacher="teacher_a1", klass="a_c1") -> dict[str, str]:
    """Codes for a class, by the student's key in the world."""
    issued = services.binding_codes_issue(actor=world.users[teacher],
                                          klass_id=world.classes[klass].pk)
    keys = {p.pk: k for k, p in world.persons.items()}
    return {keys[i.person.pk]: i.code for i in issued}


def sign_up(code, phone="13912340001", **kwargs):
    values = {"code": code, "phone": phone, "name": "张妈妈", "relation": "母亲",
              "password": PASSWORD, "consent": True, "ip": "10.0.0.1", **kwargs}
    return services.guardian_sign_up(**values)


def user(username) -> User:
    return User.objects.get(username=username)  # a fresh object: grants read anew


def test_it_issues_one_code_per_active_student_of_the_class(world):
    codes = issue(world)
    assert sorted(codes) == ["a1_student", "a1_student2"]
    code = codes["a1_student"]
    assert len(services.normalize_code(code)) == 12 and code.count("-") == 2
    row = BindingCode.objects.get(person=world.persons["a1_student"])
    assert row.code_hash == services.code_hash(code) and code not in row.code_hash
    assert row.issued_by == world.users["teacher_a1"]
    assert row.expires_at.date() == (row.issued_at + timedelta(days=14)).date()


def test_it_voids_the_previous_code_when_reissuing(world):
    old = issue(world)["a1_student"]
    new = issue(world)["a1_student"]
    with pytest.raises(ValidationFailed) as exc:
        sign_up(old)
    assert reasons(exc) == {"code": "voided"}
    assert sign_up(new).state == "pending"


def test_it_signs_a_guardian_up_and_tells_the_class_teacher(world):
    code = issue(world)["a1_student2"]
    request = sign_up(f" {code.lower().replace('-', '')} ")
    guardian = user("13912340001")
    assert guardian.check_password(PASSWORD) and guardian.display_name == "张妈妈"
    assert (request.person, request.user, request.relation, request.state) == (
        world.persons["a1_student2"], guardian, "母亲", "pending")
    assert not Guardianship.objects.filter(user=guardian).exists()
    assert BindingCode.objects.get(person=world.persons["a1_student2"]).used_by == guardian
    note = Notification.objects.get(kind="family.binding")
    assert note.recipient == world.users["teacher_a1"]
    assert "13912340001" not in note.subject_zh + note.subject_en


def test_it_refuses_a_used_code(world):
    code = issue(world)["a1_student2"]
    sign_up(code)
    with pytest.raises(ValidationFailed) as exc:
        sign_up(code, phone="13912340002")
    assert reasons(exc) == {"code": "used"}
    assert not User.objects.filter(username="13912340002").exists()


def test_it_refuses_an_expired_code_and_a_wrong_one(world, clock):
    code = issue(world)["a1_student2"]
    with pytest.raises(ValidationFailed) as exc:
        sign_up("ABCD-EFGH-JKMN")
    assert reasons(exc) == {"code": "wrong"}
    clock.shift(timedelta(days=15))
    with pytest.raises(ValidationFailed) as exc:
        sign_up(code)
    assert reasons(exc) == {"code": "expired"}
    assert not User.objects.filter(username="13912340001").exists()
    assert not BindingRequest.objects.exists()


def test_it_names_every_bad_field_at_once(world):
    code = issue(world)["a1_student2"]
    with pytest.raises(ValidationFailed) as exc:
        sign_up(code, phone="12345", name="", relation="", password="short")
    assert reasons(exc) == {"phone": "bad_phone", "name": "required", "relation": "required",
                            "password": "weak"}
    assert not BindingCode.objects.filter(used_at__isnull=False).exists()


def test_it_needs_consent_for_a_child_under_14(world):
    child = world.persons["a1_student2"]
    child.birth_date = date(2014, 3, 1)  # 12 on the suite's day
    child.save()
    code = issue(world)["a1_student2"]
    with pytest.raises(ValidationFailed) as exc:
        sign_up(code, consent=False)
    assert reasons(exc) == {"consent": "consent_required"}
    assert not User.objects.filter(username="13912340001").exists()
    assert sign_up(code).consent_at is not None


def test_it_takes_a_child_of_14_without_consent(world):
    assert sign_up(issue(world)["a1_student2"], consent=False).consent_at is None


def test_it_refuses_a_phone_that_has_an_account(world):
    code = issue(world)["a1_student2"]
    sign_up(issue(world, "teacher_a2", "a_c2")["a2_student"])
    with pytest.raises(ValidationFailed) as exc:
        sign_up(code)
    assert reasons(exc) == {"phone": "taken"}


def test_it_confirms_a_request_and_the_guardian_is_linked(world):
    request = sign_up(issue(world)["a1_student2"])
    services.binding_confirm(actor=world.users["teacher_a1"], binding_id=request.pk)
    link = Guardianship.objects.get(user__username="13912340001")
    assert (link.person, link.relation, link.consent_at) == (
        world.persons["a1_student2"], "母亲", request.consent_at)
    assert link.history.first().history_user == world.users["teacher_a1"]
    assert Notification.objects.filter(recipient=link.user, kind="family.binding").exists()
    with pytest.raises(ValidationFailed) as exc:
        services.binding_confirm(actor=world.users["teacher_a1"], binding_id=request.pk)
    assert reasons(exc) == {"binding_id": "decided"}


def test_it_confirms_a_guardian_the_roster_import_linked_meanwhile(world):
    request = sign_up(issue(world)["a1_student2"])
    Guardianship.objects.create(school=world.schools["a"], person=world.persons["a1_student2"],
                                user=request.user, relation="妈妈")
    services.binding_confirm(actor=world.users["teacher_a1"], binding_id=request.pk)
    link = Guardianship.objects.get(user=request.user)
    assert link.relation == "妈妈"  # the school's record stands
    request.refresh_from_db()
    assert request.state == "confirmed"


def test_it_rejects_with_a_reason_only(world):
    request = sign_up(issue(world)["a1_student2"])
    with pytest.raises(ValidationFailed) as exc:
        services.binding_reject(actor=world.users["teacher_a1"], binding_id=request.pk,
                                reason=" ")
    assert reasons(exc) == {"reason": "required"}
    services.binding_reject(actor=world.users["teacher_a1"], binding_id=request.pk,
                            reason="不是该生家长")
    request.refresh_from_db()
    assert (request.state, request.reason) == ("rejected", "不是该生家长")
    assert not Guardianship.objects.filter(user=request.user).exists()


def test_it_links_at_once_when_the_school_chose_so(world):
    services.family_settings_update(actor=world.users["school_a_admin"],
                                    school_id=world.schools["a"].pk, link_at_once=True)
    request = sign_up(issue(world)["a1_student2"])
    assert request.state == "confirmed"
    assert Guardianship.objects.filter(user=request.user,
                                       person=world.persons["a1_student2"]).exists()
    assert FamilySettings.objects.get().history.first().history_user == (
        world.users["school_a_admin"])


def test_it_lets_a_signed_in_guardian_bind_a_second_child(world):
    services.binding_confirm(actor=world.users["teacher_a1"],
                             binding_id=sign_up(issue(world)["a1_student2"]).pk)
    guardian = user("13912340001")
    code = issue(world, "teacher_a2", "a_c2")["a2_student"]
    request = services.guardian_bind(actor=guardian, code=code, relation="母亲", consent=True)
    assert (request.person, request.state) == (world.persons["a2_student"], "pending")
    with pytest.raises(ValidationFailed) as exc:
        services.guardian_bind(actor=guardian, code=issue(world)["a1_student2"],
                               relation="母亲", consent=True)
    assert reasons(exc) == {"code": "already_linked"}


def test_it_refuses_a_guardian_more_children_than_allowed(world, settings):
    settings.SHAODIAN_GUARDIAN_MAX_CHILDREN = 1
    sign_up(issue(world)["a1_student2"])  # pending counts
    guardian = user("13912340001")
    code = issue(world, "teacher_a2", "a_c2")["a2_student"]
    with pytest.raises(ValidationFailed) as exc:
        services.guardian_bind(actor=guardian, code=code, relation="母亲", consent=True)
    assert reasons(exc) == {"code": "too_many_children"}
    assert "1" in exc.value.errors[0].message
    assert not BindingCode.objects.filter(person=world.persons["a2_student"],
                                          used_at__isnull=False).exists()


def test_it_locks_out_an_address_after_too_many_wrong_codes(world, settings, clock):
    settings.SHAODIAN_BINDING_MAX_FAILURES = 1  # an address: five times as many
    code = issue(world)["a1_student2"]
    for n in range(5):
        with pytest.raises(ValidationFailed) as exc:
            sign_up("ABCD-EFGH-JKM2", phone=f"1391234010{n}")
        assert reasons(exc) == {"code": "wrong"}
    with pytest.raises(ValidationFailed) as exc:  # the right code, from the same address
        sign_up(code, phone="13912340200")
    assert reasons(exc) == {"code": "rate_limited"}
    assert sign_up(code, phone="13912340200", ip="10.0.0.2").state == "pending"
    assert not BindingFailure.objects.filter(key__contains="1391234").exists()  # hashed
    clock.shift(timedelta(minutes=16))
    with pytest.raises(ValidationFailed) as exc:
        sign_up(code, phone="13912340300")
    assert reasons(exc) == {"code": "used"}  # the window has passed: asked again


def test_it_locks_out_a_phone_however_it_is_typed_and_wherever_from(world, settings):
    settings.SHAODIAN_BINDING_MAX_FAILURES = 2
    for n, phone in enumerate(["13912340001", "139 1234 0001"]):
        with pytest.raises(ValidationFailed):
            sign_up("ABCD-EFGH-JKM2", phone=phone, ip=f"10.0.1.{n}")
    with pytest.raises(ValidationFailed) as exc:
        sign_up(issue(world)["a1_student2"], phone="+86 139-1234-0001", ip="10.0.1.9")
    assert reasons(exc) == {"code": "rate_limited"}


def test_it_locks_out_a_signed_in_guardian_trying_codes(world, settings):
    settings.SHAODIAN_BINDING_MAX_FAILURES = 2
    guardian = world.users["guardian_a1"]
    for n in range(2):
        with pytest.raises(ValidationFailed):
            services.guardian_bind(actor=guardian, code="ABCD-EFGH-JKM2", relation="父亲",
                                   consent=True, ip=f"10.0.2.{n}")
    with pytest.raises(ValidationFailed) as exc:
        services.guardian_bind(actor=guardian, code=issue(world)["a1_student2"],
                               relation="父亲", consent=True, ip="10.0.2.9")
    assert reasons(exc) == {"code": "rate_limited"}


def test_it_lets_only_those_over_the_class_issue_and_confirm(world):
    with pytest.raises(ValidationFailed) as exc:
        issue(world, "teacher_a2", "a_c1")
    assert reasons(exc) == {"klass_id": "not_found"}
    with pytest.raises(ValidationFailed) as exc:
        services.binding_codes_issue(actor=world.users["zhongyuan_bureau"],
                                     klass_id=world.classes["a_c1"].pk)
    assert reasons(exc) == {"klass_id": "not_found"}
    with pytest.raises(ValidationFailed) as exc:
        services.binding_codes_issue(actor=world.users["teacher_a1"],
                                     klass_id=world.classes["a_c1"].pk,
                                     unit_id=world.units["a_grade"].pk)
    assert reasons(exc) == {"unit_id": "one_of"}
    assert len(services.binding_codes_issue(actor=world.users["jinshui_bureau"],
                                            unit_id=world.units["a_grade"].pk)) == 3
    request = sign_up(issue(world)["a1_student2"])
    with pytest.raises(Http404):
        services.binding_confirm(actor=world.users["teacher_a2"], binding_id=request.pk)
    with pytest.raises(Http404):
        services.binding_reject(actor=world.users["teacher_b1"], binding_id=request.pk,
                                reason="x")
    request.refresh_from_db()
    assert request.state == "pending"


def test_it_shows_a_new_guardian_only_their_own_child(world):
    from apps.people.models import Person

    request = sign_up(issue(world)["a1_student2"])
    assert not Person.objects.restrict(user("13912340001"), "people.view").exists()
    services.binding_confirm(actor=world.users["teacher_a1"], binding_id=request.pk)
    guardian = user("13912340001")
    assert list(Person.objects.restrict(guardian, "people.view")) == [
        world.persons["a1_student2"]]
    assert list(HouseholdMember.objects.restrict(guardian, "people.view")) == []
    assert not BindingRequest.objects.restrict(guardian, services.CONFIRM).exists()


def test_it_lets_the_guardian_edit_the_household_and_tells_the_teacher(world):
    guardian, child = world.users["guardian_a1"], world.persons["a1_student"]
    member = services.household_member_add(actor=guardian, person_id=child.pk, name="张爷爷",
                                           relation="祖父", phone="13912349999")
    services.household_member_update(actor=guardian, member_id=member.pk, occupation="退休")
    services.household_member_remove(actor=guardian, member_id=member.pk)
    history = HouseholdMember.history.filter(id=member.pk).order_by("history_id")
    assert [(h.history_type, h.history_user) for h in history] == [
        ("+", guardian), ("~", guardian), ("-", guardian)]
    notes = Notification.objects.filter(kind="family.household")
    assert notes.count() == 3 and {n.recipient for n in notes} == {world.users["teacher_a1"]}
    assert not any("13912349999" in n.subject_zh + n.body_zh for n in notes)


def test_it_keeps_a_guardian_to_their_own_childs_household(world):
    guardian = world.users["guardian_a1"]
    with pytest.raises(Http404):
        services.household_member_add(actor=guardian, person_id=world.persons["a2_student"].pk,
                                      name="某人", relation="祖父")
    other = HouseholdMember.objects.get(person=world.persons["a2_student"])
    with pytest.raises(Http404):
        services.household_member_remove(actor=guardian, member_id=other.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.household_member_add(actor=guardian, person_id=world.persons["a1_student"].pk,
                                      name="", relation="祖父")
    assert reasons(exc) == {"name": "required"}
    assert HouseholdMember.objects.count() == 2


def test_it_prunes_only_failures_no_window_counts(world, clock):
    BindingFailure.objects.create(key="ip:10.0.0.1")
    clock.shift(timedelta(days=2))
    BindingFailure.objects.create(key="ip:10.0.0.2")
    assert services.binding_failures_prune() == 1
    assert list(BindingFailure.objects.values_list("key", flat=True)) == ["ip:10.0.0.2"]
