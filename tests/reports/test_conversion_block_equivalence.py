"""The conversion block's balances on the counting day (issue 9: a range on recorded_at, each open case's
balance computed once) give exactly the figures of the former computation (``recorded_at__date__lte`` and
the balance repeated in every band), at the band edges of R-CV-06 (2.5 is below 3, 3.0 is not) and R-CV-07
(15.0 reaches 15) and for entries recorded in the last and first second of the counting day (R-GN-03).

Issue 21: the block counts everything in one SQL statement; the warnings (each case against its own marks),
the reviews and the referrals are proven here against the ORM aggregates the block ran before.

Issue 21: the balances come from each case's kept latest entry (conversion.CaseLastEntry, a trigger on the
ledger), looked up per case only when that entry is later than the counting day. The figures equal the
direct per-case lookup (``former_figures``) with no entries, entries after the counting day, entries at the
same moment, and entries appended in bulk, out of time order, in one statement."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from conversion.models import (
    CaseLastEntry,
    CommitteeReferral,
    ConversionCase,
    ConversionTask,
    DemocraticReview,
    LedgerEntry,
    ThresholdCrossing,
)
from core.dates import SHANGHAI, on_local_days
from core.profile import rule_profile
from reports.blocks import Scope, period_counting_day
from reports.conversion_blocks import balance_bands, conversion_block
from reports.periods import Period
from tests.reports.test_app_figures import entry, make_case, review, rows


def former_figures(period: Period) -> dict:
    """The former aggregate (reports/conversion_blocks.py before issue 9)."""
    on = period_counting_day(period)
    profile = rule_profile()
    bands = balance_bands(profile.points_low, profile.points_base, profile.points_high)
    last = (
        LedgerEntry.objects.filter(case=OuterRef("pk"), recorded_at__date__lte=on)
        .order_by("-recorded_at", "-pk")
        .values("balance_after")[:1]
    )
    open_on = Q(opened_on__lte=on) & (Q(returned_on__isnull=True) | Q(returned_on__gt=on))
    in_transition = Q(returned_on__lte=on) & (Q(closed_on__isnull=True) | Q(closed_on__gt=on))
    return ConversionCase.objects.annotate(points=Coalesce(Subquery(last), "base_points")).aggregate(
        open=Count("pk", filter=open_on),
        transition=Count("pk", filter=in_transition),
        opened=Count("pk", filter=Q(opened_on__range=(period.start, period.end))),
        returned=Count("pk", filter=Q(returned_on__range=(period.start, period.end))),
        completed=Count(
            "pk", filter=Q(closed_on__range=(period.start, period.end), returned_on__isnull=False)
        ),
        **{f"band_{i}": Count("pk", filter=open_on & q) for i, (_, q) in enumerate(bands)},
    )


def former_warnings_and_events(period: Period) -> dict:
    """The warnings, reviews and referrals as the block's ORM aggregates counted them (issue 21, before)."""
    on, start, end = period_counting_day(period), period.start, period.end
    last = (
        LedgerEntry.objects.filter(case=OuterRef("pk"), recorded_at__date__lte=on)
        .order_by("-recorded_at", "-pk")
        .values("balance_after")[:1]
    )
    open_on = Q(opened_on__lte=on) & (Q(returned_on__isnull=True) | Q(returned_on__gt=on))
    per_case = (
        ConversionCase.objects.annotate(balance_on=Coalesce(Subquery(last), "base_points"))
        .with_marks()  # each case's marks looked up per case
        .values("pk")
        .annotate(points=Max("balance_on", filter=open_on), low=Max("mark_low"), high=Max("mark_high"))
    )
    warnings = per_case.aggregate(
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
    return {**warnings, **referrals, **reviews}


def new_figures(period: Period) -> dict:
    block = conversion_block(Scope(None), period)
    counts = [n for _, n in rows(block, "转化对象")]
    bands = [n for _, n in rows(block, "在管转化对象积分分布")]
    return {
        **dict(zip(["open", "transition", "opened", "returned", "completed"], counts, strict=True)),
        **{f"band_{i}": n for i, n in enumerate(bands)},
    }


def new_warnings_and_events(period: Period) -> dict:
    warnings = [n for _, n in rows(conversion_block(Scope(None), period), "积分预警")]
    return dict(zip(["below", "at_high", "raised", "decided", "passed", "failed"], warnings, strict=True))


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def edge_cases(db, center, branch_a):
    balances = {
        "2.5": [(Decimal("2.5"), local(2026, 3, 31, 23, 59, 59))],  # below 3 on 31 March (R-CV-06)
        "3.0": [(Decimal("2.5"), local(2026, 3, 2)), (Decimal("3.0"), local(2026, 3, 31, 12))],
        "15.0": [(Decimal("15.0"), local(2026, 3, 31, 0, 0))],  # reaches 15 (R-CV-07)
        "14.5": [(Decimal("14.5"), local(2026, 3, 30)), (Decimal("15.0"), local(2026, 4, 1, 0, 0))],
        "9.5": [(Decimal("9.5"), local(2026, 2, 1)), (Decimal("10.0"), local(2026, 2, 1))],  # same moment
    }
    for day, entries in enumerate(balances.values(), start=1):
        case = make_case(center, branch_a, opened_on=date(2026, 1, day))
        for balance, moment in entries:
            entry(case, balance, moment)
    make_case(center, branch_a, opened_on=date(2026, 1, 20))  # no entry: its base of 5
    returned = make_case(center, branch_a, opened_on=date(2025, 6, 1), returned_on=date(2026, 3, 31))
    make_case(center, branch_a, opened_on=date(2026, 4, 1))  # after Q1
    # Reviews concluded and referrals raised or decided on the edges of the quarter and the month.
    for state, concluded_on in (
        ("passed", date(2026, 3, 31)),
        ("failed", date(2026, 4, 1)),
        ("passed", date(2025, 12, 31)),
        ("failed", date(2026, 1, 1)),
    ):
        review(returned, state, concluded_on, Decimal("80"))
    first = LedgerEntry.objects.order_by("pk").first()
    for raised_at, decided_on in (
        (local(2026, 3, 31, 23, 59, 59), date(2026, 4, 1)),
        (local(2026, 4, 1, 0, 0), None),
        (local(2025, 12, 31, 23, 59, 59), date(2026, 3, 1)),
        (local(2026, 1, 1, 0, 0), date(2026, 3, 31)),
    ):
        crossing = ThresholdCrossing.objects.create(
            case=first.case, entry=first, kind="fell_below_low", balance=Decimal("2.5"), threshold=3
        )
        CommitteeReferral.objects.create(
            case=first.case,
            crossing=crossing,
            state="decided" if decided_on else "awaiting",
            raised_at=raised_at,
            decision="诫勉谈话" if decided_on else "",
            decided_on=decided_on,
        )


@pytest.mark.parametrize(
    "period",
    [Period("quarter", 2026, 1), Period("month", 2026, 3), Period("quarter", 2026, 2), Period("year", 2026)],
    ids=str,
)
def test_balance_bands_on_the_counting_day_match_the_former_computation_R_CV_06_R_CV_07(edge_cases, period):
    assert new_figures(period) == former_figures(period)


@pytest.mark.parametrize(
    "period",
    [Period("quarter", 2026, 1), Period("month", 2026, 3), Period("quarter", 2026, 2), Period("year", 2026)],
    ids=str,
)
def test_warnings_reviews_and_referrals_match_the_former_aggregates_R_CV_06_R_CV_07(edge_cases, period):
    assert new_warnings_and_events(period) == former_warnings_and_events(period)


def test_band_edges_on_31_march_R_CV_06_R_CV_07(edge_cases):
    bands = dict(rows(conversion_block(Scope(None), Period("quarter", 2026, 1)), "在管转化对象积分分布"))
    assert bands == {"低于3分": 1, "3至5分以下": 1, "5至10分以下": 1, "10至15分以下": 2, "15分及以上": 1}


def test_each_case_is_judged_by_its_enrolment_version_read_once_R_CV_06_R_CV_07(center, branch_a):
    """The block reads the profile versions once and gives each case its marks from them (issue 21): the same
    marks as the per-case lookup (``with_marks()``) for a case enrolled before the first version, exactly at a
    version's start, between versions and after the newest, with a version still to come."""
    from core.models import RuleProfile
    from core.profile import rule_profile_versions

    first, second = local(2026, 1, 10, 8), local(2026, 2, 10, 8)
    RuleProfile.objects.create(effective_from=first, points_low=Decimal("2"), points_high=Decimal("12"))
    RuleProfile.objects.create(effective_from=second, points_low=Decimal("4"), points_high=Decimal("18"))
    # two versions at one moment: the later row wins, as rule_profile picks
    RuleProfile.objects.create(effective_from=second, points_low=Decimal("3.5"), points_high=Decimal("16"))
    RuleProfile.objects.create(
        effective_from=local(2027, 1, 1), points_low=Decimal("1"), points_high=Decimal("30")
    )
    balances = {
        local(2026, 1, 1): Decimal("2.5"),  # before any version: the 细则 defaults, 3 and 15
        first: Decimal("11.5"),  # exactly at the first version: 2 and 12
        local(2026, 1, 31): Decimal("12"),
        second: Decimal("3.5"),  # the later of the two rows at that moment: 3.5 and 16
        local(2026, 3, 1): Decimal("16"),
    }
    for created_at, balance in balances.items():
        case = make_case(center, branch_a, opened_on=date(2026, 1, 5))
        entry(case, balance, local(2026, 3, 20))
        ConversionCase.objects.filter(pk=case.pk).update(created_at=created_at)

    versions = rule_profile_versions()
    marks = list(
        ConversionCase.objects.with_marks().values_list("pk", "mark_low", "mark_high").order_by("pk")
    )
    assert marks == list(
        ConversionCase.objects.with_marks(versions).values_list("pk", "mark_low", "mark_high").order_by("pk")
    )
    assert [(low, high) for _, low, high in marks] == [
        (Decimal("3"), Decimal("15")),
        (Decimal("2"), Decimal("12")),
        (Decimal("2"), Decimal("12")),
        (Decimal("3.5"), Decimal("16")),
        (Decimal("3.5"), Decimal("16")),
    ]
    for at in (*balances, local(2027, 1, 1), local(2025, 1, 1)):
        assert rule_profile(at, versions=versions).pk == rule_profile(at).pk, at
    warnings = dict(rows(conversion_block(Scope(None), Period("quarter", 2026, 1)), "积分预警"))
    # below its own low mark: 2.5 < 3 only (3.5 is not below 3.5); at or above its high mark: 12 ≥ 12, 16 ≥ 16
    assert list(warnings.values())[:2] == [1, 2]


def bulk_entries(case, *balances_at) -> None:
    """Entries for one case appended in one INSERT, in the order given (not necessarily the order of time)."""
    tasks = ConversionTask.objects.bulk_create(
        ConversionTask(case=case, title="任务", assigned_on=date(2026, 1, 1), due_on=date(2026, 1, 1))
        for _ in balances_at
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            case=case,
            amount=Decimal("0.5"),
            reason="测试",
            source="task",
            task=task,
            balance_after=balance,
            recorded_at=moment,
        )
        for task, (balance, moment) in zip(tasks, balances_at, strict=True)
    )


