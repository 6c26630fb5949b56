"""Recruitment's reminders (core/reminders.py): the 工作台's flags for one person's candidates — each found by
the queryset home the 工作台 counts (``Candidate.objects.talk_due`` …, ``CandidateVote.objects
.approval_nearly_due``) in the person's scope, never decided again here."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from core.access import Role, scope_queryset
from core.dates import quarter_bounds, quarter_of
from core.registry import Due, ReminderSource
from core.reminders import day_text, subject_of
from recruitment import rules
from recruitment.models import Candidate, CandidateVote

WHO = frozenset({Role.SECRETARY, Role.CLERK})


def _candidates(user):
    return scope_queryset(Candidate.objects.all(), user)


def _url(candidate_id: int) -> str:
    return reverse("recruitment:candidate", args=[candidate_id])


def talk_due(user, now: datetime) -> list[Due]:
    """R-RC-02: the month for the talk ends today or is over, and no talk is on file."""
    today = timezone.localdate(now)
    out = []
    for c in _candidates(user).talk_due(today).order_by("applied_on", "pk"):
        deadline = rules.talk_deadline(c).date
        when = "今天到期" if deadline == today else f"已于{day_text(deadline)}到期"
        out.append(Due(subject_of(c), deadline, f"{c.name}的入党谈话{when}，尚未谈话", _url(c.pk)))
    return out


def report_missing(user, now: datetime) -> list[Due]:
    """R-RC-05: no thought report in the last complete quarter; once per quarter."""
    today = timezone.localdate(now)
    this_quarter = quarter_bounds(today.year, quarter_of(today))[0]
    return [
        Due(subject_of(c), this_quarter, f"{c.name}上季度没有思想汇报", _url(c.pk))
        for c in _candidates(user).last_quarter_report_missing(today).order_by("name", "pk")
    ]


def probation_ending(user, now: datetime) -> list[Due]:
    """R-RC-17 / R-RC-21: probation (with any extension) ends within a month; the occasion is its end."""
    today = timezone.localdate(now)
    ending = (
        _candidates(user)
        .probation_ending(today)
        .annotate(probation_ends=rules.probation_end_sql())
        .order_by("probation_ends", "pk")
    )
    out = []
    for c in ending:
        ends = c.probation_ends
        when = f"将于{day_text(ends)}期满" if ends >= today else f"已于{day_text(ends)}期满"
        out.append(Due(subject_of(c), ends, f"{c.name}的预备期{when}，请及时讨论转正", _url(c.pk)))
    return out


def approval_nearly_due(user, now: datetime) -> list[Due]:
    """R-RC-16: a branch resolution awaiting approval whose 3 months end within 2 weeks."""
    today = timezone.localdate(now)
    votes = scope_queryset(CandidateVote.objects.all(), user, "candidate__organization")
    out = []
    for v in votes.approval_nearly_due(today).select_related("candidate", "meeting").order_by("pk"):
        deadline = rules.approval_deadline(v.meeting.held_on)
        out.append(
            Due(
                subject_of(v),
                deadline,
                f"{v.candidate.name}的支部大会决议（{day_text(v.meeting.held_on)}）待上级党委审批，"
                f"须在{day_text(deadline)}前审批",
                _url(v.candidate_id),
            )
        )
    return out


SOURCES = (
    ReminderSource("recruitment.talk_due", "入党谈话到期", talk_due, WHO, order=30),
    ReminderSource("recruitment.report_missing", "上季度缺思想汇报", report_missing, WHO, order=31),
    ReminderSource("recruitment.probation_ending", "预备期将满", probation_ending, WHO, order=32),
    ReminderSource(
        "recruitment.approval_nearly_due", "审批临近3个月期限", approval_nearly_due, WHO, order=33
    ),
)
