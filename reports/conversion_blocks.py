"""Conversion statistics (转化管理, issue 8): cases, points, reviews, returns and transition periods.

Conversion is the town committee's business, handled at the center (conversion/access.py): the block counts
the whole town for administrators, clerks and auditors, and shows a branch secretary nothing but a note — the
same as the conversion pages, which a secretary cannot open. Four queries, whatever the number of cases.

Snapshot figures (open cases, balances) are taken on the counting day: a case is open on that day when it
had been opened and not yet returned; its balance is the ``balance_after`` of its last ledger entry recorded
by then (R-CV-05), or its base before any entry.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from conversion.models import CommitteeReferral, ConversionCase, DemocraticReview, LedgerEntry
from core.dates import day_end, on_local_days
from core.profile import rule_profile, rule_profile_versions
from reports.blocks import Block, Scope, Table, period_counting_day
from reports.periods import Period

SECRETARY_NOTE = "转化管理由镇党委和党员服务转化中心负责，统计数据仅向镇党委、中心工作人员和审计人员提供。"
MIDDLE = Decimal("10")  # splits the band between the base and the review mark in two


def _pts(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _balance_on(on):
    # Entries recorded up to the end of the counting day; a range on recorded_at, so that the index
    # ledger_case_recorded_entry (case, recorded_at, id) finds each case's last entry directly.
    last = (
        LedgerEntry.objects.filter(case=OuterRef("pk"), recorded_at__lt=day_end(on))
        .order_by("-recorded_at", "-pk")
        .values("balance_after")[:1]
    )
    return Coalesce(Subquery(last), "base_points")


def balance_bands(low: Decimal, base: Decimal, high: Decimal) -> list[tuple[str, Q]]:
    """Bands of the balance (R-CV-06: strictly below ``low``; R-CV-07: ``high`` or more)."""
    return [
        (f"低于{_pts(low)}分", Q(points__lt=low)),
        (f"{_pts(low)}至{_pts(base)}分以下", Q(points__gte=low, points__lt=base)),
        (f"{_pts(base)}至{_pts(MIDDLE)}分以下", Q(points__gte=base, points__lt=MIDDLE)),
        (f"{_pts(MIDDLE)}至{_pts(high)}分以下", Q(points__gte=MIDDLE, points__lt=high)),
        (f"{_pts(high)}分及以上", Q(points__gte=high)),
    ]


def conversion_block(scope: Scope, period: Period) -> Block:
    if not scope.is_town:
        return Block(tables=[], note=SECRETARY_NOTE)
    on = period_counting_day(period)
    start, end = period.start, period.end
    # Every version in one query: today's for the bands, and each case's enrolment version for its marks.
    versions = rule_profile_versions()
    profile = rule_profile(versions=versions)
    bands = balance_bands(profile.points_low, profile.points_base, profile.points_high)
    open_on = Q(opened_on__lte=on) & (Q(returned_on__isnull=True) | Q(returned_on__gt=on))
    in_transition = Q(returned_on__lte=on) & (Q(closed_on__isnull=True) | Q(closed_on__gt=on))
    # The balance on the counting day, computed once per open case in an inner query (GROUP BY case), then
    # counted into bands; annotated straight on the cases, the ORM would repeat it in every band's FILTER.
    # R-CV-06/R-CV-07 are judged by each case's own marks (the profile of its enrolment, ConversionCase.profile);
    # the bands below show the distribution against today's marks.
    per_case = (
        ConversionCase.objects.annotate(balance_on=_balance_on(on))
        .with_marks(versions)
        .values("pk")
        .annotate(points=Max("balance_on", filter=open_on), low=Max("mark_low"), high=Max("mark_high"))
    )
    cases = per_case.aggregate(
        open=Count("pk", filter=open_on),
        transition=Count("pk", filter=in_transition),
        opened=Count("pk", filter=Q(opened_on__range=(start, end))),
        returned=Count("pk", filter=Q(returned_on__range=(start, end))),
        completed=Count("pk", filter=Q(closed_on__range=(start, end), returned_on__isnull=False)),
        **{f"band_{i}": Count("pk", filter=open_on & q) for i, (_, q) in enumerate(bands)},
        below=Count("pk", filter=open_on & Q(points__lt=F("low"))),
        at_high=Count("pk", filter=open_on & Q(points__gte=F("high"))),
    )
    reviews = DemocraticReview.objects.filter(concluded_on__range=(start, end)).aggregate(
        passed=Count("pk", filter=Q(state=DemocraticReview.State.PASSED)),
        failed=Count("pk", filter=Q(state=DemocraticReview.State.FAILED)),
    )
    referrals = CommitteeReferral.objects.aggregate(
        raised=Count("pk", filter=Q(**on_local_days("raised_at", start, end))),
        decided=Count("pk", filter=Q(decided_on__range=(start, end))),
    )
    below, at_high = cases["below"], cases["at_high"]
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
                [(label, cases[f"band_{i}"]) for i, (label, _) in enumerate(bands)],
            ),
            Table(
                "积分预警与民主评议",
                ("项目", "人数"),
                [
                    (f"积分低于{_pts(profile.points_low)}分（R-CV-06）", below),
                    (f"积分达到{_pts(profile.points_high)}分（R-CV-07）", at_high),
                    ("本期上报镇党委", referrals["raised"]),
                    ("本期镇党委作出决定", referrals["decided"]),
                    ("本期民主评议合格", reviews["passed"]),
                    ("本期民主评议不合格", reviews["failed"]),
                ],
            ),
        ],
        note=f"在管人数、积分为{on:%Y年%-m月%-d日}的情况；其余为统计期内发生的事项。",
    )
