"""Password login with lockout (apps.access.services.login_attempt)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.db.models import F
from django.test import RequestFactory

from apps.access.models import LoginFailure
from apps.access.services import LoginFailed, LoginLocked, login_attempt, login_failures_prune
from shaodian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


def a_request():
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.0.0.7")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    return request


def fail(username, times):
    for _ in range(times):
        with pytest.raises(LoginFailed):
            login_attempt(request=a_request(), username=username, password="wrong-password")


def age_failures(username, minutes):
    LoginFailure.objects.filter(username=username).update(at=F("at") - timedelta(minutes=minutes))


def test_it_logs_in_with_the_right_password(world):
    request = a_request()
    user = login_attempt(request=request, username="school_a_admin", password=PASSWORD)
    assert user == world.users["school_a_admin"]
    assert request.session["_auth_user_id"] == str(user.pk)


def test_it_records_a_failure_with_the_ip(world):
    fail("school_a_admin", 1)
    failure = LoginFailure.objects.get()
    assert (failure.username, failure.ip) == ("school_a_admin", "10.0.0.7")


def test_it_says_the_same_for_an_unknown_user_and_a_wrong_password(world):
    with pytest.raises(LoginFailed) as unknown:
        login_attempt(request=a_request(), username="nobody", password=PASSWORD)
    with pytest.raises(LoginFailed) as wrong:
        login_attempt(request=a_request(), username="school_a_admin", password="nope-nope")
    assert str(unknown.value) == str(wrong.value)


def test_it_locks_out_after_max_failures_even_with_the_right_password(world):
    fail("school_a_admin", settings.LOGIN_MAX_FAILURES)
    with pytest.raises(LoginLocked) as locked:
        login_attempt(request=a_request(), username="school_a_admin", password=PASSWORD)
    assert 1 <= locked.value.minutes_left <= settings.LOGIN_LOCKOUT_MINUTES
    # Attempts while locked are not counted, so they cannot keep the lock alive.
    assert LoginFailure.objects.count() == settings.LOGIN_MAX_FAILURES


def test_it_does_not_lock_out_before_max_failures(world):
    fail("school_a_admin", settings.LOGIN_MAX_FAILURES - 1)
    assert login_attempt(request=a_request(), username="school_a_admin", password=PASSWORD)
    assert not LoginFailure.objects.exists()  # success clears the counter


def test_it_locks_out_across_letter_case(world):
    fail("School_A_Admin", settings.LOGIN_MAX_FAILURES)
    with pytest.raises(LoginLocked):
        login_attempt(request=a_request(), username="school_a_admin", password=PASSWORD)


def test_it_locks_out_unknown_usernames_the_same_way(world):
    fail("nobody", settings.LOGIN_MAX_FAILURES)
    with pytest.raises(LoginLocked):
        login_attempt(request=a_request(), username="nobody", password=PASSWORD)


def test_it_lets_the_user_in_once_the_window_has_passed(world):
    fail("school_a_admin", settings.LOGIN_MAX_FAILURES)
    age_failures("school_a_admin", settings.LOGIN_LOCKOUT_MINUTES - 1)
    with pytest.raises(LoginLocked) as locked:
        login_attempt(request=a_request(), username="school_a_admin", password=PASSWORD)
    assert locked.value.minutes_left == 1
    age_failures("school_a_admin", 2)
    assert login_attempt(request=a_request(), username="school_a_admin", password=PASSWORD)


def test_it_locks_only_the_username_that_failed(world):
    fail("school_a_admin", settings.LOGIN_MAX_FAILURES)
    assert login_attempt(request=a_request(), username="school_b_admin", password=PASSWORD)


def test_it_refuses_an_inactive_user(world):
    user = world.users["school_a_admin"]
    user.is_active = False
    user.save()
    with pytest.raises(LoginFailed):
        login_attempt(request=a_request(), username="school_a_admin", password=PASSWORD)


def test_it_prunes_only_old_failures(world):
    fail("school_a_admin", 2)
    age_failures("school_a_admin", 60 * 25)
    fail("school_b_admin", 1)
    assert login_failures_prune() == 2
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["school_b_admin"]
