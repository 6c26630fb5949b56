"""Conversion statistics (转化管理, issue 8): cases, points, reviews, returns and transition periods.

Conversion is the town committee's business, handled at the center (conversion/access.py): the block counts
the whole town for administrators, clerks and auditors, and shows a branch secretary nothing but a note — the
same as the conversion pages, which a secretary cannot open. Two queries, whatever the number of cases.

Snapshot figures (open cases, balances) are taken on the counting day: a case is open on that day when it
had been opened and not yet returned; its balance is the ``balance_after`` of its last ledger entry recorded
by then (R-CV-05), or its base before any entry (``conversion.ledger.balance_on``: from each case's kept
latest entry, looked up only for a case whose latest entry is after the counting day).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Case, ExpressionWrapper, Q, When

from conversion.ledger import balance_on
from conversion.models import CommitteeReferral, ConversionCase, DemocraticReview
from core.dates import day_end, day_start
from core.profile import rule_profile, rule_profile_versions
from core.sqlreuse import reused_sql
from reports.blocks import Block, Scope, Table, period_counting_day
from reports.periods import Period

SECRETARY_NOTE = "转化管理由镇党委和党员服务转化中心负责，统计数据仅向镇党委、中心工作人员和审计人员提供。"
MIDDLE = Decimal("10")  # splits the band between the base and the review mark in two


def _pts(value: Decimal) -> str:
    return f"{value.normalize():f}"


Band = tuple[str, Decimal | None, Decimal | None]


def band_edges(low: Decimal, base: Decimal, high: Decimal) -> list[Band]:
    """Bands of the balance as (label, from — included, below — excluded), None where a band is open-ended
    (R-CV-06: strictly below ``low``; R-CV-07: ``high`` or more)."""
    return [
        (f"低于{_pts(low)}分", None, low),
        (f"{_pts(low)}至{_pts(base)}分以下", low, base),
        (f"{_pts(base)}至{_pts(MIDDLE)}分以下", base, MIDDLE),
        (f"{_pts(MIDDLE)}至{_pts(high)}分以下", MIDDLE, high),
        (f"{_pts(high)}分及以上", high, None),
    ]


def balance_bands(low: Decimal, base: Decimal, high: Decimal) -> list[tuple[str, Q]]:
    """The bands of ``band_edges`` as filters on ``points``."""
    return [
        (
            label,
            Q(**({} if lo is None else {"points__gte": lo}), **({} if hi is None else {"points__lt": hi})),
        )
        for label, lo, hi in band_edges(low, base, high)
    ]


def _band_sql(lo: Decimal | None, hi: Decimal | None) -> tuple[str, list]:
    conditions = [*(["points >= %s"] if lo is not None else []), *(["points < %s"] if hi is not None else [])]
    return " AND ".join(conditions), [edge for edge in (lo, hi) if edge is not None]


def _figures(on, start, end, versions, bands: list[Band]) -> dict[str, int]:
    """Every figure of the block in one statement (issue 21): the cases counted over one row each — the
    balance on the counting day looked up for the open cases only, their marks from their enrolment versions
    (``with_marks``) — and the reviews and referrals of the period as scalar subqueries. Written as SQL
    around the ORM's per-case query: the ORM's own aggregate over a grouped subquery cost twice the query."""
    # Compiled once per day, period and set of rule profile versions (core.sqlreuse), run every time.
    marks = tuple((v.pk, v.effective_from, v.points_low, v.points_high) for v in versions)
    sql, params = reused_sql(
        ("reports.conversion.figures", on, start, end, marks, tuple(bands)),
        lambda: _figures_sql(on, start, end, versions, bands),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    names = [name for name, _, _ in _counts(on, start, end, bands)] + [
        "passed",
        "failed",
        "raised",
        "decided",
    ]
    return dict(zip(names, row, strict=True))


def _counts(on, start, end, bands: list[Band]) -> list[tuple[str, str, list]]:
    """(name, condition over the per-case rows, its parameters) of each count of ``_figures``."""
    return [
        ("open", "is_open", []),
        ("transition", "returned_on <= %s AND (closed_on IS NULL OR closed_on > %s)", [on, on]),
        ("opened", "opened_on BETWEEN %s AND %s", [start, end]),
        ("returned", "returned_on BETWEEN %s AND %s", [start, end]),
        ("completed", "closed_on BETWEEN %s AND %s AND returned_on IS NOT NULL", [start, end]),
        *(
            (f"band_{i}", "is_open AND " + _band_sql(lo, hi)[0], _band_sql(lo, hi)[1])
            for i, (_, lo, hi) in enumerate(bands)
        ),
        ("below", "is_open AND points < mark_low", []),
        ("at_high", "is_open AND points >= mark_high", []),
    ]


def _figures_sql(on, start, end, versions, bands: list[Band]) -> tuple[str, list]:
    """The statement of ``_figures``."""
    open_on = Q(opened_on__lte=on) & (Q(returned_on__isnull=True) | Q(returned_on__gt=on))
    per_case = (
        ConversionCase.objects.with_marks(versions)
        .annotate(
            is_open=ExpressionWrapper(open_on, output_field=BooleanField()),
            # R-CV-06/R-CV-07 are judged by each case's own marks (the profile of its enrolment,
            # ConversionCase.profile); the bands show the distribution against today's marks.
            points=Case(When(open_on, then=balance_on(on))),
        )
        .values("opened_on", "returned_on", "closed_on", "is_open", "points", "mark_low", "mark_high")
        .order_by()
    )
    inner, inner_params = per_case.query.sql_with_params()
    counts = _counts(on, start, end, bands)
    review, referral = DemocraticReview._meta.db_table, CommitteeReferral._meta.db_table
    state = DemocraticReview.State
    # OFFSET 0 keeps the per-case query a subquery, each row computed once: flattened into the outer query,
    # every FILTER would look the balance up again (a MATERIALIZED CTE does the same, a little slower).
    sql = (
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE {condition})" for _, condition, _ in counts)
        + f", (SELECT count(*) FILTER (WHERE state = %s) FROM {review} WHERE concluded_on BETWEEN %s AND %s)"
        + f", (SELECT count(*) FILTER (WHERE state = %s) FROM {review} WHERE concluded_on BETWEEN %s AND %s)"
        + f", (SELECT count(*) FILTER (WHERE raised_at >= %s AND raised_at < %s) FROM {referral})"
        + f", (SELECT count(*) FILTER (WHERE decided_on BETWEEN %s AND %s) FROM {referral})"
        + f" FROM ({inner} OFFSET 0) AS per_case"
    )
    params = [param for _, _, condition_params in counts for param in condition_params]
    params += [state.PASSED, start, end, state.FAILED, start, end, day_start(start), day_end(end), start, end]
    return sql, [*params, *inner_params]


def conversion_block(scope: Scope, period: Period) -> Block:
    if not scope.is_town:
        return Block(tables=[], note=SECRETARY_NOTE)
    on = period_counting_day(period)
    # Every version in one query: today's for the bands, and each case's enrolment version for its marks.
    versions = rule_profile_versions()
    profile = rule_profile(versions=versions)
    bands = band_edges(profile.points_low, profile.points_base, profile.points_high)
    cases = _figures(on, period.start, period.end, versions, bands)
    return Block(
        tables=[
            Table(
                "转化对象",
                ("项目", "人数"),
                [
                    (f"在管转化对象（{on:%-m月%-d日}）", cases["open"]),
                    (f"过渡期内（{on:%-m月%-d日}）", cases["transition"]),
                    ("本期纳入转化管理", cases["opened"]),
                    ("本期转回原支部", cases["returned"]),
                    ("本期过渡期届满结案", cases["completed"]),
                ],
            ),
            Table(
                "在管转化对象积分分布",
                ("积分", "人数"),
                [(label, cases[f"band_{i}"]) for i, (label, _, _) in enumerate(bands)],
            ),
            Table(
                "积分预警与民主评议",
                ("项目", "人数"),
                [
                    (f"积分低于{_pts(profile.points_low)}分（R-CV-06）", cases["below"]),
                    (f"积分达到{_pts(profile.points_high)}分（R-CV-07）", cases["at_high"]),
                    ("本期上报镇党委", cases["raised"]),
                    ("本期镇党委作出决定", cases["decided"]),
                    ("本期民主评议合格", cases["passed"]),
                    ("本期民主评议不合格", cases["failed"]),
                ],
            ),
        ],
        note=f"在管人数、积分为{on:%Y年%-m月%-d日}的情况；其余为统计期内发生的事项。",
    )
