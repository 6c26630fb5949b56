"""Time facts of a candidate's file, all counted with core.dates (R-GN-01, R-GN-02)."""

from __future__ import annotations

from datetime import date, datetime, time

from core.dates import SHANGHAI, Deadline, deadline, period_end, quarter_bounds, quarter_of
from core.models import RuleProfile
from core.profile import rule_profile


def decision_profile(day: date) -> RuleProfile:
    """The rule settings in force for a decision dated ``day`` (a change applies from the day after it)."""
    return rule_profile(at=datetime.combine(day, time.min, tzinfo=SHANGHAI))


def fmt(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def stage_since(candidate, stage: str) -> date | None:
    """The decision date of the latest change into ``stage`` (kept across branch transfers, R-MB-05)."""
    change = candidate.stage_changes.filter(to_stage=stage).order_by("-decided_on", "-pk").first()
    return change.decided_on if change else None


def talk_deadline(candidate) -> Deadline:
    """R-RC-02: the talk is due within 1 month of receiving the application."""
    return deadline(candidate.applied_on, months=1)


def probation_end(candidate) -> date | None:
    """R-RC-17: 1 year from the branch meeting's resolution (joined_on), plus an extension (R-RC-21)."""
    from recruitment.models import CandidateVote

    if not candidate.member_id or not candidate.member.joined_on:
        return None
    end = period_end(candidate.member.joined_on, years=1)
    months = (
        CandidateVote.objects.filter(
            candidate=candidate, proposal=CandidateVote.Proposal.EXTEND, passed=True, approval__approved=True
        )
        .values_list("extension_months", flat=True)
        .first()
    )
    return period_end(end, months=months) if months else end


def quarters_between(start: date, end: date) -> list[tuple[int, int]]:
    """Complete quarters after ``start`` up to ``end``: (year, quarter) pairs."""
    out = []
    year, q = start.year, quarter_of(start)
    while True:
        q += 1
        if q == 5:
            year, q = year + 1, 1
        if quarter_bounds(year, q)[1] > end:
            return out
        out.append((year, q))


def missing_report_quarters(candidate, *, start: date, end: date) -> list[tuple[int, int]]:
    """R-RC-05: complete quarters between ``start`` and ``end`` without a thought report."""
    have = {(d.year, quarter_of(d)) for d in candidate.thoughtreports.values_list("submitted_on", flat=True)}
    return [yq for yq in quarters_between(start, end) if yq not in have]
