"""The members app's reminders (core/reminders.py): floating members who lost contact (R-MB-06), as
``members.dashboard.lost_floating`` finds them for the 工作台 — in the person's scope, by the same condition."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from core.access import Role
from core.registry import Due, ReminderSource
from core.reminders import day_text, subject_of
from members.dashboard import lost_floating


def lost_contact(user, now: datetime) -> list[Due]:
    """R-MB-06: 失联 — the occasion is the last contact, so a member reached and lost again is reminded again."""
    away = (
        lost_floating(user, timezone.localdate(now)).select_related("member").order_by("last_reached", "pk")
    )
    return [
        Due(
            subject=subject_of(f),
            occasion=f.last_reached,
            text=f"流动党员{f.member.name}已失联（最后联系：{day_text(f.last_reached)}），请设法联系",
            url=reverse("members:detail", args=[f.member_id]),
        )
        for f in away
    ]


SOURCES = (
    ReminderSource(
        "members.lost_contact",
        "流动党员失联",
        lost_contact,
        frozenset({Role.SECRETARY, Role.CLERK}),
        order=20,
    ),
)
