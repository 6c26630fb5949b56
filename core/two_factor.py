"""Two-factor sign-in (TOTP with django-otp, one-time recovery codes) and the first-sign-in password change.

Who must use it (``requires_two_factor``): administrators, center clerks and auditors — the roles that read
personal data in bulk (等保 2.0) — and secretaries too when ``TWO_FACTOR_FOR_SECRETARIES`` is on.

``TwoFactorMiddleware`` runs on every request of a signed-in user:
1. an account whose password was set by someone else (``PasswordChangeRequired``) sees only the password
   change page until its owner chooses a new password;
2. a user who must use two-factor and has not verified a device in this session sees only the verification
   page (or, with no confirmed authenticator yet, the enrolment page).
Logging out and the pages themselves stay reachable. The Django admin is covered like every other page.
"""

from __future__ import annotations

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device  # noqa: F401 (used by the views)
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import Role, roles_of

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "手机验证器"
RECOVERY_NAME = "恢复码"


def requires_two_factor(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    roles = {Role.ADMIN, Role.CLERK, Role.AUDITOR}
    if settings.TWO_FACTOR_FOR_SECRETARIES:
        roles.add(Role.SECRETARY)
    return user.is_superuser or bool(roles_of(user) & roles)


def must_change_password(user) -> bool:
    from core.models import PasswordChangeRequired

    return PasswordChangeRequired.objects.filter(user=user).exists()


def require_password_change(user) -> None:
    """Called wherever an account's password is set by someone else (the admin's add form, an import)."""
    from core.models import PasswordChangeRequired

    PasswordChangeRequired.objects.get_or_create(user=user)


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being set up: unconfirmed until the user types its first code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


@transaction.atomic
def confirm_authenticator(device: TOTPDevice, token: str) -> list[str] | None:
    """The first code proves the app holds the key: confirm the device and issue recovery codes (returned
    once, to be shown once). None when the code is wrong."""
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()  # one authenticator per account
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the account's recovery codes: each works once, instead of a code from the app."""
    static, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def match_code(user, code: str):
    """The confirmed device (authenticator or recovery codes) that accepts ``code``, or None. A recovery code
    is used up; wrong codes slow the next try down (django-otp's throttling)."""
    code = "".join(code.split()).lower()
    for device in devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    return None


EXEMPT_URL_NAMES = (
    "logout",
    "password_change",
    "password_change_done",
    "core:two_factor_verify",
    "core:two_factor_enrol",
    "core:two_factor_recovery",
    "core:health",
)
MUST_CHANGE_PASSWORD_KEY = "must_change_password"


def is_verified(request) -> bool:
    """A device was verified in this session (django_otp.login stores it in the session)."""
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def verify(request, device) -> None:
    django_otp.login(request, device)


def note_password_change_required(request, user) -> None:
    """At sign-in: remember in the session whether the password must be changed (no query per request)."""
    if must_change_password(user):
        request.session[MUST_CHANGE_PASSWORD_KEY] = True


def password_changed(request, user) -> None:
    from core.models import PasswordChangeRequired

    PasswordChangeRequired.objects.filter(user=user).delete()
    request.session.pop(MUST_CHANGE_PASSWORD_KEY, None)


class TwoFactorMiddleware:
    """The session, not a query, says whether this sign-in was verified: one confirmed device code per
    session (django-otp's middleware would load the device on every request)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: set[str] | None = None

    def _exempt_paths(self) -> set[str]:
        if self._exempt is None:
            self._exempt = {reverse(name) for name in EXEMPT_URL_NAMES} | {reverse("admin:logout")}
        return self._exempt

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.path not in self._exempt_paths():
            if request.session.get(MUST_CHANGE_PASSWORD_KEY):
                return redirect(reverse("password_change"))
            if not is_verified(request) and requires_two_factor(user):
                name = "core:two_factor_verify" if user_has_device(user) else "core:two_factor_enrol"
                return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
