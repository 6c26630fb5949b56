"""工作台 items of the recruitment pipeline; every count is one SQL query in the user's scope."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse

from core.access import scope_queryset
from core.dates import add_months, local_today, period_end
from core.registry import DashboardItem
from recruitment.models import Candidate, CandidateVote, Oath, Stage, StageChange, Talk, ThoughtReport

SECTION = "发展党员"


def items(user) -> list[DashboardItem]:
    today = local_today()
    url = reverse("recruitment:board")
    candidates = scope_queryset(Candidate.objects.all(), user)
    votes = scope_queryset(
        CandidateVote.objects.filter(passed=True, approval__isnull=True), user, "candidate__organization"
    )
    quarter_start = add_months(today.replace(day=1), -((today.month - 1) % 3))
    previous_quarter = add_months(quarter_start, -3)

    def since(stage):
        return StageChange.objects.filter(candidate=OuterRef("pk"), to_stage=stage)

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
        ("审批临近3个月期限（R-RC-16）", votes.filter(meeting__held_on__lte=period_end(add_months(today, -3), days=14), meeting__held_on__gt=add_months(today, -3)), "warning"),
        ("审批超过3个月（最长6个月）（R-RC-16）", votes.filter(meeting__held_on__lte=add_months(today, -3)), "danger"),
        # R-RC-17 / R-RC-19: probation ending within a month.
        ("预备期将满（R-RC-17、R-RC-19）", candidates.filter(stage=Stage.PROBATIONARY, member__joined_on__lte=add_months(today, -11)), "warning"),
        # R-RC-18: probationary members without the oath.
        ("尚未入党宣誓（R-RC-18）", candidates.filter(stage=Stage.PROBATIONARY).exclude(Exists(Oath.objects.filter(candidate=OuterRef("pk")))), "warning"),
    ]  # fmt: skip
    return [
        DashboardItem(section=SECTION, label=label, count=count, url=url, level=level)
        for label, queryset, level in counts
        if (count := queryset.count())
    ]
