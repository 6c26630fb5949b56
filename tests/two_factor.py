"""Two-factor sign-in for test personas: a verified session for ``force_login``, codes for the login form."""

from __future__ import annotations

import time

from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.two_factor import AUTHENTICATOR_NAME, requires_two_factor


def authenticator(user) -> TOTPDevice:
    """The persona's confirmed authenticator (made on first use)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """What the phone app shows now — or, when this step's code was already used (a second sign-in within 30
    seconds: a code is accepted once), the next step's, which the device's tolerance of one step accepts."""
    clock = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    clock.time = time.time()
    if device.last_t is not None and device.last_t >= clock.t():
        clock.time += device.step * (device.last_t + 1 - clock.t())
    return f"{clock.token():0{device.digits}d}"


def code_for_key(base32_secret: str) -> str:
    """What an app that was given this secret (as the enrolment page shows it) shows now."""
    import base64

    key = base64.b32decode(base32_secret.replace(" ", ""))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def verify_two_factor(client, user) -> None:
    """Mark the client's session as having passed two-factor sign-in, as the verification page does."""
    if not requires_two_factor(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()
    if settings.SESSION_COOKIE_NAME not in client.cookies:
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def sign_in(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the login form in the browser, then through two-factor sign-in when the role needs
    it: on the enrolment page the secret shown for manual entry gives the code (as an app would), the
    recovery codes are acknowledged; on the verification page the persona's authenticator gives it."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if "/accounts/two-factor/setup/" in page.url:
        secret = page.locator(".totp-secret").inner_text()
        page.fill("input[name=code]", code_for_key(secret))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        with page.expect_navigation():
            page.click("text=继续")
    elif "/accounts/two-factor/" in page.url:
        from django.contrib.auth.models import User

        page.fill("input[name=code]", current_code(authenticator(User.objects.get(username=username))))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
