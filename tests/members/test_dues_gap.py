"""The runs of unpaid months the database keeps (members.DuesGap, migration 0012) are exact after every kind of
write, and the dues questions answered through them — arrears (R-MB-07) and six months without dues (R-MB-15)
— equal the direct computation over every member, after every write and on the boundary days (issue 21).

The direct computation is the arrears SQL over the whole roll (``with_arrears``, no narrowing) and, for the
six-month rule, the rule as written, member by member in Python from the payments, bases and handlings.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum

from core.dates import add_months
from members.dues import (
    _expected_range,
    arrears_totals,
    dues_base_set,
    dues_lapse_handle,
    dues_pay,
    dues_reduction_record,
    members_in_arrears,
    six_months_unpaid,
    six_months_unpaid_members,
    six_months_window,
    with_arrears,
)
from members.models import DuesBase, DuesGap, DuesLapseHandling, DuesPayment, Member
from members.status import change_status
from tests import factories

pytestmark = pytest.mark.django_db

NO_JOINING = date(1900, 1, 1)

# The days the answers are checked on: January (the arrears window is last year, the six months cross the
# year), the first and last day of months, the day a window moves.
CHECK_DAYS = [
    date(2026, 1, 1),
    date(2026, 1, 31),
    date(2026, 2, 1),
    date(2026, 5, 31),
    date(2026, 6, 1),
    date(2026, 7, 1),
    date(2026, 9, 10),
    date(2026, 12, 31),
    date(2027, 1, 10),
    date(2027, 7, 1),
]


# --- the kept runs against the payments, recomputed in Python --------------------------------------------


def recomputed_runs() -> set[tuple[int, date, date | None]]:
    """Every member's runs of unpaid months from its joining month, from the rows themselves."""
    paid: dict[int, list[date]] = {}
    for member_id, month in DuesPayment.objects.order_by("month").values_list("member_id", "month"):
        paid.setdefault(member_id, []).append(month)
    runs = set()
    for pk, joined_on in Member.objects.values_list("pk", "joined_on"):
        start = joined_on.replace(day=1) if joined_on else NO_JOINING
        covered = add_months(start, -1)
        for month in (m for m in paid.get(pk, []) if m >= start):
            if month > add_months(covered, 1):
                runs.add((pk, add_months(covered, 1), add_months(month, -1)))
            covered = month
        runs.add((pk, add_months(covered, 1), None))
    return runs


def kept_runs() -> set[tuple[int, date, date | None]]:
    return set(DuesGap.objects.values_list("member_id", "first", "last"))


# --- the direct answers ----------------------------------------------------------------------------------


def direct_six_months(on: date) -> set[int]:
    """R-MB-15 as written, member by member: active, joined before the six months, paid none of them, none
    exempted, no handling in force."""
    first, last = six_months_window(on)
    flagged = set()
    for member in Member.objects.all():
        if not member.is_active_member or (member.joined_on and member.joined_on >= add_months(first, 1)):
            continue
        if DuesPayment.objects.filter(member=member, month__range=(first, last)).exists():
            continue
        bases = {b.year: b for b in DuesBase.objects.filter(member=member)}
        this, previous = bases.get(last.year), bases.get(last.year - 1)
        if this and this.reduced_amount == 0 and this.reduced_from <= last.month:
            continue
        if first.year != last.year and previous and previous.reduced_amount == 0:
            continue
        handled = DuesLapseHandling.objects.filter(member=member).filter(
            Q(kind=DuesLapseHandling.Kind.REASON, reason_until__gte=first)
            | Q(kind=DuesLapseHandling.Kind.DEADLINE, pay_by__gte=on)
        )
        if not handled.exists():
            flagged.add(member.pk)
    return flagged


def assert_answers_agree(on: date) -> None:
    every = Member.objects.filter(status__in=Member.ACTIVE_STATUSES)
    direct = with_arrears(Member.objects.all(), on)
    owing = set(direct.filter(arrears_count__gt=0).values_list("pk", flat=True))
    assert set(members_in_arrears(Member.objects.all(), on).values_list("pk", flat=True)) == owing, on
    totals = with_arrears(every, on).aggregate(
        members=Count("pk", filter=Q(arrears_count__gt=0)), amount=Sum("arrears_amount")
    )
    fast = arrears_totals(every, on)
    assert (fast["members"], fast["amount"] or 0) == (totals["members"], totals["amount"] or 0), on
    flagged = direct_six_months(on)
    assert set(six_months_unpaid_members(Member.objects.all(), on).values_list("pk", flat=True)) == flagged, (
        on
    )
    for member in Member.objects.all():
        assert six_months_unpaid(member, on) == (member.pk in flagged), (on, member)


