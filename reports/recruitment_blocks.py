"""Recruitment statistics (发展党员, issue 8): the funnel, time per stage, plan vs admissions (R-RC-24) and
overdue steps. Scoped by the candidate's organisation, so a branch secretary counts only their branch.

Every figure is an SQL aggregation, in 3 queries: the plans, the admissions against them, and everything else
side by side in one (``figures``).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from core.sqlreuse import reused_rows
from recruitment import dashboard
from recruitment.models import (
    Candidate,
    CandidateStageTally,
    CandidateVote,
    DevelopmentPlan,
    Stage,
    StageChange,
)
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


def figures(scope: Scope, period: Period, flags: list[dashboard.Flag]) -> dict:
    """Every figure but the plan's, in one query (``dashboard.side_by_side``): the candidates per stage now (kept
    by the database, ``CandidateStageTally``) and the ``flags`` (each counted as the 工作台 counts it,
    ``dashboard.count_parts``), the stages entered in the period and the time spent in the stages left in it
    (over the period's stage changes). Keyed by (figure, stage value or flag label)."""
    return dashboard.side_by_side(figure_parts(scope, period, flags))


def figure_parts(scope: Scope, period: Period, flags: list[dashboard.Flag]) -> dict:
    """The parts of ``figures`` for ``side_by_side``."""
    stages = (*PIPELINE, *EXITS)
    span = ExpressionWrapper(F("decided_on") - F("since"), output_field=DurationField())
    bases = {
        dashboard.CANDIDATES: scope.filter(Candidate.objects.all()),
        dashboard.VOTES: scope.filter(CandidateVote.objects.all(), "candidate__organization"),
    }
    flag_counts = dashboard.count_parts([(("flag", f.label), f.counts, f.condition) for f in flags], bases)
    return flag_counts | {
        # the candidates per stage kept by the database (CandidateStageTally): a row per organisation and stage
        "now": (
            scope.filter(CandidateStageTally.objects.all()),
            {("now", s.value): Sum("candidates", filter=Q(stage=s), default=0) for s in stages},
        ),
        "entered": (
            decisions(scope, period),
            {("entered", s.value): Count("candidate", distinct=True, filter=Q(to_state=s)) for s in stages},
        ),
        "left": (
            stages_left(scope, period),
            {("days", s.value): Avg(span, filter=Q(from_state=s)) for s in PIPELINE[:-1]}
            | {("left", s.value): Count("pk", filter=Q(from_state=s)) for s in PIPELINE[:-1]},
        ),
    }


def overdue_flags(on: date) -> list[dashboard.Flag]:
    """The 工作台's flags (recruitment.dashboard) that are not for information: overdue and nearly-due steps."""
    return [f for f in dashboard.statistics_flags(on) if f.level != "info"]


def decisions(scope: Scope, period: Period):
    """The stage decisions made in the period (a change into another stage)."""
    changes = StageChange.objects.filter(decided_on__range=(period.start, period.end))
    return scope.filter(changes.exclude(from_state=F("to_state")), "candidate__organization")


def stages_left(scope: Scope, period: Period):
    """The decisions of the period that moved a candidate on from a stage, each with ``since``: the decision
    that put the candidate in that stage (the application date for applicants)."""
    entered = StageChange.objects.filter(
        candidate=OuterRef("candidate"),
        to_state=OuterRef("from_state"),
        decided_on__lte=OuterRef("decided_on"),
    ).exclude(pk=OuterRef("pk"))
    return (
        decisions(scope, period)
        .exclude(from_state="")
        .annotate(
            since=Coalesce(
                Subquery(entered.order_by("-decided_on", "-pk").values("decided_on")[:1]),
                F("candidate__applied_on"),
            )
        )
    )


def funnel_table(figures: dict) -> Table:
    """Candidates per stage now, and how many entered each stage in the period."""
    rows = [(s.label, figures["now", s.value], figures["entered", s.value]) for s in (*PIPELINE, *EXITS)]
    return Table(
        "发展流程各阶段人数",
        ("阶段", "现有人数", "本期进入"),
        rows,
        series=(1, 2),
        note="现有人数为当前所处阶段；本期进入为统计期内作出的阶段决定。",
    )


def time_per_stage_table(figures: dict) -> Table:
    """Average days spent in a stage, for the candidates who left it in the period: from the decision that
    put them there (the application date for applicants) to the decision that moved them on."""
    rows = []
    for stage in PIPELINE[:-1]:
        span = figures["days", stage.value]
        days = round(span.total_seconds() / 86400, 1) if span is not None else None
        rows.append((stage.label, days, figures["left", stage.value]))
    return Table("各阶段平均停留天数", ("阶段", "平均天数", "本期离开该阶段人数"), rows)


def plan_table(scope: Scope, period: Period) -> Table:
    """R-RC-24: the year's plan per organisation against admissions in the year and in the period."""
    year_start, year_end = date(period.year, 1, 1), date(period.year, 12, 31)
    # Both statements compiled once per scope and period (core.sqlreuse), run every time.
    key = (scope.organization_ids, period.year, period.start, period.end)
    plans = dict(
        reused_rows(
            ("reports.recruitment.plans", *key),
            lambda: scope.filter(DevelopmentPlan.objects.filter(year=period.year)).values_list(
                "organization__name", "quota"
            ),
        )
    )
    admitted = {
        name: (in_year, in_period)
        for name, in_year, in_period in reused_rows(
            ("reports.recruitment.admitted", *key),
            lambda: (
                admissions(scope, year_start, year_end)
                .values_list("candidate__organization__name")
                .annotate(
                    in_year=Count("pk"),
                    in_period=Count("pk", filter=Q(decided_on__range=(period.start, period.end))),
                )
                .values_list("candidate__organization__name", "in_year", "in_period")
                .order_by()
            ),
        )
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


def overdue_table(on: date, flags: list[dashboard.Flag], figures: dict) -> Table:
    """Overdue and nearly-due steps on the counting day ``on`` (``overdue_flags(on)``), as the 工作台 counts them."""
    rows = [(f.label, figures["flag", f.label]) for f in flags]
    return Table(f"逾期及临期事项（截至{on:%Y年%-m月%-d日}）", ("事项", "人数/件数"), rows)


def recruitment_block(scope: Scope, period: Period) -> Block:
    on = period_counting_day(period)
    flags = overdue_flags(on)
    # Compiled once per scope, period and counting day (core.sqlreuse), run every time.
    found = dashboard.side_by_side(
        lambda: figure_parts(scope, period, flags),
        reuse=("reports.recruitment.figures", scope.organization_ids, period.start, period.end, on),
    )
    return Block(
        tables=[
            funnel_table(found),
            time_per_stage_table(found),
            plan_table(scope, period),
            overdue_table(on, flags, found),
        ],
        note="按发展对象所在党组织统计。",
    )
