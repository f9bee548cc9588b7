"""The status on the person page, on the self/guardian home card, and the counts chart."""

import pytest

from apps.status.services import status_recompute_persons
from apps.status.tests.conftest import SHANGHAI_PUDONG, trip

pytestmark = pytest.mark.django_db


@pytest.fixture
def a1(henan):
    person = henan.persons["a1_student"]
    trip(person, SHANGHAI_PUDONG, back_days_ago=3)
    status_recompute_persons(school_id=person.school_id, person_ids=[person.pk],
                             reason="declaration")
    return person


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_status_block_and_history_on_the_person_page(client, henan, a1):
    html = _page(client, henan.users["teacher_a1"], f"/people/{a1.pk}/")
    assert 'data-category="key_population"' in html
    assert "上海" in html  # the reason, in Chinese by default
    assert 'id="status-history"' in html


def test_it_shows_the_status_on_the_guardians_home_card(client, henan, a1):
    html = _page(client, henan.users["guardian_a1"], "/")
    assert 'class="card mb-3 status-block"' in html
    assert 'data-category="key_population"' in html


def test_it_shows_reasons_in_english_when_chosen(client, henan, a1):
    from django.conf import settings
    from django.utils.html import escape

    from apps.status.models import PersonStatus

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _page(client, henan.users["student_a1"], "/")
    reasons = PersonStatus.objects.get(person=a1).reasons
    assert "Key population" in html
    assert all(escape(r["en"]) in html and escape(r["zh"]) not in html for r in reasons)


def test_it_charts_counts_by_status_for_admins(client, henan, a1):
    html = _page(client, henan.users["school_a_admin"], "/")
    assert 'id="chart-status"' in html and '"status"' in html
    assert 'data-category="key_population"' in html
    html = _page(client, henan.users["jinshui_bureau"], "/")
    assert 'id="chart-status"' in html
    html = _page(client, henan.users["teacher_a2"], "/")
    assert 'id="chart-status"' not in html
