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
from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL

from core.dates import add_months
from members.exceptions import MemberError
from members.models import DuesPayment, Member

# The row's member's first owed month: the later of its joining month and the window's first month.
_START_SQL = "GREATEST(date_trunc('month', COALESCE({member}.joined_on, %s::date)), %s::date)::date"
# How many months from that start to the window's last month (first days), counted arithmetically (no
# generate_series per row); none when the start is after the last month.
_MONTHS_SQL = """
CASE WHEN {member}.status IN ('probationary', 'full') THEN GREATEST(0,
  (extract(year FROM %s::date) * 12 + extract(month FROM %s::date))
  - (extract(year FROM {start}) * 12 + extract(month FROM {start})) + 1
)::integer {unpaid} ELSE 0 END
"""
# Minus the months paid in that range: one index-only count on uniq_dues_member_month (a payment is unique
# per member and month, and its month is a first day, so this is the number of expected months paid).
_UNPAID = f"""- (
    SELECT count(*) FROM {DuesPayment._meta.db_table} paid
    WHERE paid.member_id = {{member}}.id AND paid.month >= {{start}} AND paid.month <= %s::date)::integer"""


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


def with_due_months(queryset: QuerySet, *, first: date, last: date) -> QuerySet:
    """Annotate members with ``expected_count`` (months owed in [first, last], from joining, R-MB-07) and
    ``arrears_count`` (those of them without a payment), in SQL. A month range with first > last owes nothing."""
    table = f'"{Member._meta.db_table}"'
    start = _START_SQL.format(member=table)
    expected = _MONTHS_SQL.format(member=table, start=start, unpaid="")
    unpaid = _MONTHS_SQL.format(member=table, start=start, unpaid=_UNPAID.format(member=table, start=start))
    expected_params = [last, last, first, first, first, first]
    return queryset.annotate(
        expected_count=RawSQL(expected, expected_params, output_field=IntegerField()),
        arrears_count=RawSQL(unpaid, [*expected_params, first, first, last], output_field=IntegerField()),
    )


def with_arrears(queryset: QuerySet, on: date) -> QuerySet:
    """Annotate members with ``arrears_count``: months owed as of ``on``, computed in SQL (R-MB-07)."""
    first, last = _expected_range(on)
    return with_due_months(queryset, first=first, last=last)


def members_in_arrears(queryset: QuerySet, on: date) -> QuerySet:
    """Members who owe at least one month as of ``on`` (R-MB-07)."""
    return with_arrears(queryset, on).filter(arrears_count__gt=0)


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
    """Record one month's dues of one member (R-MB-07). ``month`` may be any day of the month."""
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
