"""工作台 items of the recruitment pipeline, counted in the user's scope in one query (issue 21): per table
(candidates, branch resolutions, approvals) one aggregate with a FILTERed count per flag, side by side.

Each flag's condition is its predicate's SQL home in recruitment.rules (``…_q``, beside the rule for one
candidate), the condition the querysets of recruitment.models filter with; the board's ``?flag=`` lists what a
counter counts with that same condition (``flagged``).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from core.access import scope_queryset, scoped_organization_ids
from core.counting import side_by_side
from core.dates import local_today
from core.registry import DashboardItem
from recruitment import rules
from recruitment.models import Approval, Candidate, CandidateVote

SECTION = "发展党员"

# What a flag counts: candidates, branch resolutions (CandidateVote) or approvals.
CANDIDATES, VOTES, APPROVALS = "candidates", "votes", "approvals"


def items(user) -> list[DashboardItem]:
    url = reverse("recruitment:board")
    today = local_today()
    found = dashboard_flags(today)
    # The statement is compiled once per day and scope (core.sqlreuse), run on every request.
    counts = side_by_side(
        lambda: count_parts([(f.label, f.counts, f.condition) for f in found], scoped(user)),
        reuse=("recruitment.dashboard.items", today, scoped_organization_ids(user)),
    )
    return [
        DashboardItem(
            section=SECTION, label=f.label, count=counts[f.label], url=f"{url}?flag={KEYS[f.label]}",
            level=f.level,
        )
        for f in found
        if counts[f.label]
    ]  # fmt: skip


def scoped(user) -> dict[str, QuerySet]:
    """The candidates, resolutions and approvals ``user`` may see, by what a flag counts."""
    return {
        CANDIDATES: scope_queryset(Candidate.objects.all(), user),
        VOTES: scope_queryset(CandidateVote.objects.all(), user, "candidate__organization"),
        APPROVALS: scope_queryset(Approval.objects.all(), user, "vote__candidate__organization"),
    }


TALK_DUE = "入党谈话到期或超期（R-RC-02）"
REPORT_MISSING = "上季度缺思想汇报（R-RC-05）"
ACTIVIST_YEAR = "积极分子满1年可列为发展对象（R-RC-07）"
APPROVAL_OVERDUE = "审批超过3个月（最长6个月）（R-RC-16）"
PROBATION_ENDING = "预备期将满（R-RC-17、R-RC-19）"
FILING_OVERDUE = "入党后超过1个月未备案（R-RC-16）"
CONVERSION_NOT_APPLIED = "预备期满前一周未递交转正申请（R-RC-19）"
NOTICE_RUNNING = "公示进行中（R-RC-12）"
APPROVAL_NEARLY_DUE = "审批临近3个月期限（R-RC-16）"
NO_OATH = "尚未入党宣誓（R-RC-18）"

# Each counter's key in the board's ``?flag=``: the board lists the candidates the counter counts (``flagged``).
KEYS = {
    TALK_DUE: "talk_due",
    REPORT_MISSING: "report_missing",
    ACTIVIST_YEAR: "activist_year",
    NOTICE_RUNNING: "notice_running",
    APPROVAL_NEARLY_DUE: "approval_nearly_due",
    APPROVAL_OVERDUE: "approval_overdue",
    PROBATION_ENDING: "probation_ending",
    NO_OATH: "no_oath",
    FILING_OVERDUE: "filing_overdue",
    CONVERSION_NOT_APPLIED: "conversion_not_applied",
}
LABELS = {key: label for label, key in KEYS.items()}

# The same questions for one candidate (its page): the rule forms beside the conditions of ``dashboard_flags``.
ONE_CANDIDATE = (
    (TALK_DUE, rules.talk_due, "danger"),
    (REPORT_MISSING, rules.last_quarter_report_missing, "warning"),
    (ACTIVIST_YEAR, rules.activist_year_complete, "ok"),
    (PROBATION_ENDING, rules.probation_ending, "warning"),
)


def candidate_flags(candidate, on) -> list[tuple[str, str]]:
    """(label, level) of each 工作台 flag that stands for ``candidate`` on ``on`` (read through ``.all()``:
    fetch with ``Candidate.objects.with_file()``)."""
    return [(label, level) for label, holds, level in ONE_CANDIDATE if holds(candidate, on)]


class Flag(NamedTuple):
    label: str
    counts: str  # CANDIDATES, VOTES or APPROVALS
    condition: Q  # over that table: the predicate's SQL home in recruitment.rules
    level: str


def statistics_flags(today: date) -> list[Flag]:
    """The flags on ``today`` that the 工作台 counts and the statistics page (reports/recruitment_blocks.py)
    counts the overdue ones of."""
    return [
        # R-RC-02: no talk yet, the month since the application is over or ends today.
        Flag(TALK_DUE, CANDIDATES, rules.talk_due_q(today), "danger"),
        # R-RC-05: no thought report in the last complete quarter.
        Flag(REPORT_MISSING, CANDIDATES, rules.last_quarter_report_missing_q(today), "warning"),
        # R-RC-07 / R-GN-01: activist for at least a year (complete on the last day of the year).
        Flag(ACTIVIST_YEAR, CANDIDATES, rules.activist_year_complete_q(today), "info"),
        # R-RC-12: notices running today.
        Flag(NOTICE_RUNNING, CANDIDATES, rules.notice_running_q(today), "info"),
        # R-RC-16: resolutions awaiting approval near the 3-month deadline, and past it (moved past days off).
        Flag(APPROVAL_NEARLY_DUE, VOTES, rules.approval_nearly_due_q(today), "warning"),
        Flag(APPROVAL_OVERDUE, VOTES, rules.approval_overdue_q(today), "danger"),
        # R-RC-17 / R-RC-21 / R-RC-19: probation (with any extension) ending within a month.
        Flag(PROBATION_ENDING, CANDIDATES, rules.probation_ending_q(today), "warning"),
        # R-RC-18: probationary members without the oath.
        Flag(NO_OATH, CANDIDATES, rules.oath_missing_q(), "warning"),
    ]


def dashboard_flags(today: date) -> list[Flag]:
    """Every 工作台 flag on ``today``, in the order the 工作台 shows them."""
    return [
        *statistics_flags(today),
        # R-RC-16: unfiled admissions whose month for filing (moved past days off) is over.
        Flag(FILING_OVERDUE, APPROVALS, rules.filing_overdue_q(today), "danger"),
        # R-RC-19: probationary members without an application from a week before probation (with any
        # extension) ends.
        Flag(CONVERSION_NOT_APPLIED, CANDIDATES, rules.conversion_not_applied_q(today), "warning"),
    ]


def flags(*, candidates, votes, today) -> list[tuple[str, QuerySet, str]]:
    """(label, queryset, level) of ``statistics_flags``, each as the queryset of what it counts (of the given,
    scoped, candidates or votes): the direct form of what ``count_where`` counts."""
    bases = {CANDIDATES: candidates, VOTES: votes}
    return [(f.label, bases[f.counts].filter(f.condition), f.level) for f in statistics_flags(today)]


def count_where(conditions: list[tuple[str, str, Q]], **bases: QuerySet) -> dict[str, int]:
    """For each (key, base, condition): how many rows of ``bases[base]`` meet the condition, in one query
    (``core.counting.side_by_side``, the parts of ``count_parts``)."""
    return side_by_side(count_parts(conditions, bases))


def count_parts(conditions: list[tuple[str, str, Q]], bases: dict[str, QuerySet]) -> dict:
    """The parts of ``count_where`` for ``side_by_side``. Each condition over the candidates is a WHERE of its
    own, not a FILTER over every candidate, so the planner reads only the candidates it can name — a range of
    the index on its stage and date (recruitment.models ``Candidate.Meta.indexes``): testing each flag on every
    candidate grew with the town, 4.5 ms at 10,000 candidates (issue 21). The resolutions and approvals waiting
    are few: one FILTERed aggregate per table, planned once."""
    parts: dict = {}
    for key, of, q in conditions:
        if of == CANDIDATES:
            parts[key] = (bases[of].filter(q), {key: Count("pk")})
        else:
            parts.setdefault(of, (bases[of], {}))[1][key] = Count("pk", filter=q)
    return parts


def flagged(key: str, *, user, candidates, today):
    """The candidates (of ``candidates``, already scoped and filtered) a 工作台 counter counts — the same
    conditions as ``items`` — for the board's ``?flag=``; None for an unknown key. A counter of resolutions or
    approvals lists their candidates."""
    for flag in dashboard_flags(today):
        if KEYS[flag.label] != key:
            continue
        if flag.counts == CANDIDATES:
            return candidates.filter(flag.condition)
        counted = scoped(user)[flag.counts].filter(flag.condition)
        column = "candidate" if flag.counts == VOTES else "vote__candidate"
        return candidates.filter(pk__in=counted.values(column))
    return None
