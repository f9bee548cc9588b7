"""Before a switch of the province's pack the choose page says how many schools (and
people) it reaches; after it, the policy page's bar follows the worker's recompute
(apps.core.progress); another province's switch is a 404, as a missing one."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.orgs.models import School
from apps.people.models import Person
from apps.policy import selectors
from apps.policy.models import PolicySwitch, ProvincePolicy
from apps.policy.services import policy_switches_apply_due
from shaodian.testing import worker

pytestmark = pytest.mark.django_db
RECOMPUTE = "apps.status.tasks.recompute_for_pack_choice"


@pytest.fixture
def admin(world, client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(world.users["province"])
    return client


def choose(client, **extra):
    version = selectors.pack_get("henan-2022").version
    return client.post(reverse("policy:choose"), {"pack": f"henan-2022@{version}",
                                                  "reason": "两触发", **extra})


def bar(client, switch) -> str:
    response = client.get(reverse("policy:switch_progress", args=[switch.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_asks_for_a_confirmation_naming_the_schools_and_people_reached(world, admin):
    asked = choose(admin)
    assert asked.status_code == 200 and not ProvincePolicy.objects.exists()
    text = asked.content.decode()
    confirmation = text[text.index('id="choose-confirmation"'):]
    schools = School.objects.filter(province_code="410000").count()
    people = Person.objects.filter(school__province_code="410000", active=True).count()
    assert schools > 1 and f"触达 {schools} 所学校（{people} 人）" in confirmation
    assert 'name="confirmed"' in confirmation and "henan-2022" in confirmation
    when = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    scheduled = choose(admin, effective_from=when).content.decode()
    assert "确认：计划切换" in scheduled and not PolicySwitch.objects.exists()


def test_the_bar_follows_the_workers_recompute_after_a_choice_made_now(
        world, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert choose(admin, confirmed="1").status_code == 302
    switch = PolicySwitch.objects.get()
    index = admin.get(reverse("policy:index")).content.decode()
    assert f'hx-get="{reverse("policy:switch_progress", args=[switch.pk])}"' in index
    assert 'data-state="queued"' in bar(admin, switch)
    record = worker.claim(RECOMPUTE)
    running = bar(admin, switch)
    assert 'data-state="running"' in running and 'hx-trigger="every 1s"' in running
    persons = worker.finish(record)
    done = bar(admin, switch)
    assert 'data-state="done"' in done and "hx-get" not in done
    assert f"已重新计算 {persons} 人的状态" in done and reverse("policy:history") in done


def test_the_bar_says_when_the_recompute_failed(world, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        choose(admin, confirmed="1")
    worker.finish(worker.claim(RECOMPUTE), fail=True)
    failed = bar(admin, PolicySwitch.objects.get())
    assert 'data-state="failed"' in failed and "重新计算失败" in failed


def test_a_scheduled_switch_runs_from_its_time_to_applied(world, admin):
    switch = PolicySwitch.objects.create(
        province_code="410000", pack_id="henan-2022",
        pack_version=str(selectors.pack_get("henan-2022").version), reason="x",
        effective_from=timezone.now() - timedelta(minutes=1), scheduled_by=world.users["province"])
    assert 'data-state="running"' in bar(admin, switch)
    policy_switches_apply_due()
    done = bar(admin, switch)
    assert 'data-state="done"' in done and "人的状态" in done


def test_it_answers_404_for_another_provinces_switch_as_for_a_missing_one(world, admin, client):
    other = PolicySwitch.objects.create(province_code="310000", pack_id="routine",
                                        pack_version="1", reason="x",
                                        effective_from=timezone.now())
    assert admin.get(reverse("policy:switch_progress", args=[other.pk])).status_code == 404
    assert admin.get(reverse("policy:switch_progress", args=[other.pk + 1])).status_code == 404
    client.force_login(world.users["guardian_a1"])
    assert client.get(reverse("policy:switch_progress", args=[other.pk])).status_code == 404


def test_a_bureaus_tightening_shows_the_recompute_of_its_schools_to_done(
        world, client, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    bureau = world.bureaus["jinshui"]
    client.force_login(world.users["jinshui_bureau"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("policy:tighten", args=["bureau", bureau.pk]), {
            "param": "fever_threshold_celsius", "value": "37.0", "reason": "低龄学生多"})
    assert response.status_code == 302
    url = reverse("policy:effective_progress", args=["bureau", bureau.pk])
    page = client.get(response.url).content.decode()
    assert f'hx-get="{url}"' in page and 'data-state="queued"' in page
    record = worker.claim("apps.status.tasks.recompute_for_schools")
    assert 'data-state="running"' in client.get(url).content.decode()
    persons = worker.finish(record)
    done = client.get(url).content.decode()
    assert 'data-state="done"' in done and f"已重新计算 {persons} 人的状态" in done
    client.force_login(world.users["teacher_a1"])  # sees its school, not the bureau
    assert client.get(url).status_code == 404
    assert client.get(reverse("policy:effective_progress", args=["bureau", 99999])
                      ).status_code == 404


def test_it_asks_in_english_too(world, admin):
    from django.conf import settings

    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    schools = School.objects.filter(province_code="410000").count()
    text = choose(admin).content.decode()
    assert f"Choosing henan-2022 now reaches {schools} schools (" in text
    assert "Confirm: switch now" in text
