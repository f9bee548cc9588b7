import pytest
from django.utils import translation

from apps.isolation import selectors, services
from apps.isolation.models import CareVisit, Isolation
from apps.notifications.models import Notification
from apps.status.models import PersonStatus

from .conftest import CARE, day, opened, refused, room

pytestmark = pytest.mark.django_db


def test_it_links_the_status_that_required_it(world):
    person = world.persons["a1_student"]
    PersonStatus.objects.create(school_id=person.school_id, person=person,
                                category="home_quarantine", pack="routine", pack_version="t",
                                reasons=[{"code": "close_contact", "zh": "密接", "en": "Contact"}])
    isolation = opened(world)
    assert isolation.status_category == "home_quarantine"
    assert isolation.status_reasons[0]["code"] == "close_contact"


def test_the_class_teacher_and_guardian_hear_of_opening_and_closing(world):
    isolation = opened(world)
    told = set(Notification.objects.filter(kind="isolation.opened")
               .values_list("recipient__username", flat=True))
    assert told == {"teacher_a1", "guardian_a1"}
    services.isolation_close(actor=world.users["school_a_admin"], isolation_id=isolation.pk)
    assert Notification.objects.filter(kind="isolation.closed").count() == 2


def test_a_room_refuses_over_capacity_saying_why_in_both_languages(world):
    r = room(world, capacity=1)
    opened(world, place_kind="campus", room_id=r.pk)
    call = lambda: opened(world, "a2_student", place_kind="campus", room_id=r.pk)  # noqa: E731
    field, reason, message = refused(call)
    assert (field, reason) == ("room_id", "full")
    assert "1 of 1 places taken" in message
    assert "已满" in refused(call, "zh-hans")[2]
    assert selectors.rooms(user=world.users["school_a_admin"]).get(pk=r.pk).occupied == 1


def test_closing_frees_the_place_and_capacity_cannot_go_below_occupancy(world):
    r = room(world, capacity=2)
    first = opened(world, place_kind="campus", room_id=r.pk)
    opened(world, "a2_student", place_kind="campus", room_id=r.pk)
    assert refused(lambda: services.room_save(
        actor=world.users["school_a_admin"], school_id=r.school_id, room_id=r.pk,
        name=r.name, capacity=1))[:2] == ("capacity", "below_occupancy")
    services.isolation_close(actor=world.users["school_a_admin"], isolation_id=first.pk)
    assert selectors.open_in_room(r.pk) == 1


def test_one_open_isolation_per_person_and_the_same_client_id_returns_it(world):
    first = opened(world, client_id="k1")
    assert opened(world, client_id="k1").pk == first.pk
    assert refused(lambda: opened(world))[:2] == ("person_id", "already_isolated")


@pytest.mark.parametrize(("fields", "field", "reason"), [
    ({"end": -1}, "planned_end", "before_start"),
    ({"place_kind": "central"}, "place", "required"),
    ({"place_kind": "campus"}, "room_id", "required"),
    ({"place_kind": "hotel"}, "place_kind", "bad_choice"),
    ({"reason": ""}, "reason", "required"),
])
def test_bad_input_names_the_field(world, fields, field, reason):
    assert refused(lambda: opened(world, **fields))[:2] == (field, reason)


def test_another_school_cannot_open_or_close(world):
    assert refused(lambda: opened(world, by="school_b_admin"))[:2] == ("person_id", "not_found")
    isolation = opened(world)
    from django.http import Http404

    with pytest.raises(Http404):
        services.isolation_close(actor=world.users["school_b_admin"], isolation_id=isolation.pk)


def test_a_care_visit_is_one_a_day_and_idempotent(world):
    isolation = opened(world)
    teacher = world.users["teacher_a1"]
    services.care_visit_record(actor=teacher, isolation_id=isolation.pk, **CARE)
    services.care_visit_record(actor=teacher, isolation_id=isolation.pk,
                               **{**CARE, "mood": "low"}, note="想家")
    visits = CareVisit.objects.filter(isolation=isolation)
    assert [(v.mood, v.note, v.visitor_id) for v in visits] == [("low", "想家", teacher.pk)]


def test_unvisited_isolations_are_listed_until_visited(world):
    isolation = opened(world)
    opened(world, "a2_student", start=1, end=4)  # not begun: not yet due a visit
    admin = world.users["school_a_admin"]
    assert [i.pk for i in selectors.not_visited_today(user=admin)[0]] == [isolation.pk]
    services.care_visit_record(actor=world.users["teacher_a1"], isolation_id=isolation.pk,
                               **CARE)
    assert selectors.not_visited_today(user=admin) == ([], 0)


def test_a_distressed_visit_tells_the_epidemic_office(world):
    isolation = opened(world)
    services.care_visit_record(actor=world.users["teacher_a1"], isolation_id=isolation.pk,
                               **{**CARE, "mood": "distressed"})
    assert set(Notification.objects.filter(kind="isolation.care_alert")
               .values_list("recipient__username", flat=True)) == {"school_a_admin",
                                                                   "reporter_a"}


def test_another_class_teacher_cannot_record_care(world):
    from django.http import Http404

    isolation = opened(world)
    with pytest.raises(Http404):
        services.care_visit_record(actor=world.users["teacher_a2"], isolation_id=isolation.pk,
                                   **CARE)


def test_referral_and_its_follow_up(world):
    isolation = opened(world)
    teacher = world.users["teacher_a1"]
    referral = services.referral_create(actor=teacher, isolation_id=isolation.pk,
                                        to_whom="心理老师", reason="情绪低落")
    assert services.referral_create(actor=teacher, isolation_id=isolation.pk,
                                    to_whom="心理老师", reason="again").pk == referral.pk
    assert refused(lambda: services.referral_update(
        actor=teacher, referral_id=referral.pk, state="closed"))[:2] == ("follow_up", "required")
    services.referral_update(actor=teacher, referral_id=referral.pk, state="closed",
                             follow_up="已好转")
    referral.refresh_from_db()
    assert (referral.state, referral.follow_up) == ("closed", "已好转")


def test_online_study_is_for_students(world):
    isolation = opened(world)
    study = services.online_study_arrange(actor=world.users["teacher_a1"],
                                          isolation_id=isolation.pk, platform="钉钉",
                                          teacher="王老师")
    again = services.online_study_arrange(actor=world.users["teacher_a1"],
                                          isolation_id=isolation.pk, platform="腾讯会议",
                                          teacher="王老师")
    assert again.pk == study.pk and again.platform == "腾讯会议"
    staff = opened(world, "a_staff")
    assert refused(lambda: services.online_study_arrange(
        actor=world.users["school_a_admin"], isolation_id=staff.pk, platform="x",
        teacher="y"))[:2] == ("isolation_id", "not_a_student")


def test_extend_only_later_and_close_only_once(world):
    isolation = opened(world, end=3)
    admin = world.users["school_a_admin"]
    assert refused(lambda: services.isolation_extend(
        actor=admin, isolation_id=isolation.pk, planned_end=day(2), reason="x"))[:2] == (
        "planned_end", "not_later")
    services.isolation_close(actor=admin, isolation_id=isolation.pk)
    services.isolation_close(actor=admin, isolation_id=isolation.pk)
    assert Isolation.objects.get(pk=isolation.pk).ended_on == day(0)
    with translation.override("en"):
        assert refused(lambda: services.isolation_extend(
            actor=admin, isolation_id=isolation.pk, planned_end=day(9), reason="x"))[1] == \
            "closed"
