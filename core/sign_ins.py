"""The sign-in audit (core.SignInEvent): every sign-in, failure, lockout and two-factor step, with the address.

Connected in CoreConfig.ready() to Django's and django-axes' signals; the two-factor pages call ``record``.
Rows are never deleted by the application (kept at least settings.SIGN_IN_EVENTS_KEPT_DAYS)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from core.login_throttle import client_ip, client_username


def record(kind: str, *, request=None, user=None, username: str = "") -> None:
    from core.models import SignInEvent

    if user is not None and getattr(user, "pk", None) is None:
        user = None
    username = (username or getattr(user, "username", "") or "")[:150]
    address = client_ip(request) if request is not None else None
    SignInEvent.objects.create(kind=kind, user=user, username=username, ip_address=address or None)


def _logged_in(sender, request, user, **kwargs):
    from core.two_factor import note_password_change_required

    record("login", request=request, user=user)
    if request is not None and hasattr(request, "session"):
        note_password_change_required(request, user)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record("logout", request=request, user=user)


def _login_failed(sender, credentials, request=None, **kwargs):
    username = (
        client_username(request, credentials) if request is not None else credentials.get("username", "")
    )
    username = str(username or "").replace("\x00", "")[:150]
    user = get_user_model().objects.filter(username=username).first() if username else None
    record("failure", request=request, user=user, username=username or "")


def _locked_out(sender, request, username, ip_address, **kwargs):
    user = get_user_model().objects.filter(username=username).first() if username else None
    record("lockout", request=request, user=user, username=username or "")


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(_logged_in, dispatch_uid="core.sign_ins.logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="core.sign_ins.logged_out")
    user_login_failed.connect(_login_failed, dispatch_uid="core.sign_ins.login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="core.sign_ins.locked_out")
