"""Two-factor sign-in end to end in Chromium (issue 15): a center clerk's first sign-in sets up an
authenticator from a QR code made by the server itself, sees ten recovery codes once, reaches the dashboard;
the next sign-in asks for a code, refuses a wrong one in Chinese and accepts a recovery code once."""

import pytest

from core.access import Role
from core.models import SignInEvent
from tests import factories
from tests.two_factor import code_for_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Test-pass-2026"  # tests.factories.make_user


def _password_step(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_a_clerk_sets_up_an_authenticator_then_signs_in_with_a_recovery_code(browser, live_server):
    factories.make_user(Role.CLERK, username="clerk_2fa", first_name="李文")
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    base = live_server.url

    _password_step(page, base, "clerk_2fa")
    assert "/accounts/two-factor/setup/" in page.url
    assert page.locator("h1").inner_text() == "绑定验证器（两步验证）"
    assert page.locator("img[alt=验证器二维码]").get_attribute("src").startswith("data:image/svg+xml")
    page.goto(f"{base}/members/")  # nothing else is reachable before the second factor
    assert "/accounts/two-factor/setup/" in page.url
    secret = page.locator(".totp-secret").inner_text()
    page.fill("input[name=code]", "000000" if code_for_key(secret) != "000000" else "111111")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "验证码不正确" in page.content()
    page.wait_for_timeout(
        1500
    )  # a wrong code slows the next try down (django-otp throttling: 1 s, then 2 s …)
    page.fill("input[name=code]", code_for_key(secret))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/accounts/two-factor/recovery-codes/" in page.url, page.content()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.click("text=继续")
    page.wait_for_url(f"{base}/members/")  # where the clerk was going when asked for the second factor

    with page.expect_navigation():
        page.click("header .user form button[type=submit]")  # 退出
    _password_step(page, base, "clerk_2fa")
    assert "/accounts/two-factor/" in page.url and page.locator("h1").inner_text() == "两步验证"
    page.fill("input[name=code]", "nope")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "验证码不正确" in page.content()
    page.wait_for_timeout(1500)
    page.fill("input[name=code]", codes[0])
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")
    context.close()

    kinds = list(
        SignInEvent.objects.filter(username="clerk_2fa").order_by("at", "pk").values_list("kind", flat=True)
    )
    assert kinds == ["login", "otp_failure", "otp_enrolled", "logout", "login", "otp_failure", "otp_success"]
