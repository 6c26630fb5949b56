"""Text messages through a town's own SMS gateway: a small adapter interface, nothing built in.

A town that has a gateway writes a class with ``send(phone, text)`` (raising on failure) and names it in the
setting ``SMS_ADAPTER`` (environment variable of the same name), e.g. ``towngateway.sms.Gateway``; the class
is made with no arguments and reads its own settings. Without ``SMS_ADAPTER`` no text message is ever sent
and the reminder preferences page says so. See README "Reminders".
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class SmsAdapter(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send ``text`` (Chinese, at most ``SMS_MAX_LENGTH`` characters) to ``phone``; raise on failure."""


SMS_MAX_LENGTH = 70  # one message of Chinese text on Chinese networks


def adapter() -> SmsAdapter | None:
    """The configured gateway, or None when this installation sends no text messages."""
    path = getattr(settings, "SMS_ADAPTER", "") or ""
    if not path:
        return None
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SMS_ADAPTER {path!r} cannot be imported: {exc}") from exc
    return cls()


def configured() -> bool:
    return bool(getattr(settings, "SMS_ADAPTER", ""))
