"""Login throttling with django-axes: the client address behind the proxy, and the gatekeeping backend.

Settings (config/settings.py) lock a username *at one address* for a cool-off; this module only decides
what the client address is and what happens when ``authenticate()`` is called without a request.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address the connection came from, seen through ``TRUSTED_PROXY_COUNT`` reverse proxies.

    Each proxy appends the address it saw to X-Forwarded-For, so only the last ``TRUSTED_PROXY_COUNT``
    entries are trustworthy; earlier entries are whatever the client chose to send and are ignored.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def client_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username axes records and locks on (AXES_USERNAME_CALLABLE): what was typed, without NUL bytes and
    cut to the longest username an account can have. Axes writes it to a 255-character column, so a longer
    name typed into a login form was a server error instead of a failed login."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    username = credentials.get(field) if credentials else getattr(request, "data", request.POST).get(field)
    if username is None:
        return None
    limit = getattr(get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD), "max_length", None)
    return str(username).replace("\x00", "")[:limit]


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a locked-out username/address pair; calls without a request are not throttled.

    Every login over HTTP (our login page, the admin login) passes the request, so it is throttled.
    ``authenticate()`` without a request only happens in-process — the test client's ``login()``, a shell —
    where there is no client address to lock; plain axes would raise instead of letting ModelBackend decide.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