@pytest.fixture
def bulk_cases(edge_cases, center, branch_a):
    """Besides the edge cases: entries appended in bulk, several cases in one statement among them."""
    late, tied, current, backfilled = (
        make_case(center, branch_a, opened_on=date(2026, 1, 25 + i)) for i in range(4)
    )
    # one statement for three cases, out of time order; two entries of one case at the same moment (the
    # later row, by id, is the last); one case's last entry is after the end of March
    tasks = ConversionTask.objects.bulk_create(
        ConversionTask(case=case, title="任务", assigned_on=date(2026, 1, 1), due_on=date(2026, 1, 1))
        for case in (late, late, tied, tied, current)
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            case=task.case,
            amount=Decimal("0.5"),
            reason="测试",
            source="task",
            task=task,
            balance_after=balance,
            recorded_at=moment,
        )
        for task, (balance, moment) in zip(
            tasks,
            [
                (Decimal("16.0"), local(2026, 5, 2)),  # after the end of March …
                (Decimal("2.0"), local(2026, 3, 1)),  # … appended after it, but earlier
                (Decimal("14.5"), local(2026, 3, 31, 18)),
                (Decimal("15.0"), local(2026, 3, 31, 18)),  # same moment, later row: 15.0 reaches 15
                (Decimal("4.5"), local(2026, 12, 1)),  # in the current month
            ],
            strict=True,
        )
    )
    # a backfill: an entry older than the kept latest entry changes nothing on the later days
    bulk_entries(backfilled, (Decimal("12.0"), local(2026, 3, 10)), (Decimal("2.5"), local(2026, 2, 1)))
    bulk_entries(backfilled, (Decimal("1.0"), local(2026, 1, 30)))
    bulk_entries(current, (Decimal("5.5"), local(2026, 6, 1)))


