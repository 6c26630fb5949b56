"""Time facts of a candidate's file, all counted with core.dates (R-GN-01, R-GN-02).

Facts about one candidate read the file through ``.all()``: with ``Candidate.objects.with_file()`` they cost no
query, and without it one query per record kind.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull, LessThan, LessThanOrEqual

from core.dates import (
    SHANGHAI,
    Deadline,
    PeriodEnd,
    add_months,
    deadline,
    latest_deadline_start,
    latest_start,
    min_wait_until,
    period_end,
    quarter_bounds,
    quarter_of,
)
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
    out: list[tuple[int, int]] = []
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


# --- predicates ----------------------------------------------------------------------------------------------
# Each question a rule asks about a candidate (or a vote) on a day, in the two forms callers need: for one
# record (``…(candidate, on)``, reading the file through ``.all()``) and as a condition over a queryset
# (``…_q(on)``, the SQL twin, counted with core.dates' SQL expressions). The querysets
# (recruitment.models ``Candidate.objects.…`` / ``CandidateVote.objects.…``), the 工作台, the board, the
# candidate page and the statistics call these; tests/recruitment/test_agreement.py proves each pair equal on
# both sides of its boundary days.


def _among(records) -> Q:
    """The candidate has one of ``records`` (of a kind of file record): ``id IN (their candidate ids)``, which
    PostgreSQL hashes once per query (the ids of a town's records fit its hash memory many times over; the
    column is NOT NULL, so ``NOT IN`` means "none"). The equivalent EXISTS is probed once per candidate inside
    a FILTERed count (the planner prices a count's FILTER as evaluated once, and keeps the per-row plan): 3 ms
    for the applicants' talks at L (issue 21). In a WHERE either is one hashed pass."""
    return Q(pk__in=records.order_by().values("candidate_id"))


def _activist_since():
    """SQL twin of ``stage_since(candidate, ACTIVIST)``: the decision date of the latest change into activist,
    kept on the candidate by the database (``Candidate.activist_since``, migration 0006) — a column, not one
    subquery per activist (issue 21)."""
    return F("activist_since")


def target_allowed_from(activist_since: date) -> date:
    """R-RC-07 / R-GN-01: a minimum wait of 1 year as activist, complete on the last day of its period — from
    2025-10-01 the earliest development-target decision is 2026-10-01, from 2024-02-29 it is 2025-02-28."""
    return min_wait_until(activist_since, years=1)


def activist_year_complete(candidate, on: date) -> bool:
    """R-RC-07: an activist whose year as activist is complete on ``on``."""
    from recruitment.models import Stage

    since = stage_since(candidate, Stage.ACTIVIST)
    return candidate.stage == Stage.ACTIVIST and since is not None and target_allowed_from(since) <= on


def activist_year_complete_q(on: date) -> Q:
    from recruitment.models import Stage

    # target_allowed_from(since) <= on  ⇔  since <= the latest start of a year that ends by ``on``
    return Q(stage=Stage.ACTIVIST) & Q(LessThanOrEqual(_activist_since(), Value(latest_start(on, years=1))))


def talk_due(candidate, on: date) -> bool:
    """R-RC-02: an applicant with no talk on file whose talk deadline (moved past days off) is ``on`` or before."""
    from recruitment.models import Stage

    return (
        candidate.stage == Stage.APPLICANT
        and first_talk(candidate) is None
        and talk_deadline(candidate).date <= on
    )


def talk_due_q(on: date) -> Q:
    from recruitment.models import Stage, Talk

    # deadline ≤ on  ⇔  the deadline is over on the next day  ⇔  applied on its latest start or before
    reached_from = latest_deadline_start(period_end(on, days=1), months=1)
    return Q(stage=Stage.APPLICANT) & ~_among(Talk.objects.all()) & Q(applied_on__lte=reached_from)


def thought_reports_since(candidate) -> date:
    """R-RC-05: the day from which thought reports are due: the branch meeting's resolution for a probationary
    member, otherwise the branch committee's decision making the candidate an activist (or the application)."""
    from recruitment.models import Stage

    if candidate.stage == Stage.PROBATIONARY and candidate.member_id and candidate.member.joined_on:
        return candidate.member.joined_on
    return stage_since(candidate, Stage.ACTIVIST) or candidate.applied_on


def _previous_quarter(on: date) -> tuple[int, int]:
    first = add_months(quarter_bounds(on.year, quarter_of(on))[0], -3)
    return first.year, quarter_of(first)


def last_quarter_report_missing(candidate, on: date) -> bool:
    """R-RC-05: an activist or probationary member without a thought report in the last complete quarter, which
    was due (it is a complete quarter after the start, ``missing_report_quarters``)."""
    from recruitment.models import Stage

    if candidate.stage not in (Stage.ACTIVIST, Stage.PROBATIONARY):
        return False
    start = thought_reports_since(candidate)
    return _previous_quarter(on) in missing_report_quarters(candidate, start=start, end=on)


def last_quarter_report_missing_q(on: date) -> Q:
    from recruitment.models import Stage, ThoughtReport

    first, last = quarter_bounds(*_previous_quarter(on))
    reported = ThoughtReport.objects.filter(submitted_on__range=(first, last))
    # the quarter is due when it is a complete quarter after the start's: the start is before its first day
    return (
        Q(stage__in=(Stage.ACTIVIST, Stage.PROBATIONARY))
        & Q(LessThan(_reports_since(), first))
        & ~_among(reported)
    )


def _reports_since():
    """SQL twin of ``thought_reports_since``, computed by the database on every write of the candidate
    (``Candidate.reports_since``, a generated column, migration 0008): the joining date for a probationary
    member with one, otherwise the activist decision or the application — one indexed column the flag reads
    by a range scan (issue 21)."""
    return F("reports_since")


def _joined_on():
    """The candidate's member record's joining date (the branch meeting's resolution), kept on the candidate
    by the database (``Candidate.member_joined_on``, migration 0007): a column, not a lookup of the member by
    primary key for each probationary candidate in each condition that asks (issue 21)."""
    return F("member_joined_on")


# The lookup below depends on nothing but the models: built once, as a template (an expression is copied
# when a query resolves it, never changed), it spares each page building it again for every condition that
# reads it (issue 21).
@functools.cache
def _approved_extension_months():
    """SQL twin of the extension ``probation_end`` adds: the first approved extension's months (R-RC-21)."""
    from recruitment.models import CandidateVote

    extensions = CandidateVote.objects.filter(
        candidate=OuterRef("pk"), proposal=CandidateVote.Proposal.EXTEND, passed=True, approval__approved=True
    ).order_by("meeting__held_on", "pk")
    return Coalesce(Subquery(extensions.values("extension_months")[:1]), Value(0))


def probation_end_sql(year=None):
    """SQL twin of ``probation_end``: 1 year from joined_on, plus the first approved extension (R-RC-17/21).
    ``year``: the year from joined_on (``_unextended_probation_end_sql()``) when the caller has it already."""
    year = _unextended_probation_end_sql() if year is None else year
    return PeriodEnd(year, months=_approved_extension_months())


def _unextended_probation_end_sql():
    return PeriodEnd(_joined_on(), years=1)


def _probation_ends_by(on: date, *, days: int = 0) -> Q:
    """``probation_end_sql()`` shifted by ``days`` is ``on`` or before. An extension only lengthens probation
    (by 6 to 12 months, ``vote_extension_6_to_12_months``), so the year without it is checked first — the same
    answer, and the extension's lookup is spared for every probationary member whose year alone already ends
    after ``on`` (issue 21) — and for one without a joining date (no member record yet), whose unknown end is no
    end (false, not NULL: a NULL would make SQL look the extension up to tell NULL from false). The year is
    checked on the joining date itself, against the latest one whose year ends by ``on`` (``latest_start``):
    no date arithmetic per candidate, and a range of an index."""
    year = _unextended_probation_end_sql()
    year_ends_by = LessThanOrEqual(_joined_on(), Value(latest_start(on, years=1, days=days)))
    ends_by = LessThanOrEqual(PeriodEnd(probation_end_sql(year), days=days), on)
    # The plain comparison is a range the planner reads from ``candidate_probationary``; IS NOT NULL makes
    # the answer false, not NULL, without a joining date, so the extension is never looked up for one.
    return Q(year_ends_by) & Q(IsNull(_joined_on(), False)) & Q(ends_by)


def probation_ending(candidate, on: date) -> bool:
    """R-RC-17 / R-RC-21 / R-RC-19: a probationary member whose probation (with any extension) ends within a
    month of ``on``, or has ended and is not yet converted."""
    from recruitment.models import Stage

    end = probation_end(candidate) if candidate.stage == Stage.PROBATIONARY else None
    return end is not None and end <= period_end(on, months=1)


def probation_ending_q(on: date) -> Q:
    from recruitment.models import Stage

    return Q(stage=Stage.PROBATIONARY) & _probation_ends_by(period_end(on, months=1))


def approval_overdue(vote, on: date) -> bool:
    """R-RC-16 with R-GN-02: a passed branch resolution still awaiting the committee's approval after its
    3-month deadline (moved past days off) — over on the day after the deadline."""
    return bool(vote.passed) and approval_of(vote) is None and on > approval_deadline(vote.meeting.held_on)


def approval_overdue_q(on: date) -> Q:
    # the deadline from the meeting is over  ⇔  the meeting is on its latest start or before
    return Q(passed=True, approval__isnull=True, meeting__held_on__lte=latest_deadline_start(on, months=3))


def approval_nearly_due_q(on: date) -> Q:
    """R-RC-16: awaiting approval, the 3 months end within 2 weeks (and the deadline is not over yet)."""
    return Q(
        passed=True, approval__isnull=True, meeting__held_on__lte=period_end(add_months(on, -3), days=14)
    ) & ~approval_overdue_q(on)


def filing_overdue_q(on: date) -> Q:
    """SQL twin of ``filing_overdue`` for approvals not yet filed (R-RC-16): an approved admission whose month
    for filing (moved past days off) is over on ``on``. Over ``Approval`` rows."""
    from recruitment.models import CandidateVote

    return Q(
        vote__proposal=CandidateVote.Proposal.ADMIT,
        approved=True,
        filed_on__isnull=True,
        decided_on__lte=latest_deadline_start(on, months=1),
    )


def conversion_not_applied(candidate, on: date) -> bool:
    """R-RC-19: a probationary member with no conversion application from about a week before probation ends
    (``conversion_reminder_from``; the reminder ``guards.conversion_application_reminder`` shows)."""
    from recruitment.models import Stage

    if candidate.stage != Stage.PROBATIONARY or candidate.conversionapplications.all():
        return False
    end = probation_end(candidate)
    return end is not None and on >= conversion_reminder_from(end)


def conversion_not_applied_q(on: date) -> Q:
    from recruitment.models import ConversionApplication, Stage

    return (
        Q(stage=Stage.PROBATIONARY)
        & ~_among(ConversionApplication.objects.all())
        & _probation_ends_by(on, days=-7)
    )


def notice_running(candidate, on: date) -> bool:
    """R-RC-12: a development target whose public notice (公示) runs on ``on`` (its first to its last day)."""
    from recruitment.models import Stage

    return candidate.stage == Stage.TARGET and any(
        n.starts_on <= on <= n.ends_on for n in candidate.publicnotices.all()
    )


def notice_running_q(on: date) -> Q:
    from recruitment.models import PublicNotice, Stage

    return Q(stage=Stage.TARGET) & _among(PublicNotice.objects.filter(starts_on__lte=on, ends_on__gte=on))


def oath_missing(candidate) -> bool:
    """R-RC-18: a probationary member who has not taken the oath (conversion is not processed without it)."""
    from recruitment.models import Stage

    return candidate.stage == Stage.PROBATIONARY and not candidate.oaths.all()


def oath_missing_q() -> Q:
    from recruitment.models import Oath, Stage

    return Q(stage=Stage.PROBATIONARY) & ~_among(Oath.objects.all())
