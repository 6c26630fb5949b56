"""工作台 items of the recruitment pipeline; every count is one SQL query in the user's scope."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse

from core.access import scope_queryset
from core.dates import local_today
from core.registry import DashboardItem
from recruitment import rules
from recruitment.models import (
    Approval,
    Candidate,
    CandidateVote,
    Oath,
    Stage,
)

SECTION = "发展党员"


def items(user) -> list[DashboardItem]:
    url = reverse("recruitment:board")
    candidates = scope_queryset(Candidate.objects.all(), user)
    votes = scope_queryset(CandidateVote.objects.all(), user, "candidate__organization")
    today = local_today()
    found = [
        (label, queryset.count(), level)
        for label, queryset, level in flags(candidates=candidates, votes=votes, today=today)
    ]
    found += [
        (FILING_OVERDUE, _filing_overdue(user, today), "danger"),
        (CONVERSION_NOT_APPLIED, _conversion_not_applied(candidates, today), "warning"),
    ]
    return [
        DashboardItem(section=SECTION, label=label, count=count, url=f"{url}?flag={KEYS[label]}", level=level)
        for label, count, level in found
        if count
    ]


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

# The same questions for one candidate (its page): the rule forms beside the queryset forms used in ``flags``.
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


def flags(*, candidates, votes, today) -> list[tuple[str, object, str]]:
    """(label, queryset, level) of every flag on ``today``, for the given (scoped) candidates and votes; the
    工作台 counts them, and the statistics page (reports/recruitment_blocks.py) counts the overdue ones. Each
    flag is a predicate's queryset home (recruitment.models, with its SQL in recruitment.rules beside the rule
    for one candidate)."""
    counts = [
        # R-RC-02: no talk yet, the month since the application is over or ends today.
        (TALK_DUE, candidates.talk_due(today), "danger"),
        # R-RC-05: no thought report in the last complete quarter.
        (REPORT_MISSING, candidates.last_quarter_report_missing(today), "warning"),
        # R-RC-07 / R-GN-01: activist for at least a year (complete on the last day of the year).
        (ACTIVIST_YEAR, candidates.activist_year_complete(today), "info"),
        # R-RC-12: notices running today.
        (NOTICE_RUNNING, candidates.filter(stage=Stage.TARGET, publicnotices__starts_on__lte=today, publicnotices__ends_on__gte=today).distinct(), "info"),
        # R-RC-16: resolutions awaiting approval near the 3-month deadline, and past it (moved past days off).
        (APPROVAL_NEARLY_DUE, votes.approval_nearly_due(today), "warning"),
        (APPROVAL_OVERDUE, votes.approval_overdue(today), "danger"),
        # R-RC-17 / R-RC-21 / R-RC-19: probation (with any extension) ending within a month.
        (PROBATION_ENDING, candidates.probation_ending(today), "warning"),
        # R-RC-18: probationary members without the oath.
        (NO_OATH, candidates.filter(stage=Stage.PROBATIONARY).exclude(Exists(Oath.objects.filter(candidate=OuterRef("pk")))), "warning"),
    ]  # fmt: skip
    return counts


def _filing_overdue(user, today) -> int:
    """R-RC-16: unfiled admissions whose month for filing (moved past holidays) is over."""
    return scope_queryset(
        Approval.objects.filing_overdue(today), user, "vote__candidate__organization"
    ).count()


def _conversion_not_applied(candidates, today) -> int:
    """R-RC-19: probationary members without an application from a week before probation (with any extension)
    ends."""
    return candidates.conversion_not_applied(today).count()


def flagged(key: str, *, user, candidates, today):
    """The candidates (of ``candidates``, already scoped and filtered) a 工作台 counter counts — the same
    querysets as ``items`` — for the board's ``?flag=``; None for an unknown key. A counter of resolutions or
    approvals lists their candidates."""
    votes = scope_queryset(CandidateVote.objects.all(), user, "candidate__organization")
    for label, queryset, _level in flags(candidates=candidates, votes=votes, today=today):
        if KEYS[label] == key:
            column = "candidate" if queryset.model is CandidateVote else "pk"
            return candidates.filter(pk__in=queryset.values(column))
    if key == KEYS[FILING_OVERDUE]:
        approvals = scope_queryset(
            Approval.objects.filing_overdue(today), user, "vote__candidate__organization"
        )
        return candidates.filter(pk__in=approvals.values("vote__candidate"))
    if key == KEYS[CONVERSION_NOT_APPLIED]:
        return candidates.filter(pk__in=candidates.conversion_not_applied(today).values("pk"))
    return None