def assert_exact() -> None:
    assert kept_runs() == recomputed_runs()
    for on in CHECK_DAYS:
        assert_answers_agree(on)


# --- the town: every case the answers depend on ------------------------------------------------------------


def _pay(member, *months, paid_on=None):
    DuesPayment.objects.bulk_create(
        DuesPayment(member=member, month=m, amount=Decimal("2.00"), paid_on=paid_on or m) for m in months
    )


def _months(first: date, last: date) -> list[date]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


@pytest.fixture
def town(branch_a, branch_b):
    def make(branch, **fields):
        return factories.make_member(branch, **{"full_member_on": None, **fields})

    town = {
        "paid_up": make(branch_a, joined_on=date(2020, 5, 4)),
        "stopped_last_autumn": make(branch_a, joined_on=date(2019, 3, 1)),
        "never_paid": make(branch_b, joined_on=date(2018, 7, 9)),
        "gap_mid_year": make(branch_b, joined_on=date(2021, 1, 1)),
        "paid_ahead_only": make(branch_a, joined_on=date(2022, 2, 2)),
        "joined_mid_year": make(branch_a, status=Member.Status.PROBATIONARY, joined_on=date(2026, 3, 15)),
        "no_joining_date": make(branch_b, joined_on=None, full_member_on=None),
        "deceased": make(branch_b, status=Member.Status.DECEASED, joined_on=date(2010, 1, 1)),
    }
    _pay(town["paid_up"], *_months(date(2025, 1, 1), date(2027, 6, 1)))
    _pay(town["stopped_last_autumn"], *_months(date(2025, 1, 1), date(2025, 10, 1)))
    _pay(
        town["gap_mid_year"],
        *_months(date(2025, 1, 1), date(2026, 2, 1)),
        *_months(date(2026, 9, 1), date(2027, 6, 1)),
    )
    _pay(town["paid_ahead_only"], *_months(date(2026, 10, 1), date(2027, 3, 1)))
    _pay(town["joined_mid_year"], date(2026, 3, 1))
    return town


def test_the_runs_and_the_answers_are_exact_for_the_town_as_built_R_MB_07_R_MB_15(town):
    assert_exact()
    # The boundaries the town was built for, so that the checks above compare answers that are not all empty.
    assert town["stopped_last_autumn"].pk in direct_six_months(date(2026, 5, 1))  # Nov–Apr
    assert town["gap_mid_year"].pk not in direct_six_months(date(2026, 8, 31))  # Feb paid: Mar–Jul is five
    assert town["gap_mid_year"].pk in direct_six_months(date(2026, 9, 1))  # Mar–Aug
    assert town["paid_ahead_only"].pk in direct_six_months(date(2026, 9, 10))  # paid ahead, not in the six
    assert town["joined_mid_year"].pk not in direct_six_months(date(2026, 9, 1))  # owed since March only
    assert town["joined_mid_year"].pk in direct_six_months(date(2026, 10, 1))


def test_every_kind_of_write_keeps_the_runs_and_the_answers_exact_R_MB_07_R_MB_15(town, branch_b, clerk):
    never, stopped, gap = town["never_paid"], town["stopped_last_autumn"], town["gap_mid_year"]
    # Several months at once through the operation, in arrears and in advance.
    dues_pay(
        member=never,
        months=_months(date(2026, 1, 1), date(2026, 4, 1)),
        paid_on=date(2026, 4, 2),
        recorded_by=clerk,
    )
    assert_exact()
    # One month filling a gap (the run splits in two), then the payment deleted (the runs merge again).
    _pay(gap, date(2026, 5, 1))
    assert_exact()
    DuesPayment.objects.filter(member=gap, month=date(2026, 5, 1)).delete()
    assert_exact()
    # A payment moved to another month and to another member; a whole receipt's months deleted at once.
    DuesPayment.objects.filter(member=stopped, month=date(2025, 10, 1)).update(month=date(2026, 3, 1))
    assert_exact()
    DuesPayment.objects.filter(member=never, month=date(2026, 4, 1)).update(member=stopped)
    assert_exact()
    DuesPayment.objects.filter(member=never).delete()
    assert_exact()
    # The joining date corrected (one member, then a bulk update), a member added, a member deleted.
    Member.objects.filter(pk=town["joined_mid_year"].pk).update(joined_on=date(2026, 1, 20))
    assert_exact()
    Member.objects.filter(organization=branch_b).update(joined_on=date(2025, 12, 1))
    assert_exact()
    newcomer = factories.make_member(
        branch_b, status=Member.Status.PROBATIONARY, joined_on=date(2026, 2, 10), full_member_on=None
    )
    assert_exact()
    newcomer.delete()
    assert not DuesGap.objects.filter(member_id=newcomer.pk).exists()
    assert_exact()


