"""Who sees which status: personas of the test province."""

import pytest
from django.http import Http404

from apps.status import selectors
from apps.status.services import status_recompute_persons
from apps.status.tests.conftest import SHANGHAI_PUDONG, trip

pytestmark = pytest.mark.django_db


@pytest.fixture
def a1(henan):
    """张小明 (class a_c1) is key population: back from Shanghai three days ago."""
    person = henan.persons["a1_student"]
    trip(person, SHANGHAI_PUDONG, back_days_ago=3)
    status_recompute_persons(school_id=person.school_id, person_ids=[person.pk], reason="test")
    return person


@pytest.mark.parametrize("persona", [
    "student_a1", "guardian_a1", "teacher_a1", "unit_lead_a", "school_a_admin", "reporter_a",
    "jinshui_bureau", "province",
])
def test_it_shows_the_status_with_reasons_to_those_who_see_the_person(henan, a1, persona):
    status = selectors.person_status(user=henan.users[persona], person=a1)
    assert status.category == "key_population" and status.until
    assert any("上海" in r.zh for r in status.reasons)
    assert status.actions


@pytest.mark.parametrize("persona", [
    "teacher_a2", "school_b_admin", "luoyang_bureau", "zhongyuan_bureau", "gate_a",
    "sampler_a", "hospital_a",
])
def test_it_hides_the_status_from_everyone_else(henan, a1, persona):
    user = henan.users[persona]
    with pytest.raises(Http404):
        selectors.person_status(user=user, person=a1)
    with pytest.raises(Http404):
        selectors.status_history(user=user, person=a1)


def test_it_gives_the_gate_only_what_a_verdict_needs(henan, a1):
    gate = selectors.person_status_for_gate(user=henan.users["gate_a"], person=a1.pk)
    assert (gate.category, gate.until, gate.verdict_ready) == (
        "key_population", selectors.person_status(user=henan.users["student_a1"],
                                                  person=a1).until, True)
    assert not hasattr(gate, "reasons") and not hasattr(gate, "actions")
    with pytest.raises(Http404):  # another school's gate
        selectors.person_status_for_gate(user=henan.users["gate_a"],
                                         person=henan.persons["b1_student"].pk)
    with pytest.raises(Http404):  # a teacher is not a gate officer
        selectors.person_status_for_gate(user=henan.users["teacher_a1"], person=a1.pk)


def test_it_says_normal_for_a_person_never_computed(henan):
    status = selectors.person_status(user=henan.users["school_a_admin"],
                                     person=henan.persons["a2_student"])
    assert (status.category, status.reasons, status.computed_at) == ("normal", [], None)
    gate = selectors.person_status_for_gate(user=henan.users["gate_a"],
                                            person=henan.persons["a2_student"].pk)
    assert (gate.category, gate.verdict_ready) == ("normal", True)


def test_it_shows_reasons_in_the_current_language(henan, a1):
    from django.utils import translation

    with translation.override("en"):
        status = selectors.person_status(user=henan.users["guardian_a1"], person=a1)
        assert all(r.text == r.en for r in status.reasons)
    with translation.override("zh-hans"):
        status = selectors.person_status(user=henan.users["guardian_a1"], person=a1)
        assert all(r.text == r.zh for r in status.reasons)


def test_it_lists_the_history_newest_first(henan, a1):
    history = list(selectors.status_history(user=henan.users["teacher_a1"], person=a1))
    assert [h.category for h in history] == ["key_population"]


def test_it_counts_persons_by_category_within_scope(henan, a1):
    counts = selectors.status_counts(user=henan.users["school_a_admin"])
    assert counts["key_population"] == 1 and counts["normal"] == 3  # 4 persons in school A
    assert set(counts) == {"normal", "cleared", "regimen_incomplete", "key_population",
                           "home_monitoring", "home_quarantine", "central_quarantine",
                           "isolation"}
    other = selectors.status_counts(user=henan.users["school_b_admin"])
    assert (other["key_population"], other["normal"]) == (0, 1)
    assert selectors.status_counts(user=henan.users["teacher_a2"])["key_population"] == 0
