"""工作台 items of the recruitment pipeline; every count is one SQL query in the user's scope."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef
from django.urls import reverse

from core.access import scope_queryset
from core.dates import PeriodEnd, add_months, deadline_passed_sql, local_today, period_end
from core.registry import DashboardItem
from recruitment.models import (
    Approval,
    Candidate,
    CandidateVote,
    ConversionApplication,
    Oath,
    Stage,
    StageChange,
    Talk,
    ThoughtReport,
)
from recruitment.rules import conversion_reminder_from, filing_overdue, probation_end

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
        ("入党后超过1个月未备案（R-RC-16）", _filing_overdue(user, today), "danger"),
        ("预备期满前一周未递交转正申请（R-RC-19）", _conversion_not_applied(candidates, today), "warning"),
    ]
    return [
        DashboardItem(section=SECTION, label=label, count=count, url=url, level=level)
        for label, count, level in found
        if count
    ]


def flags(*, candidates, votes, today) -> list[tuple[str, object, str]]:
    """(label, queryset, level) of every flag on ``today``, for the given (scoped) candidates and votes; the
    工作台 counts them, and the statistics page (reports/recruitment_blocks.py) counts the overdue ones."""
    votes = votes.filter(passed=True, approval__isnull=True)
    quarter_start = add_months(today.replace(day=1), -((today.month - 1) % 3))
    previous_quarter = add_months(quarter_start, -3)

    # R-RC-16 with R-GN-02: the 3 months are a deadline, over only after it (moved past days off) has passed;
    # the same decision as rules.approval_deadline, in SQL.
    approval_over = deadline_passed_sql(PeriodEnd(F("meeting__held_on"), months=3), on=today)

    def since(stage):
        return StageChange.objects.filter(candidate=OuterRef("pk"), to_state=stage)

    counts = [
        # R-RC-02: no talk yet, the month since the application is over or nearly over.
        ("入党谈话到期或超期（R-RC-02）", candidates.filter(stage=Stage.APPLICANT, applied_on__lte=add_months(today, -1)).exclude(Exists(Talk.objects.filter(candidate=OuterRef("pk")))), "danger"),
        # R-RC-05: no thought report in the last complete quarter.
        ("上季度缺思想汇报（R-RC-05）", candidates.filter(stage__in=[Stage.ACTIVIST, Stage.PROBATIONARY]).exclude(Exists(ThoughtReport.objects.filter(candidate=OuterRef("pk"), submitted_on__gte=previous_quarter, submitted_on__lt=quarter_start))), "warning"),
        # R-RC-07: activist for at least a year.
        ("积极分子满1年可列为发展对象（R-RC-07）", candidates.filter(stage=Stage.ACTIVIST).filter(Exists(since(Stage.ACTIVIST).filter(decided_on__lte=add_months(today, -12)))), "info"),
        # R-RC-12: notices running today.
        ("公示进行中（R-RC-12）", candidates.filter(stage=Stage.TARGET, publicnotices__starts_on__lte=today, publicnotices__ends_on__gte=today).distinct(), "info"),
        # R-RC-16: resolutions awaiting approval for more than 2½ months, and for more than 3 (up to 6).
        ("审批临近3个月期限（R-RC-16）", votes.filter(meeting__held_on__lte=period_end(add_months(today, -3), days=14)).exclude(approval_over), "warning"),
        ("审批超过3个月（最长6个月）（R-RC-16）", votes.filter(approval_over), "danger"),
        # R-RC-17 / R-RC-19: probation ending within a month.
        ("预备期将满（R-RC-17、R-RC-19）", candidates.filter(stage=Stage.PROBATIONARY, member__joined_on__lte=add_months(today, -11)), "warning"),
        # R-RC-18: probationary members without the oath.
        ("尚未入党宣誓（R-RC-18）", candidates.filter(stage=Stage.PROBATIONARY).exclude(Exists(Oath.objects.filter(candidate=OuterRef("pk")))), "warning"),
    ]  # fmt: skip
    return counts


def _filing_overdue(user, today) -> int:
    """R-RC-16: SQL narrows to unfiled admissions approved over a month ago; rules.filing_overdue decides
    (the month is a deadline, moved past holidays)."""
    approvals = scope_queryset(
        Approval.objects.filter(
            vote__proposal=CandidateVote.Proposal.ADMIT,
            approved=True,
            filed_on__isnull=True,
            decided_on__lt=add_months(today, -1),
        ),
        user,
        "vote__candidate__organization",
    )
    return sum(
        filing_overdue(approved_on=day, filed_on=None, on=today)
        for day in approvals.values_list("decided_on", flat=True)
    )


def _conversion_not_applied(candidates, today) -> int:
    """R-RC-19: SQL narrows to probationary members without an application whose first year is nearly over;
    rules.probation_end (with any extension) and conversion_reminder_from decide."""
    near = candidates.filter(
        stage=Stage.PROBATIONARY, member__joined_on__lte=add_months(period_end(today, days=9), -12)
    ).exclude(Exists(ConversionApplication.objects.filter(candidate=OuterRef("pk"))))
    near = near.select_related("member").prefetch_related("votes__approval")
    return sum((end := probation_end(c)) is not None and today >= conversion_reminder_from(end) for c in near)