def test_bases_exemptions_handlings_status_and_moves_keep_the_answers_exact_R_MB_13_R_MB_15(
    town, branch_b, clerk
):
    stopped, never, paid_up = town["stopped_last_autumn"], town["never_paid"], town["paid_up"]
    for member in (stopped, never, paid_up):
        dues_base_set(
            member=member,
            year=2026,
            category="salaried",
            base=Decimal("4000"),
            set_on=date(2026, 1, 5),
            set_by=clerk,
        )
    assert_exact()
    # An exemption from May: the months from May are not owed, the six months no longer all owed.
    dues_reduction_record(
        member=never,
        year=2026,
        reduced_amount=Decimal("0"),
        from_month=5,
        branch_decision="支部决定免交",
        branch_decided_on=date(2026, 4, 20),
        committee_approval="镇党委批准",
        committee_approved_on=date(2026, 4, 28),
        recorded_by=clerk,
    )
    assert_exact()
    # A handling in force: a deadline to pay, then a proper reason.
    dues_lapse_handle(
        member=stopped,
        kind=DuesLapseHandling.Kind.DEADLINE,
        handled_on=date(2026, 6, 1),
        pay_by=date(2026, 7, 31),
        note="谈话后限期补交",
        recorded_by=clerk,
    )
    assert_exact()
    dues_lapse_handle(
        member=town["gap_mid_year"],
        kind=DuesLapseHandling.Kind.REASON,
        handled_on=date(2026, 9, 2),
        reason_until=date(2026, 12, 31),
        note="长期住院治疗",
        recorded_by=clerk,
    )
    assert_exact()
    # A member moves branch (one and in bulk); a member dies; a member leaves by the six-month removal.
    Member.objects.filter(pk=paid_up.pk).update(organization=branch_b)
    Member.objects.filter(organization=branch_b).update(organization=town["paid_up"].organization)
    assert_exact()
    change_status(
        member=town["paid_ahead_only"],
        to_status=Member.Status.DECEASED,
        effective_on=date(2026, 11, 3),
        reason="病故",
        recorded_by=clerk,
    )
    assert_exact()
    Member.objects.filter(pk=town["deceased"].pk).update(status=Member.Status.FULL)  # a correction in bulk
    assert_exact()


def test_the_raw_statements_keep_the_runs_exact_R_MB_07(town):
    member = town["never_paid"]
    with connection.cursor() as cursor:  # the demo data's INSERT … SELECT
        cursor.execute(
            "INSERT INTO members_duespayment (member_id, month, amount, paid_on) "
            "SELECT m.id, g.month::date, 2, g.month::date FROM members_member m "
            "CROSS JOIN generate_series(%s::date, %s::date, interval '1 month') AS g(month) "
            "WHERE m.id = %s",
            [date(2026, 1, 1), date(2026, 6, 1), member.pk],
        )
    assert_exact()
    with connection.cursor() as cursor:  # months swapped within one statement
        cursor.execute(
            "UPDATE members_duespayment SET month = CASE month WHEN %s THEN %s ELSE %s END "
            "WHERE member_id = %s AND month IN (%s, %s)",
            [
                date(2026, 1, 1),
                date(2026, 9, 1),
                date(2026, 1, 1),
                member.pk,
                date(2026, 1, 1),
                date(2026, 2, 1),
            ],
        )
    assert_exact()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending deferred FK checks
        cursor.execute("TRUNCATE members_duespayment")
    assert_exact()


def test_the_answers_come_from_the_kept_runs_so_a_wrong_run_is_seen_R_MB_07_R_MB_15(town):
    """Proof that the checks above can fail: with a member's run removed behind the triggers' back, the fast
    answers no longer equal the direct ones."""
    on = date(2026, 9, 10)
    first, last = _expected_range(on)
    stopped = town["stopped_last_autumn"]
    assert stopped.pk in direct_six_months(on)
    DuesGap.objects.filter(member=stopped).delete()
    assert kept_runs() != recomputed_runs()
    assert not six_months_unpaid(stopped, on)
    assert not members_in_arrears(Member.objects.filter(pk=stopped.pk), on).exists()
    assert (
        with_arrears(Member.objects.filter(pk=stopped.pk), on).get().arrears_count
        == last.month - first.month + 1
    )
