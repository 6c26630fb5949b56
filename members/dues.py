"""Dues payments and arrears (R-MB-07).

Which months are expected: every month from the later of (the month the member joined, January of the year
of ``on``) up to and including the month *before* ``on``. The current month is not in arrears yet — dues
for a month may be paid until its last day. Only active members (probationary and full) owe dues; a member
who joined without a recorded date owes from January. Arrears never look back past the current year: older
years are settled in the annual dues check, not carried forward here.

This is the only definition of the months owed: the statistics (``members.analysis.dues``) use the same SQL
(``with_due_months``) with the report period as the window (``period_due_range``) instead of the current year.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Case, F, FilteredRelation, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, ExtractMonth

from core.dates import add_months
from members.exceptions import MemberError
from members.models import DuesPayment, Member

ALL_MONTHS = 0b1111_1111_1111  # members.DuesYear.paid_months: bit 0 = January … bit 11 = December


class _MonthCount(Func):
    """How many months a 12-bit month mask holds."""

    template = "bit_count((%(expressions)s)::bit(12))::integer"
    output_field = IntegerField()


def last_due_month(on: date) -> date:
    """R-MB-07: the latest month (first day) whose dues are owed on ``on`` — the month before ``on``'s."""
    return date(on.year - 1, 12, 1) if on.month == 1 else date(on.year, on.month - 1, 1)


def _expected_range(on: date) -> tuple[date, date]:
    """First and last expected month (first days) for a check made on ``on``."""
    return date(on.year, 1, 1), last_due_month(on)


def period_due_range(start: date, end: date, on: date) -> tuple[date, date]:
    """R-MB-07 for a period report: the months of [start, end] whose dues are owed by ``on`` (first days).

    The same rule as the arrears check, with the period as the window instead of the current year.
    """
    return start.replace(day=1), min(end.replace(day=1), last_due_month(on))


def _with_month_masks(queryset: QuerySet, *, first: date, last: date) -> QuerySet:
    """Alias ``_dues_owed`` (bit mask of the months of [first, last] owed, R-MB-07) and ``_dues_unpaid`` (those
    of them without a payment) on members. [first, last] lies within one year and first <= last.

    The months owed follow from the member's status and joining date, in one CASE (most members joined before
    the range and owe all of it); the months paid come from members.DuesYear, joined once — a hash join over
    the members instead of a count of payments per member.
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
            then=Value(1 << last.month)
            - Value(1).bitleftshift(Cast(ExtractMonth("joined_on"), IntegerField()) - 1),  # type: ignore[arg-type]
        ),
        default=Value(0),  # joined after the range
        output_field=IntegerField(),
    )
    paid = Coalesce(F("_dues_year__paid_months"), Value(0))
    return (
        queryset.alias(
            _dues_owed=owed,
            _dues_year=FilteredRelation("dues_years", condition=Q(dues_years__year=first.year)),
        )
        # Owed and not paid: paid_months holds only the 12 month bits, so ALL_MONTHS - paid is its complement.
        .alias(_dues_unpaid=F("_dues_owed").bitand(Value(ALL_MONTHS) - paid))  # type: ignore[arg-type]
    )


def with_due_months(queryset: QuerySet, *, first: date, last: date) -> QuerySet:
    """Annotate members with ``expected_count`` (months owed in [first, last], from joining, R-MB-07) and
    ``arrears_count`` (those of them without a payment), in SQL. A month range with first > last owes nothing;
    otherwise it lies within one year (the current year, or a report period)."""
    first, last = first.replace(day=1), last.replace(day=1)
    if first > last:
        return queryset.annotate(expected_count=Value(0), arrears_count=Value(0))
    return _with_month_masks(queryset, first=first, last=last).annotate(
        expected_count=_MonthCount(F("_dues_owed")), arrears_count=_MonthCount(F("_dues_unpaid"))
    )


def with_arrears(queryset: QuerySet, on: date) -> QuerySet:
    """Annotate members with ``arrears_count``: months owed as of ``on``, computed in SQL (R-MB-07)."""
    first, last = _expected_range(on)
    return with_due_months(queryset, first=first, last=last)


def members_in_arrears(queryset: QuerySet, on: date) -> QuerySet:
    """Members who owe at least one month as of ``on`` (R-MB-07)."""
    first, last = _expected_range(on)
    if first > last:  # January: nothing of this year is owed yet
        return queryset.none()
    return _with_month_masks(queryset, first=first, last=last).filter(_dues_unpaid__gt=0)


def arrears_months(member: Member, on: date) -> int:
    """How many months ``member`` owes as of ``on`` (R-MB-07)."""
    return with_arrears(Member.objects.filter(pk=member.pk), on).values_list("arrears_count", flat=True).get()


def unpaid_months(member: Member, on: date) -> list[date]:
    """The months (first days) ``member`` owes as of ``on``, oldest first (R-MB-07)."""
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
        if current not in paid:
            months.append(current)
        current = add_months(current, 1)
    return months


def dues_record(*, member: Member, month: date, amount: Decimal, paid_on: date, recorded_by) -> DuesPayment:
    """Record one month's dues of one member (R-MB-07). ``month`` may be any day of the month.

    The months-paid record (members.DuesYear) follows in the same statement, by the table's trigger."""
    month = month.replace(day=1)
    amount = Decimal(amount)
    if amount <= 0:
        raise MemberError("党费金额应大于0（R-MB-07）。", rule="R-MB-07")
    if not member.is_active_member:
        raise MemberError(
            f"{member.name}当前状态为{member.get_status_display()}，不再交纳党费（R-MB-07）。", rule="R-MB-07"
        )
    if member.joined_on and month < member.joined_on.replace(day=1):
        raise MemberError(
            f"{month:%Y年%-m月}早于{member.name}的入党日期，无需交纳（R-MB-07）。", rule="R-MB-07"
        )
    if month > add_months(paid_on.replace(day=1), 1):
        raise MemberError("最多只能预交下个月的党费（R-MB-07）。", rule="R-MB-07")
    try:
        with transaction.atomic():
            return DuesPayment.objects.create(
                member=member, month=month, amount=amount, paid_on=paid_on, recorded_by=recorded_by
            )
    except IntegrityError as exc:
        raise MemberError(
            f"{member.name}{month:%Y年%-m月}的党费已登记，请勿重复登记（R-MB-07）。", rule="R-MB-07"
        ) from exc
