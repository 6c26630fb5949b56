"""Dues: the national standard (R-MB-13), payments with receipts (R-MB-14), arrears (R-MB-07) and the six-month
rule (R-MB-15).

The amount: ``standard_monthly_amount`` is the ONE function that turns a category and a monthly base (or the
farmer's fixed amount) into the monthly amount (R-MB-13). The operations store what it computed on
members.DuesBase, one row per member and year, with a reduction or exemption when the branch decided it and the
committee approved it. A year without its row is charged at last year's amount, marked provisional (R-MB-14);
a member with neither row is charged the amount on the member record (``Member.monthly_dues``, also
provisional: no base has been set under the standard).

Which months are expected: every month from the later of (the month the member joined, January of the year of
the last month due) up to and including the month *before* ``on`` (``last_due_month``). The current month is
not in arrears yet — dues for a month may be paid until its last day; in January the window is the whole of
last year, so December's dues are still asked for. Only active members (probationary and full) owe dues; a
member who joined without a recorded date owes from January; a month exempted (reduced to 0) is not owed.
Older years are settled in the annual dues check, not carried forward here.

Arrears in money are the amounts due of the months owed and not paid, month by month (a month is paid when it
has a payment: members.DuesYear); a voluntary extra is on the receipt, never counted against arrears.

This is the only definition of the months owed and the money: every page uses ``with_arrears`` (lists) or
``dues_summary`` (one member); the statistics (``members.analysis.dues``, the report period as the window,
``period_due_range``) and the 工作台 (``arrears_totals_in``, the window of ``_expected_range``) read the figures
per organisation from what the database keeps by the same rule (``arrears_parts``): the steps of the months
expected (members.DuesDueTally, ``expected_by_organization``) and the months owed and paid
(members.DuesPaidPattern) — proven equal to ``with_due_months`` summed in
tests/reports/test_dues_block_equivalence.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractMonth

from core.dates import add_months
from core.numbering import format_number, next_number
from core.rules import citation
from core.sqlreuse import reused_rows, reused_sql
from members.exceptions import MemberError
from members.models import (
    DuesBase,
    DuesCategory,
    DuesDueTally,
    DuesDueTownTally,
    DuesGap,
    DuesLapseHandling,
    DuesPaidPattern,
    DuesPaidTownPattern,
    DuesPayment,
    DuesReceipt,
    DuesYear,
    Member,
)

ALL_MONTHS = 0b1111_1111_1111  # members.DuesYear.paid_months: bit 0 = January … bit 11 = December
FEN = Decimal("0.01")
ZERO = Decimal("0.00")

# R-MB-13: (upper bound of the band, inclusive — None for no bound, rate). The rate of the band the WHOLE base
# falls in applies to the whole base (not a progressive tax).
SALARIED_BANDS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("3000"), Decimal("0.005")),
    (Decimal("5000"), Decimal("0.01")),
    (Decimal("10000"), Decimal("0.015")),
    (None, Decimal("0.02")),
)
RETIRED_BANDS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("5000"), Decimal("0.005")),
    (None, Decimal("0.01")),
)
FARMER_MIN, FARMER_MAX = Decimal("0.20"), Decimal("1.00")
RELIEF_AMOUNT = Decimal("0.20")
# The smallest monthly amount the regulation names (the farmers' floor, the relief amount): a base whose amount
# rounds below it — to 0.00 below 1 yuan — is refused; paying less or nothing is a reduction (减免), approved.
MINIMUM_AMOUNT = min(FARMER_MIN, RELIEF_AMOUNT)
BANDED = {
    DuesCategory.SALARIED: SALARIED_BANDS,
    DuesCategory.SELF_EMPLOYED: SALARIED_BANDS,
    DuesCategory.RETIRED: RETIRED_BANDS,
}
ADVANCE_MONTHS = 12  # R-MB-14: months may be paid in advance, up to a year ahead
RECEIPT_SERIES = "dues_receipt"
RECEIPT_PREFIX = "党费收"
SIX_MONTHS = 6


@dataclass(frozen=True)
class StandardAmount:
    """The monthly amount and the rate it came from (None for a fixed amount)."""

    amount: Decimal
    rate: Decimal | None

    @property
    def rate_label(self) -> str:
        if self.rate is None:
            return "定额"
        return f"{(self.rate * 100).normalize():f}%"


def _money(value, label: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise MemberError(f"{label}不是有效的金额（R-MB-13）。", rule="R-MB-13") from exc
    if not amount.is_finite():
        raise MemberError(f"{label}不是有效的金额（R-MB-13）。", rule="R-MB-13")
    return amount


def standard_monthly_amount(
    category: str, *, base: Decimal | None = None, fixed_amount: Decimal | None = None
) -> StandardAmount:
    """R-MB-13: the monthly dues of a member of ``category`` — THE one computation of the standard.

    Salaried and employed/self-employed (base = monthly income after tax): ≤ 3000 → 0.5 %, ≤ 5000 → 1 %,
    ≤ 10000 → 1.5 %, above → 2 %; retired: ≤ 5000 → 0.5 %, above → 1 %; the band's rate applies to the whole
    base. Farmers: the fixed amount the branch set, 0.20–1.00. Students, laid-off, unemployed, on relief or the
    minimum living allowance: 0.20. Yuan to the fen, rounded half up. A base whose amount is below 0.20 — the
    smallest amount the standard names — is refused: a month owed is never owed at 0.00 (only an approved
    exemption makes a month not owed), so the months counted in arrears (``with_due_months``) and the months
    listed (``unpaid_months``) are the same months."""
    if category in BANDED:
        if base is None:
            raise MemberError("请填写月缴纳基数（税后月工资收入）（R-MB-13）。", rule="R-MB-13", field="base")
        base = _money(base, "月缴纳基数")
        if base < 0:
            raise MemberError("月缴纳基数不能为负数（R-MB-13）。", rule="R-MB-13", field="base")
        standard = _banded(DuesCategory(category), base)
        if standard.amount < MINIMUM_AMOUNT:
            raise MemberError(_below_minimum(base, standard.amount), rule="R-MB-13", field="base")
        return standard
    if category == DuesCategory.FARMER:
        if fixed_amount is None:
            raise MemberError(
                "农民党员请填写支部确定的每月定额（0.20–1.00元）（R-MB-13）。",
                rule="R-MB-13",
                field="fixed_amount",
            )
        fixed = _money(fixed_amount, "定额")
        if not FARMER_MIN <= fixed <= FARMER_MAX or fixed != fixed.quantize(FEN):
            raise MemberError(
                f"农民党员每月定额应在{FARMER_MIN}元至{FARMER_MAX}元之间，精确到分，现为{fixed}元（R-MB-13）。",
                rule="R-MB-13",
                field="fixed_amount",
            )
        return StandardAmount(fixed.quantize(FEN), None)
    if category == DuesCategory.RELIEF:
        return StandardAmount(RELIEF_AMOUNT, None)
    raise MemberError("党费类别无效（R-MB-13）。", rule="R-MB-13", field="category")


def _banded(category: DuesCategory, base: Decimal) -> StandardAmount:
    """The rate of the band the whole ``base`` falls in, applied to the whole base, to the fen (half up)."""
    for upper, rate in BANDED[category]:
        if upper is None or base <= upper:
            return StandardAmount((base * rate).quantize(FEN, rounding=ROUND_HALF_UP), rate)
    raise AssertionError("the last band has no upper bound")


def _below_minimum(base: Decimal, amount: Decimal) -> str:
    """Why a base is refused whose amount is below the smallest the regulation names — cited, as users read it."""
    return (
        f"按月缴纳基数{base}元计算，每月党费为{amount}元，低于{citation('R-MB-13')}规定的最低交纳额"
        f"{MINIMUM_AMOUNT}元，请核对基数。学生、下岗失业或领取最低生活保障金、依靠抚恤救济生活的党员请选择"
        f"“{DuesCategory.RELIEF.label}”类别（每月{RELIEF_AMOUNT}元）；生活确有困难的，由支部决定、报上级党委批准后"
        "少交或免交（登记减免）。"
    )


def record_amount_problem(amount: Decimal | None) -> str | None:
    """R-MB-13 for the amount on the member record (``Member.monthly_dues``, charged while no base is set): not
    below the smallest amount the regulation names, for the same reason as a base (``standard_monthly_amount``).
    The reason to show, or None."""
    if amount is None or amount >= MINIMUM_AMOUNT:
        return None
    return (
        f"每月应交党费不能低于{citation('R-MB-13')}规定的最低交纳额{MINIMUM_AMOUNT}元；生活确有困难少交或免交的，"
        "由支部决定、报上级党委批准后在党费基数中登记减免。"
    )


def base_standard(row: DuesBase) -> StandardAmount:
    """The standard amount and rate of a stored base row (for the printed sheet's rate column) — as it was set:
    a row stored before the minimum was enforced still shows its rate."""
    if row.category in BANDED and row.base is not None:
        return _banded(DuesCategory(row.category), row.base)
    return standard_monthly_amount(row.category, base=row.base, fixed_amount=row.fixed_amount)


# --- the amount due for a month -------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthDue:
    """What one member owes for one month, and whether it is provisional (no base set for that year, R-MB-14)."""

    amount: Decimal
    provisional: bool
    base: DuesBase | None  # the row the amount comes from (last year's when provisional)
    reduced: bool = False


def _due_from(rows: dict[int, DuesBase], member: Member, month: date) -> MonthDue:
    """R-MB-13/R-MB-14 for one month, from the member's base rows of that year and the year before — the
    one-record form of ``_due_amount_sql``."""
    current, previous = rows.get(month.year), rows.get(month.year - 1)
    if current is not None:
        if current.reduced_amount is not None and month.month >= (current.reduced_from or 13):
            return MonthDue(current.reduced_amount, False, current, reduced=True)
        return MonthDue(current.monthly_amount, False, current)
    if previous is not None:
        return MonthDue(previous.monthly_amount, True, previous)
    return MonthDue(member.monthly_dues, True, None)


def _base_rows(member: Member, years) -> dict[int, DuesBase]:
    wanted = set()
    for year in years:
        wanted |= {year, year - 1}
    return {row.year: row for row in DuesBase.objects.filter(member=member, year__in=wanted)}


def month_due(member: Member, month: date) -> MonthDue:
    """R-MB-13/R-MB-14: the amount ``member`` owes for ``month`` (any day of it)."""
    month = month.replace(day=1)
    return _due_from(_base_rows(member, [month.year]), member, month)


def base_for_year(member: Member, year: int) -> tuple[DuesBase | None, bool]:
    """The base row that applies to ``year`` and whether it is provisional (last year's, R-MB-14)."""
    rows = _base_rows(member, [year])
    if year in rows:
        return rows[year], False
    return rows.get(year - 1), True


# --- months owed and money, in SQL ----------------------------------------------------------------------


class _MonthCount(Func):
    """How many months a 12-bit month mask holds."""

    template = "bit_count((%(expressions)s)::bit(12))::integer"
    output_field = IntegerField()


MONEY = DecimalField(max_digits=12, decimal_places=2)


def last_due_month(on: date) -> date:
    """R-MB-07: the latest month (first day) whose dues are owed on ``on`` — the month before ``on``'s."""
    return date(on.year - 1, 12, 1) if on.month == 1 else date(on.year, on.month - 1, 1)


def _expected_range(on: date) -> tuple[date, date]:
    """First and last expected month (first days) for a check made on ``on``: the year of the last month due."""
    last = last_due_month(on)
    return date(last.year, 1, 1), last


def period_due_range(start: date, end: date, on: date) -> tuple[date, date]:
    """R-MB-07 for a period report: the months of [start, end] whose dues are owed by ``on`` (first days).

    The same rule as the arrears check, with the period as the window instead of the current year.
    """
    return start.replace(day=1), min(end.replace(day=1), last_due_month(on))


def _month_bit(month_expression) -> Any:
    """1 << (month - 1) for an integer month expression."""
    return Value(1).bitleftshift(month_expression - 1)


def _with_bases(queryset: QuerySet, year: int) -> QuerySet:
    """Alias the member's base rows of ``year`` (``_dues_cur``) and the year before (``_dues_prev``), and
    ``_dues_amount`` (R-MB-14: this year's amount, else last year's, else the member record's), and the
    reduction of this year as a month mask (``_dues_reduced_mask``) and amount (``_dues_reduced_amount``)."""
    return queryset.alias(
        _dues_cur=FilteredRelation("dues_bases", condition=Q(dues_bases__year=year)),
        _dues_prev=FilteredRelation("dues_bases", condition=Q(dues_bases__year=year - 1)),
    ).alias(
        _dues_amount=Coalesce(
            F("_dues_cur__monthly_amount"),
            F("_dues_prev__monthly_amount"),
            F("monthly_dues"),
            output_field=MONEY,
        ),
        # bits reduced_from … December: 4096 - (1 << (reduced_from - 1)); 0 without a reduction
        _dues_reduced_mask=Coalesce(
            Value(ALL_MONTHS + 1) - _month_bit(Cast(F("_dues_cur__reduced_from"), IntegerField())),
            Value(0),
            output_field=IntegerField(),
        ),
        _dues_reduced_amount=Coalesce(F("_dues_cur__reduced_amount"), Value(ZERO), output_field=MONEY),
        _dues_exempt_mask=Case(
            When(_dues_cur__reduced_amount=0, then=F("_dues_reduced_mask")),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def _money_of(mask) -> ExpressionWrapper:
    """R-MB-13: the amount due of the months in ``mask`` — the year's amount, the reduced amount where reduced."""
    full = _MonthCount(mask.bitand(Value(ALL_MONTHS) - F("_dues_reduced_mask")))
    reduced = _MonthCount(mask.bitand(F("_dues_reduced_mask")))
    return ExpressionWrapper(
        full * F("_dues_amount") + reduced * F("_dues_reduced_amount"), output_field=MONEY
    )


def _with_month_masks(queryset: QuerySet, *, first: date, last: date) -> QuerySet:
    """Alias ``_dues_owed`` (bit mask of the months of [first, last] owed, R-MB-07) and ``_dues_unpaid`` (those
    of them without a payment) on members. [first, last] lies within one year and first <= last.

    The months owed follow from the member's status and joining date, in one CASE (most members joined before
    the range and owe all of it), less the months exempted; the months paid come from members.DuesYear, joined
    once — a hash join over the members instead of a count of payments per member.
    """
    if first.year != last.year:
        raise ValueError("the months owed are counted within one year")
    whole_range = (1 << last.month) - (1 << (first.month - 1))  # bits first.month … last.month
    owed = Case(
        When(~Q(status__in=Member.ACTIVE_STATUSES), then=Value(0)),
        When(Q(joined_on__isnull=True) | Q(joined_on__lt=first), then=Value(whole_range)),
        # (django-stubs type the operand of bitleftshift and bitand as int; Django takes any expression.)
        When(  # joined within the range: its joining month … last.month
            joined_on__lt=add_months(last, 1),
            then=Value(1 << last.month) - _month_bit(Cast(ExtractMonth("joined_on"), IntegerField())),
        ),
        default=Value(0),  # joined after the range
        output_field=IntegerField(),
    )
    paid = Coalesce(F("_dues_year__paid_months"), Value(0))
    return (
        _with_bases(queryset, first.year)
        .alias(
            _dues_owed=owed.bitand(Value(ALL_MONTHS) - F("_dues_exempt_mask")),  # type: ignore[arg-type]
            _dues_year=FilteredRelation("dues_years", condition=Q(dues_years__year=first.year)),
        )
        # Owed and not paid: paid_months holds only the 12 month bits, so ALL_MONTHS - paid is its complement.
        .alias(_dues_unpaid=F("_dues_owed").bitand(Value(ALL_MONTHS) - paid))  # type: ignore[arg-type]
    )


def with_due_months(queryset: QuerySet, *, first: date, last: date, expected: bool = True) -> QuerySet:
    """Annotate members with ``expected_count`` (months owed in [first, last], from joining, R-MB-07),
    ``arrears_count`` (those of them without a payment), ``expected_amount`` and ``arrears_amount`` (their
    money, R-MB-13) and ``dues_provisional`` (no base set for the year, R-MB-14), in SQL — without the two
    ``expected_`` figures when ``expected`` is False (less SQL to build and plan for a list that shows only the
    arrears). A month range with first > last owes nothing; otherwise it lies within one year (the current
    year, or a report period)."""
    first, last = first.replace(day=1), last.replace(day=1)
    if first > last:
        figures: dict[str, Any] = {
            "arrears_count": Value(0),
            "arrears_amount": Value(ZERO, output_field=MONEY),
            "dues_provisional": Q(_dues_cur__isnull=True),
        }
        if expected:
            figures |= {"expected_count": Value(0), "expected_amount": Value(ZERO, output_field=MONEY)}
        return _with_bases(queryset, first.year).annotate(**figures)
    figures = {
        "arrears_count": _MonthCount(F("_dues_unpaid")),
        "arrears_amount": _money_of(F("_dues_unpaid")),
        "dues_provisional": Q(_dues_cur__isnull=True),
    }
    if expected:
        figures |= {
            "expected_count": _MonthCount(F("_dues_owed")),
            "expected_amount": _money_of(F("_dues_owed")),
        }
    return _with_month_masks(queryset, first=first, last=last).annotate(**figures)


def _may_owe(queryset: QuerySet, *, first: date, last: date) -> QuerySet:
    """The members of ``queryset`` with a month of [first, last] unpaid (members.DuesGap, kept by the database):
    a superset of those who owe one, found from the index of the runs without reading every member. The
    predicates below narrow to them first, then decide exactly."""
    runs = DuesGap.objects.filter(Q(open_from__lte=last) | Q(last__gte=first, first__lte=last))
    return queryset.filter(pk__in=runs.values("member_id"))


# The organisation of the town's sums: one row for the whole town (``town=True`` below).
_TOWN = {"organization_id": Value(0)}


def expected_by_organization(*, first: date, last: date, counts: bool = True, town: bool = False) -> QuerySet:
    """The months owed in [first, last] and their money per organisation of the members on the roll (R-MB-07,
    R-MB-13, R-MB-14): ``organization_id``, ``expected_count``, ``expected_amount`` — the sums of
    ``with_due_months``' ``expected_count`` and ``expected_amount`` over the active members, from the steps the
    database keeps (members.DuesDueTally, migration 0019) without reading a member. [first, last] lies within
    one year Y: the sum of the steps before Y (one row per organisation) and the steps of Y before ``first``
    count once for each month of the window, a step of the window once for each month from it to ``last``.
    After DuesDueTally.HORIZON, the sum before it and the steps from it. ``counts`` False leaves out
    ``expected_count`` (the arrears need only the money and ``owing_first``). ``town``: the sums of the whole
    town as one row, organisation 0, from the steps summed over the organisations (members.DuesDueTownTally)."""
    steps: QuerySet = DuesDueTownTally.objects.all() if town else DuesDueTally.objects.all()
    first, last = first.replace(day=1), last.replace(day=1)
    if first > last:  # nothing owed yet (the window reaches past the last month due)
        rows, last = steps.none(), first
    elif first.year != last.year:
        raise ValueError("the months owed are counted within one year")
    else:
        since = date(min(first.year, DuesDueTally.HORIZON), 1, 1)
        # The sums before a year are kept at Januaries up to HORIZON, so the only one in [since, last] is at
        # ``since``: one range over both kinds of row — an index-only scan of dues_due_tally_month, where the
        # two ranges OR-ed took a bitmap scan that reads the table (issue 21).
        rows = steps.filter(cumulative__in=(True, False), month__gte=since, month__lte=last)
    before_window = Q(cumulative=True) | Q(month__lt=first)
    covered = Case(
        When(before_window, then=Value(last.month - first.month + 1)),
        default=Value(last.month + 1) - ExtractMonth("month"),
        output_field=IntegerField(),
    )
    figures: dict[str, Any] = {
        "expected_amount": Sum(ExpressionWrapper(F("amount") * covered, output_field=MONEY)),
        "owing_first": Sum("months", filter=before_window | Q(month=first)),
    }
    if counts:
        figures["expected_count"] = Sum(F("months") * covered, output_field=IntegerField())
    if town:
        return rows.values(**_TOWN).annotate(**figures).order_by()
    return rows.values("organization_id").annotate(**figures).order_by()


# The parts of ``arrears_parts``' rows.
EXPECTED, PAID, EXEMPTED = 0, 1, 2


def arrears_parts(*, first: date, last: date, org_ids=None, town: bool = False) -> list[QuerySet]:
    """The arrears (R-MB-07) of the months [first, last] (within one year Y) per organisation, in parts read from
    what the database keeps — none reads the members in arrears. Each part is a query of rows
    ``(organization_id, part, amount, members)`` (to be combined in one UNION ALL, ``arrears_from``):

    - EXPECTED: the money of the months owed in the window (members.DuesDueTally, ``expected_by_organization``)
      and the members owing a month of it less those whose exemption starts in it — the sum of the steps of the
      months owed up to its last month: each member owing its first month counts once, each whose run of months
      owed (from the joining month, up to an exemption: one run a year) starts later in it once more, and each
      whose run ends in it (an exemption from a later month of the window) once less;
    - PAID: the money of the months owed and paid in the window, and the members who owe a month of it and
      paid every month they owe there (members.DuesPaidPattern, year Y);
    - EXEMPTED (windows of more than a month): those whose run ends in the window — the members on the roll
      exempted from a month of it after its first who owed the month before (joined before the month of the
      exemption): read from the exemptions of year Y (index dues_base_exempt, few), not from the members.

    Arrears = EXPECTED − PAID in money; members in arrears = EXPECTED + EXEMPTED − PAID in members. Equal to
    ``with_due_months``' sums over the members on the roll (tests/reports/test_dues_block_equivalence.py).
    ``org_ids`` None for every organisation. No parts when nothing of the window is owed yet (first > last).
    ``town`` (org_ids None): EXPECTED and PAID of the whole town under organisation 0, read from the tallies
    summed over the organisations (members.DuesDueTownTally, DuesPaidTownPattern) — a row per month and
    pattern, not per organisation; EXEMPTED still per organisation (the exemptions themselves)."""
    first, last = first.replace(day=1), last.replace(day=1)
    if first > last:
        return []
    if first.year != last.year:
        raise ValueError("the months owed are counted within one year")

    def in_scope(queryset: QuerySet) -> QuerySet:
        return queryset if org_ids is None else queryset.filter(organization_id__in=org_ids)

    if town and org_ids is not None:
        raise ValueError("the town's sums are of every organisation")
    parts = [
        in_scope(expected_by_organization(first=first, last=last, counts=False, town=town))
        .annotate(part=Value(EXPECTED), owing=Sum("months"))
        .values_list("organization_id", "part", "expected_amount", "owing")
    ]
    window = _mask(first.month, last.month)
    paid_in = F("paid_mask").bitand(Value(window))  # type: ignore[arg-type]
    patterns: QuerySet = DuesPaidTownPattern.objects.all() if town else DuesPaidPattern.objects.all()
    paid = (
        in_scope(patterns.filter(year=first.year))
        .alias(_paid_in=paid_in, _owed_in=F("owed_mask").bitand(Value(window)))  # type: ignore[arg-type]
        .filter(_paid_in__gt=0)
    )
    parts.append(
        (paid.values(**_TOWN) if town else paid.values("organization_id"))
        .annotate(
            part=Value(PAID),
            paid_amount=Sum(
                ExpressionWrapper(
                    _MonthCount(F("_paid_in").bitand(Value(ALL_MONTHS) - F("reduced_mask"))) * F("amount")  # type: ignore[arg-type]
                    + _MonthCount(F("_paid_in").bitand(F("reduced_mask"))) * F("reduced_amount"),  # type: ignore[arg-type]
                    output_field=MONEY,
                )
            ),
            # owed ∧ window ⊆ paid: the paid months are owed ones, so the two agree within the window
            paid_members=Coalesce(Sum("members", filter=Q(_owed_in=F("_paid_in"))), 0),
        )
        .values_list("organization_id", "part", "paid_amount", "paid_members")
        .order_by()
    )
    if first < last:
        exemptions = DuesBase.objects.filter(
            year=first.year,
            reduced_amount=0,
            reduced_from__gt=first.month,
            reduced_from__lte=last.month,
            member__status__in=Member.ACTIVE_STATUSES,
        ).filter(
            # owed the month before the exemption's: joined before its month (or without a date)
            Q(member__joined_on__isnull=True)
            | Q(member__joined_on__lt=Func(F("year"), F("reduced_from"), Value(1), function="make_date"))
        )
        if org_ids is not None:
            exemptions = exemptions.filter(member__organization_id__in=org_ids)
        parts.append(
            exemptions.values("member__organization_id")
            .annotate(part=Value(EXEMPTED), none=Value(ZERO, output_field=MONEY), exempted=Count("pk"))
            .values_list("member__organization_id", "part", "none", "exempted")
            .order_by()
        )
    return parts


@dataclass(frozen=True)
class OrganizationArrears:
    """An organisation's dues of a window of months: expected (应交), arrears and members in arrears."""

    expected: Decimal
    arrears: Decimal
    members: int


def arrears_from(rows) -> dict[int, OrganizationArrears]:
    """Combine the rows of ``arrears_parts`` per organisation (rows of other parts are skipped)."""
    sums: dict[int, list] = {}
    for org_id, part, amount, members in rows:
        if part not in (EXPECTED, PAID, EXEMPTED):
            continue
        row = sums.setdefault(org_id, [ZERO, ZERO, 0])
        if part == EXPECTED:
            row[0] += amount or ZERO
            row[1] += amount or ZERO
            row[2] += members or 0
        elif part == PAID:
            row[1] -= amount or ZERO
            row[2] -= members or 0
        else:
            row[2] += members or 0
    return {org_id: OrganizationArrears(*row) for org_id, row in sums.items()}


def arrears_by_organization(*, first: date, last: date, org_ids=None) -> dict[int, OrganizationArrears]:
    """THE figures of the statistics' dues block and the 工作台 (R-MB-07, R-MB-13, R-MB-14): per organisation
    (of ``org_ids``, None for all) the money expected, the arrears and the members in arrears for the months
    [first, last] within one year, in one query from the kept tallies (``arrears_parts``)."""

    def rows() -> QuerySet:
        parts = arrears_parts(first=first, last=last, org_ids=org_ids)
        if not parts:
            return DuesPaidPattern.objects.none().values_list("organization_id")
        return parts[0].union(*parts[1:], all=True)

    # Compiled once per window and scope (core.sqlreuse), run every time.
    scope = None if org_ids is None else frozenset(org_ids)
    return arrears_from(reused_rows(("members.dues.arrears_by_organization", first, last, scope), rows))


def arrears_totals_in(org_ids, on: date) -> dict:
    """How many members of the organisations ``org_ids`` (None for all) owe dues as of ``on`` and how much in
    all (R-MB-07, R-MB-13): ``{"members": n, "amount": yuan}`` — the sums of ``arrears_totals`` over them, in one
    query that reads no member in arrears: the rows of ``arrears_parts`` summed per part in SQL (a row per part,
    not per organisation) and combined by ``arrears_from``; for the whole town from the town's sums of the
    tallies (``arrears_parts(town=True)``: a row per month and pattern, however many organisations)."""
    if org_ids is not None and not org_ids:
        return {"members": 0, "amount": None}
    first, last = _expected_range(on)

    def statement() -> tuple[str, list]:
        parts = arrears_parts(first=first, last=last, org_ids=org_ids, town=org_ids is None)
        sql, params = parts[0].union(*parts[1:], all=True).query.sql_with_params()
        summed = (
            "SELECT part, SUM(amount), SUM(members)::bigint "
            "FROM ({}) AS parts(organization_id, part, amount, members)"
        )
        return summed.format(sql) + " GROUP BY part", list(params)

    # Compiled once per window and scope (core.sqlreuse), run every time.
    scope = None if org_ids is None else frozenset(org_ids)
    sql, params = reused_sql(("members.dues.arrears_totals_in", first, last, scope), statement)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return {"members": 0, "amount": None}
    # every organisation as one (0): the parts' sums combine as an organisation's rows do
    totals = arrears_from((0, part, amount, members) for part, amount, members in rows)[0]
    return {"members": totals.members, "amount": totals.arrears}


def with_arrears(queryset: QuerySet, on: date) -> QuerySet:
    """Annotate members with ``arrears_count`` and ``arrears_amount``: months owed as of ``on`` and their money,
    computed in SQL (R-MB-07, R-MB-13) — THE home of arrears for lists, the 工作台 and exports; with
    ``dues_provisional`` (R-MB-14)."""
    first, last = _expected_range(on)
    return with_due_months(queryset, first=first, last=last, expected=False)


def members_in_arrears(queryset: QuerySet, on: date) -> QuerySet:
    """Members who owe at least one month as of ``on`` (R-MB-07): only those with an unpaid month in the window
    (``_may_owe``) are read."""
    first, last = _expected_range(on)
    return _with_month_masks(_may_owe(queryset, first=first, last=last), first=first, last=last).filter(
        _dues_unpaid__gt=0
    )


def arrears_totals(queryset: QuerySet, on: date) -> dict:
    """How many of the members of ``queryset`` owe dues as of ``on`` and how much in all (R-MB-07, R-MB-13), in
    one query that reads only the members who may owe (``_may_owe``): ``{"members": n, "amount": yuan}``."""
    first, last = _expected_range(on)
    return with_arrears(_may_owe(queryset, first=first, last=last), on).aggregate(
        members=Count("pk", filter=Q(arrears_count__gt=0)), amount=Sum("arrears_amount")
    )


def arrears_months(member: Member, on: date) -> int:
    """How many months ``member`` owes as of ``on`` (R-MB-07)."""
    return with_arrears(Member.objects.filter(pk=member.pk), on).values_list("arrears_count", flat=True).get()


@dataclass(frozen=True)
class DuesSummary:
    """One member's dues on a day: the single-record form of ``with_arrears`` and ``six_months_unpaid``."""

    year: int
    base: DuesBase | None
    provisional: bool
    monthly: MonthDue
    arrears_count: int
    arrears_amount: Decimal
    unpaid: list[date]
    six_months: bool


def dues_summary(member: Member, on: date) -> DuesSummary:
    """What the member page shows (R-MB-07, R-MB-13 … R-MB-15), from the same homes as the lists."""
    # The arrears and the six-month flag (``six_months_unpaid``'s predicate on this member) in one query, built
    # once a day for every member (core.sqlreuse: building it took half of this function).
    [row] = reused_rows(
        ("members.dues.dues_summary", on), lambda: _summary_rows(on), where={"member_id": member.pk}
    )
    # The member's base rows read once for the year's base, the month's amount and the months owed: this year's
    # and last year's, and the arrears window's year's and the year before it (the same two but in January).
    rows = _base_rows(member, {on.year, _expected_range(on)[0].year})
    return DuesSummary(
        year=on.year,
        base=rows.get(on.year, rows.get(on.year - 1)),
        provisional=on.year not in rows,
        monthly=_due_from(rows, member, on.replace(day=1)),
        arrears_count=row["arrears_count"],
        arrears_amount=row["arrears_amount"],
        unpaid=_unpaid_months(member, on, rows),
        six_months=row["six_months"],
    )


def _summary_rows(on: date) -> QuerySet:
    """Every member's arrears and six-month flag as of ``on`` (``dues_summary`` narrows it to one member)."""
    flagged = six_months_unpaid_members(Member.objects.filter(pk=OuterRef("pk")), on)
    return (
        with_arrears(Member.objects.order_by(), on)
        .annotate(six_months=Exists(flagged))
        .values("arrears_count", "arrears_amount", "six_months", member_id=F("pk"))
    )


def unpaid_months(member: Member, on: date) -> list[date]:
    """The months (first days) ``member`` owes as of ``on``, oldest first (R-MB-07)."""
    return _unpaid_months(member, on, _base_rows(member, [_expected_range(on)[0].year]))


def _unpaid_months(member: Member, on: date, rows: dict[int, DuesBase]) -> list[date]:
    """``unpaid_months`` with the member's base rows of the window's year and the year before (``_base_rows``)."""
    if not member.is_active_member:
        return []
    year_start, last = _expected_range(on)
    first = year_start
    if member.joined_on:
        first = max(first, member.joined_on.replace(day=1))
    paid = set(
        DuesPayment.objects.filter(member=member, month__gte=first, month__lte=last).values_list(
            "month", flat=True
        )
    )
    months, current = [], first
    while current <= last:
        if current not in paid and _due_from(rows, member, current).amount > 0:
            months.append(current)
        current = add_months(current, 1)
    return months


def payable_months(member: Member, on: date) -> list[tuple[date, MonthDue, bool]]:
    """R-MB-14: the months ``member`` may pay on ``on`` — those of the arrears window not paid yet and up to
    ADVANCE_MONTHS ahead — with their amount due and whether they are owed already, oldest first."""
    if not member.is_active_member:
        return []
    first, last_owed = _expected_range(on)
    if member.joined_on:
        first = max(first, member.joined_on.replace(day=1))
    last = add_months(on.replace(day=1), ADVANCE_MONTHS)
    paid = set(
        DuesPayment.objects.filter(member=member, month__gte=first, month__lte=last).values_list(
            "month", flat=True
        )
    )
    rows = _base_rows(member, range(first.year, last.year + 1))
    months, current = [], first
    while current <= last:
        due = _due_from(rows, member, current)
        if current not in paid and due.amount > 0:
            months.append((current, due, current <= last_owed))
        current = add_months(current, 1)
    return months


def month_dues_of(members: list[Member], month: date) -> dict[int, tuple[MonthDue, DuesPayment | None]]:
    """For a page or a printed sheet of members: each one's amount due for ``month`` and its payment, if any —
    two queries whatever the number of members (the bases of the year and the year before, the payments)."""
    month = month.replace(day=1)
    ids = [m.pk for m in members]
    rows: dict[int, dict[int, DuesBase]] = {}
    for row in DuesBase.objects.filter(member_id__in=ids, year__in=[month.year, month.year - 1]):
        rows.setdefault(row.member_id, {})[row.year] = row
    payments = {
        p.member_id: p
        for p in DuesPayment.objects.filter(member_id__in=ids, month=month).select_related("receipt")
    }
    return {m.pk: (_due_from(rows.get(m.pk, {}), m, month), payments.get(m.pk)) for m in members}


# --- R-MB-15: six consecutive months without dues ----------------------------------------------------------


def _six_month_window(on: date) -> tuple[date, date]:
    last = last_due_month(on)
    return add_months(last, -(SIX_MONTHS - 1)), last


def _mask(first_month: int, last_month: int) -> int:
    return (1 << last_month) - (1 << (first_month - 1))


def six_months_unpaid_members(queryset: QuerySet, on: date) -> QuerySet:
    """R-MB-15: the members of ``queryset`` who, as of ``on``, paid nothing for the six months up to the last
    month due, owed all six (active, joined before them, none exempted) and have no handling in force (a
    proper reason until a month of the six or later, or a deadline to pay not yet past). The one home of the
    six-month predicate; ``six_months_unpaid`` is the one-record form.

    Only the members with a run of unpaid months covering the six (members.DuesGap, kept by the database) are
    read: the predicate below is then applied to those few."""
    first, last = _six_month_window(on)
    runs = DuesGap.objects.filter(Q(open_from__lte=first) | Q(last__gte=last, first__lte=first))
    # The six months' bits in the year of the last month due and, when they began the year before, in that year.
    this_mask = _mask(first.month if first.year == last.year else 1, last.month)
    paid = Q(year=last.year, _paid_this__gt=0)
    exempt = Q(year=last.year, reduced_from__lte=last.month)
    if first.year != last.year:
        paid |= Q(year=first.year, _paid_before__gt=0)
        exempt |= Q(year=first.year)  # exempted from a month up to December: the months of the six there
    # One subquery each (no joins to filter through): a payment of a month of the six, an exemption of one, a
    # handling in force. Their mask expressions stay aliases of the subquery.
    payments = DuesYear.objects.filter(member=OuterRef("pk")).alias(
        _paid_this=F("paid_months").bitand(Value(this_mask)),  # type: ignore[arg-type]
        _paid_before=F("paid_months").bitand(Value(_mask(first.month, 12))),  # type: ignore[arg-type]
    )
    exemptions = DuesBase.objects.filter(member=OuterRef("pk"), reduced_amount=0)
    handled = DuesLapseHandling.objects.filter(member=OuterRef("pk")).filter(
        Q(kind=DuesLapseHandling.Kind.REASON, reason_until__gte=first)
        | Q(kind=DuesLapseHandling.Kind.DEADLINE, pay_by__gte=on)
    )
    return queryset.filter(
        Q(pk__in=runs.values("member_id")),
        Q(status__in=Member.ACTIVE_STATUSES),
        Q(joined_on__isnull=True) | Q(joined_on__lt=add_months(first, 1)),
        ~Exists(payments.filter(paid)),
        ~Exists(exemptions.filter(exempt)),
        ~Exists(handled),
    )


def six_months_unpaid(member: Member, on: date) -> bool:
    """R-MB-15, one member: flagged for six consecutive months without dues as of ``on``."""
    return six_months_unpaid_members(Member.objects.filter(pk=member.pk), on).exists()


def six_months_window(on: date) -> tuple[date, date]:
    """The six months (first and last, first days) R-MB-15 looks at on ``on``."""
    return _six_month_window(on)


# --- operations -------------------------------------------------------------------------------------------


@transaction.atomic
def dues_base_set(
    *,
    member: Member,
    year: int,
    category: str,
    set_on: date,
    set_by,
    base: Decimal | None = None,
    fixed_amount: Decimal | None = None,
) -> DuesBase:
    """R-MB-13/R-MB-14: set (or re-set) a member's category and base for ``year``; the monthly amount is the
    standard's (``standard_monthly_amount``). A reduction already approved for the year stays, if it is still
    below the new amount."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not member.is_active_member:
        raise MemberError(
            f"{member.name}当前状态为{member.get_status_display()}，不再核定党费基数（R-MB-13）。",
            rule="R-MB-13",
        )
    if not 2000 <= int(year) <= 2100:
        raise MemberError("年度无效（R-MB-14）。", rule="R-MB-14", field="year")
    if category in BANDED:
        fixed_amount = None
    elif category == DuesCategory.FARMER:
        base = None
    else:
        base = fixed_amount = None
    standard = standard_monthly_amount(category, base=base, fixed_amount=fixed_amount)
    row = DuesBase.objects.select_for_update().filter(member=member, year=year).first()
    if row is None:
        row = DuesBase(member=member, year=year)
    if row.reduced_amount is not None and row.reduced_amount >= standard.amount:
        raise MemberError(
            f"{member.name}{year}年已批准减免为每月{row.reduced_amount}元，不低于新核定的{standard.amount}元，"
            "请先核实减免决定（R-MB-13）。",
            rule="R-MB-13",
        )
    row.category, row.base, row.fixed_amount = category, base, fixed_amount
    row.monthly_amount = standard.amount
    row.set_on, row.set_by = set_on, set_by
    row.save()
    return row


@transaction.atomic
def dues_reduction_record(
    *,
    member: Member,
    year: int,
    reduced_amount: Decimal,
    from_month: int,
    branch_decision: str,
    branch_decided_on: date | None,
    committee_approval: str,
    committee_approved_on: date | None,
    recorded_by,
) -> DuesBase:
    """R-MB-13: a member in real difficulty pays less (or nothing, 0) from ``from_month`` of ``year``, on the
    branch's decision approved by the committee above — both recorded, or nothing is."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    row = DuesBase.objects.select_for_update().filter(member=member, year=year).first()
    if row is None:
        raise MemberError(
            f"请先核定{member.name}{year}年的党费基数，再登记减免（R-MB-13）。",
            rule="R-MB-13",
            field="reduced_amount",
        )
    problems = []
    if not (branch_decision or "").strip() or branch_decided_on is None:
        problems.append("请填写支部的减免决定及其日期。")
    if not (committee_approval or "").strip() or committee_approved_on is None:
        problems.append("请填写上级党委的批准意见及其日期。")
    if branch_decided_on and committee_approved_on and committee_approved_on < branch_decided_on:
        problems.append("上级党委批准日期不能早于支部决定日期。")
    amount = _money(reduced_amount, "减免后金额")
    if amount < 0 or amount != amount.quantize(FEN):
        problems.append("减免后每月金额应为不小于0、精确到分的金额。")
    elif amount >= row.monthly_amount:
        problems.append(f"减免后每月金额应低于按标准应交的{row.monthly_amount}元。")
    if not 1 <= int(from_month) <= 12:
        problems.append("减免起始月份应为1至12。")
    if problems:
        raise MemberError(
            "党费减免须由支部决定并报上级党委批准（R-MB-13）：" + "".join(problems),
            rule="R-MB-13",
            problems=problems,
        )
    row.reduced_amount, row.reduced_from = amount, int(from_month)
    row.branch_decision, row.branch_decided_on = branch_decision.strip(), branch_decided_on
    row.committee_approval, row.committee_approved_on = committee_approval.strip(), committee_approved_on
    row.save()
    return row


def _normalise_months(months) -> list[date]:
    return sorted({m.replace(day=1) for m in months})


def dues_pay(
    *,
    member: Member,
    months: list[date],
    paid_on: date,
    recorded_by,
    paid_by: str = "",
    voluntary: Decimal = ZERO,
) -> DuesReceipt:
    """R-MB-14: record one payment of one or several months (in arrears or up to ADVANCE_MONTHS ahead), perhaps
    by someone else on the member's behalf (``paid_by``), with a voluntary extra kept apart (R-MB-13); the
    payment gets the next receipt number of its year. Each month is paid at its amount due (``month_due``).

    Two clerks recording the same month: the member row is locked first, so the second waits and is refused
    with a Chinese message (the unique month constraint is the last guard)."""
    months = _normalise_months(months)
    voluntary = _money(voluntary or 0, "自愿多交金额")
    if voluntary < 0 or voluntary != voluntary.quantize(FEN):
        raise MemberError(
            "自愿多交金额应为不小于0、精确到分的金额（R-MB-13）。", rule="R-MB-13", field="voluntary"
        )
    if not months and voluntary == 0:
        raise MemberError("请选择要交纳的月份（R-MB-14）。", rule="R-MB-14", field="months")
    paid_by = (paid_by or "").strip()
    try:
        with transaction.atomic():
            member = Member.objects.select_for_update().get(pk=member.pk)
            if not member.is_active_member:
                raise MemberError(
                    f"{member.name}当前状态为{member.get_status_display()}，不再交纳党费（R-MB-07）。",
                    rule="R-MB-07",
                )
            limit = add_months(paid_on.replace(day=1), ADVANCE_MONTHS)
            joined = member.joined_on.replace(day=1) if member.joined_on else None
            rows = _base_rows(member, {m.year for m in months})
            already = set(
                DuesPayment.objects.filter(member=member, month__in=months).values_list("month", flat=True)
            )
            problems, dues = [], []
            for month in months:
                due = _due_from(rows, member, month)
                if joined and month < joined:
                    problems.append(f"{month:%Y年%-m月}早于入党日期，无需交纳。")
                elif month > limit:
                    problems.append(f"{month:%Y年%-m月}超过可预交的{ADVANCE_MONTHS}个月。")
                elif month in already:
                    problems.append(f"{month:%Y年%-m月}的党费已登记，请勿重复登记。")
                elif due.amount == 0:
                    problems.append(f"{month:%Y年%-m月}已批准免交党费。")
                dues.append(due.amount)
            if problems:
                raise MemberError(
                    f"{member.name}的党费不能这样登记（R-MB-14）：" + "".join(problems),
                    rule="R-MB-14",
                    problems=problems,
                    field="months",
                )
            sequence = next_number(RECEIPT_SERIES, paid_on.year)
            receipt = DuesReceipt.objects.create(
                number=format_number(RECEIPT_PREFIX, paid_on.year, sequence),
                year=paid_on.year,
                sequence=sequence,
                member=member,
                paid_on=paid_on,
                paid_by=paid_by,
                months_amount=sum(dues, ZERO),
                voluntary=voluntary,
                recorded_by=recorded_by,
            )
            DuesPayment.objects.bulk_create(
                DuesPayment(
                    member=member,
                    month=month,
                    amount=due,
                    paid_on=paid_on,
                    recorded_by=recorded_by,
                    receipt=receipt,
                )
                for month, due in zip(months, dues, strict=True)
            )
            return receipt
    except IntegrityError as exc:
        raise MemberError(
            f"{member.name}的党费刚刚已由他人登记，请刷新后核对，勿重复登记（R-MB-14）。", rule="R-MB-14"
        ) from exc


def dues_record(*, member: Member, month: date, amount: Decimal, paid_on: date, recorded_by) -> DuesPayment:
    """Record one month's dues of one member (R-MB-07): ``dues_pay`` for one month, where ``amount`` is what was
    handed over — at least the month's amount due; anything above it is voluntary (R-MB-13)."""
    month = month.replace(day=1)
    amount = _money(amount, "党费金额")
    due = month_due(member, month).amount
    if amount <= 0 or amount < due:
        raise MemberError(
            f"{month:%Y年%-m月}应交党费{due}元，交纳金额不能少于应交金额（R-MB-07）。", rule="R-MB-07"
        )
    receipt = dues_pay(
        member=member, months=[month], paid_on=paid_on, recorded_by=recorded_by, voluntary=amount - due
    )
    return receipt.payments.get()


@transaction.atomic
def dues_lapse_handle(
    *,
    member: Member,
    kind: str,
    handled_on: date,
    note: str,
    recorded_by,
    reason_until: date | None = None,
    pay_by: date | None = None,
) -> DuesLapseHandling:
    """R-MB-15: record the branch's handling of a member who has not paid for six consecutive months — a proper
    reason (until when), a deadline to pay, or 除名 as having left the party of their own accord, which goes
    through the member status operation (R-MB-02)."""
    from members.status import change_status

    member = Member.objects.select_for_update().get(pk=member.pk)
    note = (note or "").strip()
    if not note:
        raise MemberError("请填写情况说明（R-MB-15）。", rule="R-MB-15", field="note")
    if kind == DuesLapseHandling.Kind.REASON:
        if reason_until is None:
            raise MemberError("请填写正当理由的有效期（R-MB-15）。", rule="R-MB-15", field="reason_until")
        pay_by = None
    elif kind == DuesLapseHandling.Kind.DEADLINE:
        if pay_by is None or pay_by < handled_on:
            raise MemberError(
                "请填写不早于处理日期的补交截止日期（R-MB-15）。", rule="R-MB-15", field="pay_by"
            )
        reason_until = None
    elif kind == DuesLapseHandling.Kind.REMOVAL:
        reason_until = pay_by = None
        if not six_months_unpaid(member, handled_on):
            raise MemberError(
                f"{member.name}目前不属于连续六个月不交纳党费的情形，不能按自行脱党除名（R-MB-15）。",
                rule="R-MB-15",
            )
    else:
        raise MemberError("处理方式无效（R-MB-15）。", rule="R-MB-15", field="kind")
    handling = DuesLapseHandling.objects.create(
        member=member,
        kind=kind,
        handled_on=handled_on,
        reason_until=reason_until,
        pay_by=pay_by,
        note=note,
        recorded_by=recorded_by,
    )
    if kind == DuesLapseHandling.Kind.REMOVAL:
        change_status(
            member=member,
            to_status=Member.Status.REMOVED,
            effective_on=handled_on,
            reason=f"连续六个月不交纳党费，按自行脱党除名（党章第九条）：{note}",
            recorded_by=recorded_by,
        )
    return handling
