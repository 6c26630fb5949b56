"""Time facts of a candidate's file, all counted with core.dates (R-GN-01, R-GN-02).

Facts about one candidate read the file through ``.all()``: with ``Candidate.objects.with_file()`` they cost no
query, and without it one query per record kind.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    changes = [c for c in candidate.stage_changes.all() if c.to_state == stage]
    return max(changes, key=lambda c: (c.decided_on, c.pk)).decided_on if changes else None


def first_talk(candidate):
    return min(candidate.talks.all(), key=lambda t: (t.talked_on, t.pk), default=None)


def latest_vote(candidate, proposal: str):
    """The latest branch-meeting vote on ``proposal`` for the candidate, or None."""
    votes = [v for v in candidate.votes.all() if v.proposal == proposal]
    return max(votes, key=lambda v: (v.meeting.held_on, v.pk)) if votes else None


def approval_of(vote):
    return getattr(vote, "approval", None) if vote else None


def talk_deadline(candidate) -> Deadline:
    """R-RC-02: the talk is due within 1 month of receiving the application."""
    return deadline(candidate.applied_on, months=1)


def latest_assessment(candidate, on: date):
    """The latest assessment (R-RC-06) on or before ``on``, or None."""
    return max(
        (a for a in candidate.assessments.all() if a.assessed_on <= on),
        key=lambda a: a.assessed_on,
        default=None,
    )


def assessment_due(since: date, months: int) -> date:
    """R-RC-06: the branch assesses an activist at least every ``months`` months (setting): the next assessment
    is due ``months`` after ``since`` — the last assessment, or the branch committee's decision before the first."""
    return period_end(since, months=months)


def approval_deadline(held_on: date) -> date:
    """R-RC-16: the committee approves a branch resolution within 3 months of the meeting (a deadline)."""
    return deadline(held_on, months=3).date


def probation_end(candidate) -> date | None:
    """R-RC-17: 1 year from the branch meeting's resolution (joined_on), plus an extension (R-RC-21)."""
    from recruitment.models import CandidateVote

    if not candidate.member_id or not candidate.member.joined_on:
        return None
    end = period_end(candidate.member.joined_on, years=1)
    months = next(
        (
            v.extension_months
            for v in candidate.votes.all()
            if v.proposal == CandidateVote.Proposal.EXTEND
            and v.passed
            and (approval := approval_of(v)) is not None
            and approval.approved
        ),
        None,
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
        if year > end.year or quarter_bounds(year, q)[1] > end:  # no year past 9999 is ever built
            return out
        out.append((year, q))


def missing_report_quarters(candidate, *, start: date, end: date) -> list[tuple[int, int]]:
    """R-RC-05: complete quarters between ``start`` and ``end`` without a thought report."""
    have = {(r.submitted_on.year, quarter_of(r.submitted_on)) for r in candidate.thoughtreports.all()}
    return [yq for yq in quarters_between(start, end) if yq not in have]


# --- R-RC-16: filing (备案) after approval --------------------------------------------------------------------


def filing_deadline(approved_on: date) -> date:
    """R-RC-16: within 1 month of approval the new probationary member is filed with the department above."""
    return deadline(approved_on, months=1).date


def filing_overdue(*, approved_on: date, filed_on: date | None, on: date) -> bool:
    """R-RC-16: not filed, and the month for filing is over (a filing made late stays flagged)."""
    return (filed_on or on) > filing_deadline(approved_on)


# --- R-RC-19: the conversion application, about a week before probation ends -----------------------------


def conversion_reminder_from(probation_ends: date) -> date:
    """R-RC-19: the member applies about a week before probation ends; from then on the branch reminds them."""
    return period_end(probation_ends, days=-7)


# --- R-RC-24: annual development plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFigure:
    organization_id: int
    year: int
    quota: int | None  # None: no plan made
    admitted: int

    @property
    def full(self) -> bool:
        """The next admission would be beyond the plan."""
        return self.quota is not None and self.admitted >= self.quota

    @property
    def over(self) -> bool:
        """R-RC-24: admissions beyond the plan."""
        return self.quota is not None and self.admitted > self.quota


def plan_figures(*, year: int) -> dict[int, PlanFigure]:
    """R-RC-24: per organisation, the year's plan and the admissions (approved "admit" decisions) — two
    queries for every organisation at once. Admissions count for the candidate's present branch."""
    from django.db.models import Count

    from recruitment.models import DevelopmentPlan, Stage, StageChange

    quotas = dict(DevelopmentPlan.objects.filter(year=year).values_list("organization_id", "quota"))
    admitted = dict(
        StageChange.objects.filter(action="admit", to_state=Stage.PROBATIONARY, decided_on__year=year)
        .values("candidate__organization")
        .annotate(n=Count("pk"))
        .values_list("candidate__organization", "n")
    )
    return {
        org: PlanFigure(org, year, quotas.get(org), admitted.get(org, 0))
        for org in quotas.keys() | admitted.keys()
    }
