"""Recruitment statistics (发展党员, issue 8): the funnel, time per stage, plan vs admissions (R-RC-24) and
overdue steps. Scoped by the candidate's organisation, so a branch secretary counts only their branch.

Every figure is an SQL aggregation, in 6 queries: the candidates per stage now and the overdue flags of
``recruitment.dashboard.statistics_flags`` on the counting day together in one (``dashboard.count_where``),
then the stages entered, the time per stage, the plans and the admissions.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from recruitment import dashboard
from recruitment.models import Candidate, CandidateVote, DevelopmentPlan, Stage, StageChange
from reports.blocks import Block, Scope, Table, period_counting_day
from reports.periods import Period

PIPELINE = (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY, Stage.FULL)
EXITS = (Stage.WITHDRAWN, Stage.NOT_APPROVED, Stage.CANCELLED)
ADMIT = "admit"  # the transition that admits a probationary member (recruitment.stages), counted by R-RC-24


def admissions(scope: Scope, start: date, end: date):
    """Admissions as probationary members decided in [start, end] — what R-RC-24 counts against the plan."""
    changes = StageChange.objects.filter(
        to_state=Stage.PROBATIONARY, action=ADMIT, decided_on__range=(start, end)
    )
    return scope.filter(changes, "candidate__organization")


def counted_now(scope: Scope, on: date) -> dict[str, int]:
    """Candidates per stage (by the stage's value) and the overdue flags on ``on`` (by label), in one query."""
    stages = [(stage.value, dashboard.CANDIDATES, Q(stage=stage)) for stage in (*PIPELINE, *EXITS)]
    overdue = [(f.label, f.counts, f.condition) for f in dashboard.statistics_flags(on) if f.level != "info"]
    return dashboard.count_where(
        stages + overdue,
        **{
            dashboard.CANDIDATES: scope.filter(Candidate.objects.all()),
            dashboard.VOTES: scope.filter(CandidateVote.objects.all(), "candidate__organization"),
        },
    )


def funnel_table(scope: Scope, period: Period, now: dict[str, int]) -> Table:
    """Candidates per stage now (``counted_now``), and how many entered each stage in the period."""
    entered = dict(
        scope.filter(
            StageChange.objects.filter(decided_on__range=(period.start, period.end)).exclude(
                from_state=F("to_state")
            ),
            "candidate__organization",
        )
        .values_list("to_state")
        .annotate(n=Count("candidate", distinct=True))
        .order_by()
    )
    rows = [(stage.label, now[stage.value], entered.get(stage.value, 0)) for stage in (*PIPELINE, *EXITS)]
    return Table(
        "发展流程各阶段人数",
        ("阶段", "现有人数", "本期进入"),
        rows,
        series=(1, 2),
        note="现有人数为当前所处阶段；本期进入为统计期内作出的阶段决定。",
    )


def time_per_stage_table(scope: Scope, period: Period) -> Table:
    """Average days spent in a stage, for the candidates who left it in the period: from the decision that
    put them there (the application date for applicants) to the decision that moved them on."""
    entered = StageChange.objects.filter(
        candidate=OuterRef("candidate"),
        to_state=OuterRef("from_state"),
        decided_on__lte=OuterRef("decided_on"),
    ).exclude(pk=OuterRef("pk"))
    left = scope.filter(
        StageChange.objects.filter(decided_on__range=(period.start, period.end))
        .exclude(from_state="")
        .exclude(from_state=F("to_state")),
        "candidate__organization",
    ).annotate(
        since=Coalesce(
            Subquery(entered.order_by("-decided_on", "-pk").values("decided_on")[:1]),
            F("candidate__applied_on"),
        )
    )
    spans = {
        stage: (days, n)
        for stage, days, n in left.values_list("from_state")
        .annotate(
            days=Avg(ExpressionWrapper(F("decided_on") - F("since"), output_field=DurationField())),
            n=Count("pk"),
        )
        .values_list("from_state", "days", "n")
        .order_by()
    }
    rows = []
    for stage in PIPELINE[:-1]:
        span, n = spans.get(stage.value, (None, 0))
        rows.append((stage.label, round(span.total_seconds() / 86400, 1) if span is not None else None, n))
    return Table("各阶段平均停留天数", ("阶段", "平均天数", "本期离开该阶段人数"), rows)


def plan_table(scope: Scope, period: Period) -> Table:
    """R-RC-24: the year's plan per organisation against admissions in the year and in the period."""
    year_start, year_end = date(period.year, 1, 1), date(period.year, 12, 31)
    plans = dict(
        scope.filter(DevelopmentPlan.objects.filter(year=period.year)).values_list(
            "organization__name", "quota"
        )
    )
    admitted = {
        name: (in_year, in_period)
        for name, in_year, in_period in admissions(scope, year_start, year_end)
        .values_list("candidate__organization__name")
        .annotate(
            in_year=Count("pk"),
            in_period=Count("pk", filter=Q(decided_on__range=(period.start, period.end))),
        )
        .values_list("candidate__organization__name", "in_year", "in_period")
        .order_by()
    }
    rows = []
    for name in sorted(set(plans) | set(admitted)):
        quota = plans.get(name)
        in_year, in_period = admitted.get(name, (0, 0))
        beyond = max(in_year - quota, 0) if quota is not None else in_year
        rows.append((name, quota, in_year, in_period, beyond))
    return Table(
        f"{period.year}年度发展计划与完成情况（R-RC-24）",
        ("党组织", "计划人数", "本年已发展", "本期发展", "超计划"),
        rows,
        series=(1, 2),
        note="未制定计划的党组织，已发展人数全部计为超计划。",
    )


def overdue_table(on: date, now: dict[str, int]) -> Table:
    """Overdue and nearly-due steps on the counting day ``on``: the 工作台's flags (recruitment.dashboard)
    that are not for information, counted by ``counted_now``."""
    rows = [(f.label, now[f.label]) for f in dashboard.statistics_flags(on) if f.level != "info"]
    return Table(f"逾期及临期事项（截至{on:%Y年%-m月%-d日}）", ("事项", "人数/件数"), rows)


def recruitment_block(scope: Scope, period: Period) -> Block:
    on = period_counting_day(period)
    now = counted_now(scope, on)
    return Block(
        tables=[
            funnel_table(scope, period, now),
            time_per_stage_table(scope, period),
            plan_table(scope, period),
            overdue_table(on, now),
        ],
        note="按发展对象所在党组织统计。",
    )