PERIODS = [
    Period("quarter", 2026, 1),
    Period("month", 2026, 3),
    Period("quarter", 2026, 2),
    Period("month", 2026, 5),
    Period("year", 2026),  # counted on today: every balance from the kept latest entry
    Period("year", 2025),  # before every entry: every case that has entries looks its balance up
]


def direct_last_entries() -> list[tuple]:
    """Each case's last entry by (recorded_at, id), read from the ledger itself."""
    return list(
        LedgerEntry.objects.order_by("case_id", "-recorded_at", "-pk")
        .distinct("case_id")
        .values_list("case_id", "pk", "recorded_at", "balance_after")
    )


def test_the_kept_latest_entry_is_each_cases_last_entry_by_recorded_at_and_id_R_CV_05(bulk_cases):
    kept = CaseLastEntry.objects.order_by("case_id").values_list(
        "case_id", "entry_id", "recorded_at", "balance_after"
    )
    assert list(kept) == direct_last_entries()
    assert ConversionCase.objects.filter(last_entry__isnull=True).count() == 3  # the cases without entries


@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_balances_from_the_kept_latest_entry_match_the_per_case_lookup_R_CV_05(bulk_cases, period):
    assert new_figures(period) == former_figures(period)
    assert new_warnings_and_events(period) == former_warnings_and_events(period)


