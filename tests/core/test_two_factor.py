"""Two-factor sign-in for administrators, clerks and auditors; the first-sign-in password change; the sign-in
audit (issue 15, 等保 2.0). The browser test (tests/browser/test_two_factor.py) walks the pages end to end."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from core.models import PasswordChangeRequired, SignInEvent
from core.two_factor import confirm_authenticator, pending_authenticator
from tests import factories
from tests.two_factor import authenticator, current_code

pytestmark = pytest.mark.django_db

PASSWORD = "Test-pass-2026"


def _password_step(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("persona", ["admin_user", "clerk", "auditor"])
def test_a_bulk_reader_without_an_authenticator_is_sent_to_set_one_up_before_any_page(request, persona):
    client = _password_step(request.getfixturevalue(persona))
    for url in (reverse("core:dashboard"), reverse("members:list"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and reverse("core:two_factor_enrol") in response["Location"]


def test_a_secretary_signs_in_with_the_password_alone_by_default(secretary_a):
    assert _password_step(secretary_a).get(reverse("core:dashboard")).status_code == 200


def test_the_setting_requires_two_factor_of_secretaries_too(secretary_a, settings):
    settings.TWO_FACTOR_FOR_SECRETARIES = True
    response = _password_step(secretary_a).get(reverse("core:dashboard"))
    assert response.status_code == 302 and reverse("core:two_factor_enrol") in response["Location"]


def test_the_enrolment_page_shows_a_locally_made_qr_code_and_the_secret(clerk):
    page = _password_step(clerk).get(reverse("core:two_factor_enrol")).content.decode()
    assert 'src="data:image/svg+xml' in page and "totp-secret" in page and "绑定验证器" in page


def test_a_wrong_code_is_refused_in_chinese_and_logged_and_the_right_one_lets_the_clerk_in(clerk):
    device = authenticator(clerk)
    client = _password_step(clerk)
    verify = reverse("core:two_factor_verify")
    response = client.post(verify, {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert "验证码不正确" in response.content.decode()
    assert client.get(reverse("core:dashboard")).status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0  # (the wrong code's throttling delay, not what this test is about)
    device.save()
    assert client.post(verify, {"code": current_code(device)}).status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    kinds = list(SignInEvent.objects.filter(user=clerk).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["login", "otp_failure", "otp_success"]


def test_confirming_an_authenticator_issues_ten_single_use_recovery_codes(clerk):
    device = pending_authenticator(clerk)
    codes = confirm_authenticator(device, current_code(device))
    assert codes is not None and len(set(codes)) == 10
    first = _password_step(clerk)
    assert first.post(reverse("core:two_factor_verify"), {"code": codes[0]}).status_code == 302
    again = _password_step(clerk)
    assert (
        "验证码不正确" in again.post(reverse("core:two_factor_verify"), {"code": codes[0]}).content.decode()
    )


def test_failed_passwords_and_lockouts_are_kept_in_the_sign_in_audit(clerk, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(reverse("login"), {"username": clerk.username, "password": "wrong"})
    kinds = set(SignInEvent.objects.filter(username=clerk.username).values_list("kind", flat=True))
    assert {"failure", "lockout"} <= kinds


def test_an_account_added_by_an_administrator_must_change_its_password_first(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newclerk",
            "last_name": "周",
            "first_name": "小红",
            "password1": "Xy-secret-2026",
            "password2": "Xy-secret-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    newcomer = User.objects.get(username="newclerk")
    assert PasswordChangeRequired.objects.filter(user=newcomer).exists()

    fresh = Client()
    fresh.post(reverse("login"), {"username": "newclerk", "password": "Xy-secret-2026"})
    response = fresh.get(reverse("core:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    page = fresh.get(reverse("password_change")).content.decode()
    assert "请先设置只有您自己知道的新密码" in page
    fresh.post(
        reverse("password_change"),
        {
            "old_password": "Xy-secret-2026",
            "new_password1": "Mine-only-2026!",
            "new_password2": "Mine-only-2026!",
        },
    )
    assert not PasswordChangeRequired.objects.filter(user=newcomer).exists()
    assert fresh.get(reverse("core:dashboard")).get("Location") != reverse("password_change")


def test_force_login_personas_have_passed_two_factor(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_demo_logins_are_pre_enrolled_and_printed_with_their_recovery_codes(town):
    from io import StringIO

    from members import demo

    out = StringIO()
    demo.ensure_logins(out, branch=factories.make_branch("演示党支部"))
    assert demo.DEMO_TOTP_SECRET in out.getvalue() and demo.DEMO_RECOVERY_CODES[0] in out.getvalue()
    clerk = User.objects.get(username="clerk")
    client = Client()
    client.post(reverse("login"), {"username": "clerk", "password": demo.DEMO_PASSWORD})
    assert reverse("core:two_factor_verify") in client.get(reverse("core:dashboard"))["Location"]
    assert (
        client.post(reverse("core:two_factor_verify"), {"code": demo.DEMO_RECOVERY_CODES[1]}).status_code
        == 302
    )
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert SignInEvent.objects.filter(user=clerk, kind="otp_success").exists()
