"""The service desk's reminders (core/reminders.py): the matters a clerk holds that are overdue or due within
2 working days — ``Matter.objects.overdue`` / ``Matter.objects.due_soon`` with ``due_soon_limit``, the same
homes the queue and the 工作台 count. Each goes to the matter's current handler (经办人)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from core.access import Role
from core.registry import Due, ReminderSource
from core.reminders import day_text, subject_of
from services.deadlines import due_soon_limit
from services.models import Matter

HANDLERS = frozenset({Role.ADMIN, Role.CLERK})


def _held(user, queryset) -> list[Matter]:
    return list(queryset.filter(handler=user).select_related("service").order_by("deadline_at", "pk"))


def _what(matter: Matter) -> str:
    what = matter.service.name if matter.service else matter.get_kind_display()
    return f"办件{matter.receipt_number}（{matter.applicant_name}：{what}）"


def overdue(user, now: datetime) -> list[Due]:
    """R-SV-10: overdue as ``Matter.objects.overdue(now)`` decides."""
    return [
        Due(
            subject=subject_of(m),
            occasion=m.deadline_date or timezone.localdate(now),
            text=f"{_what(m)}已超期"
            + (f"，办结期限为{day_text(m.deadline_date)}" if m.deadline_date else ""),
            url=reverse("services:matter", args=[m.pk]),
        )
        for m in _held(user, Matter.objects.overdue(now))
    ]


def due_soon(user, now: datetime) -> list[Due]:
    """Due within 2 working days (``due_soon_limit``), not yet overdue."""
    last_day = due_soon_limit(timezone.localdate(now)).date
    return [
        Due(
            subject=subject_of(m),
            occasion=m.deadline_date,
            text=f"{_what(m)}将于{day_text(m.deadline_date)}到期",
            url=reverse("services:matter", args=[m.pk]),
        )
        for m in _held(user, Matter.objects.due_soon(now, last_day))
        if m.deadline_date
    ]


SOURCES = (
    ReminderSource("services.overdue", "我经办的办件已超期", overdue, HANDLERS, order=10),
    ReminderSource("services.due_soon", "我经办的办件两个工作日内到期", due_soon, HANDLERS, order=11),
)