def test_bulk_cases_on_31_march_R_CV_06_R_CV_07(bulk_cases):
    bands = dict(rows(conversion_block(Scope(None), Period("quarter", 2026, 1)), "在管转化对象积分分布"))
    # the edge cases, and: 2.0 (late, looked up), 15.0 (tied), 5 (current: base), 12.0 (backfilled)
    assert bands == {"低于3分": 2, "3至5分以下": 1, "5至10分以下": 2, "10至15分以下": 3, "15分及以上": 2}


def test_the_ledger_operations_keep_the_latest_entry_R_CV_05(center, clerk):
    """Entries appended one at a time by conversion.ledger (tasks assessed, an entry reversed) move it too:
    in the current period the kept balance is the case's cached balance."""
    from conversion.ledger import ledger_reverse
    from tests.factories.conversion import enrolled_case, record_tasks

    case = enrolled_case(center, by=clerk)
    assert not CaseLastEntry.objects.filter(case=case).exists()
    record_tasks(case, completed=True, count=3, by=clerk)
    ledger_reverse(entry=case.entries.order_by("pk").first(), reason="误评", recorded_by=clerk)
    case.refresh_from_db()
    kept = CaseLastEntry.objects.get(case=case)
    assert (kept.entry_id, kept.balance_after) == (case.entries.order_by("pk").last().pk, case.balance)
    assert case.balance == Decimal("6.0")
    assert [(k[0], k[1], k[3]) for k in direct_last_entries()] == [
        (case.pk, kept.entry_id, kept.balance_after)
    ]


def test_the_ledger_cannot_be_emptied_without_the_kept_latest_entries_R_CV_05(bulk_cases):
    """UPDATE and DELETE are refused (migration 0002); TRUNCATE of the ledger alone is refused because the
    kept latest entries point at it, and TRUNCATE … CASCADE empties them with it: never a stale row."""
    from django.db import NotSupportedError, connection, transaction

    with connection.cursor() as cursor:  # the test's own rows checked now: no pending trigger events
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(NotSupportedError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE conversion_ledgerentry")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE conversion_ledgerentry CASCADE")
        assert not CaseLastEntry.objects.exists()
        transaction.set_rollback(True)
    assert (
        list(
            CaseLastEntry.objects.values_list("case_id", "entry_id", "recorded_at", "balance_after").order_by(
                "case_id"
            )
        )
        == direct_last_entries()
    )
