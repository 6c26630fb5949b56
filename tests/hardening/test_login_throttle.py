"""Login throttling (django-axes): a username is locked at one address for a cool-off, in Chinese."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from core.login_throttle import client_ip

PASSWORD = "Test-pass-2026"  # tests/factories.make_user


def attempt(client, username, password="wrong-password", ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail_until_locked(client, username, ip="10.0.0.1"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(client, username, ip=ip)
    return response


@pytest.mark.django_db
def test_repeated_failures_lock_the_username_at_that_address_with_a_chinese_page(client, clerk):
    response = fail_until_locked(client, clerk.username)
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已暂时锁定" in page and "15 分钟后重试" in page
    # Even the right password is refused while locked.
    response = attempt(client, clerk.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_colleague_at_the_same_address_can_still_log_in(client, clerk, auditor):
    fail_until_locked(client, clerk.username, ip="10.0.0.1")
    response = attempt(client, auditor.username, PASSWORD, ip="10.0.0.1")
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_same_user_from_another_address_can_still_log_in(client, clerk):
    fail_until_locked(client, clerk.username, ip="10.0.0.1")
    response = attempt(client, clerk.username, PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client, clerk):
    fail_until_locked(client, clerk.username)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = attempt(client, clerk.username, PASSWORD)
    assert response.status_code == 302


@pytest.mark.django_db
def test_failures_below_the_limit_do_not_lock(client, clerk):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, clerk.username).status_code == 200
    assert attempt(client, clerk.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_lockouts_are_listed_in_the_admin(client, clerk, admin_user):
    fail_until_locked(client, clerk.username, ip="10.9.8.7")
    client.force_login(admin_user)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    assert clerk.username in response.content.decode()
    assert "10.9.8.7" in response.content.decode()


@pytest.mark.django_db
def test_test_client_login_and_force_login_keep_working(client, clerk):
    assert client.login(username=clerk.username, password=PASSWORD)
    assert not client.login(username=clerk.username, password="wrong")
    client.force_login(clerk)
    assert client.get(reverse("core:dashboard")).status_code == 200


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_address_is_the_one_the_proxy_appended():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    # "1.2.3.4" was sent by the client itself and could be anything.
    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_proxy_a_forwarded_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.django_db
def test_behind_a_proxy_the_lock_follows_the_real_client_address(client, clerk):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": clerk.username, "password": "wrong"},
            REMOTE_ADDR="10.0.0.254",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    response = client.post(
        reverse("login"),
        {"username": clerk.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_username_longer_than_any_account_is_a_failed_login_not_a_server_error(client):
    """Axes writes the username to a 255-character column: it records the first 150 characters."""
    response = attempt(client, "长" * 5000)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get().username == "长" * 150


@pytest.mark.django_db
def test_overlong_usernames_are_locked_like_any_other(client):
    response = fail_until_locked(client, "x" * 300)
    assert response.status_code == 429
