"""Conversion's reminders (core/reminders.py): transition periods ending within 30 days (R-CV-11), found by
``ConversionCase.objects.transition_ending`` as the 工作台 counts them — for the center, which handles them."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from conversion.access import WRITE_ROLES
from conversion.dashboard import cases_transition_ending
from core.registry import Due, ReminderSource
from core.reminders import day_text, subject_of


def transition_ending(user, now: datetime) -> list[Due]:
    """R-CV-11: the transition period ends within 30 days, or has ended and awaits closing."""
    today = timezone.localdate(now)
    cases = cases_transition_ending(today).select_related("member").order_by("transition_ends_on", "pk")
    return [
        Due(
            subject_of(case),
            case.transition_ends_on,
            f"{case.member.name}的转化过渡期"
            + (
                f"将于{day_text(case.transition_ends_on)}届满"
                if case.transition_ends_on >= today
                else f"已于{day_text(case.transition_ends_on)}届满，待结案"
            ),
            reverse("conversion:case_detail", args=[case.pk]),
        )
        for case in cases
        if case.transition_ends_on
    ]


SOURCES = (
    ReminderSource(
        "conversion.transition_ending",
        "转化过渡期即将届满",
        transition_ending,
        frozenset(WRITE_ROLES),
        order=40,
    ),
)
