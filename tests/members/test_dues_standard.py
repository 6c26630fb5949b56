"""The national dues standard (R-MB-13), bases per year and provisional amounts (R-MB-14), arrears in months and
money (R-MB-07), reductions approved mid-year, and the six-month rule (R-MB-15)."""

from datetime import date
from decimal import Decimal

import pytest

from core.rules import RULE_ID
from members.dues import (
    MINIMUM_AMOUNT,
    arrears_months,
    dues_base_set,
    dues_lapse_handle,
    dues_pay,
    dues_reduction_record,
    dues_summary,
    members_in_arrears,
    month_due,
    six_months_unpaid,
    six_months_unpaid_members,
    standard_monthly_amount,
    unpaid_months,
    with_arrears,
)
from members.exceptions import MemberError
from members.models import DuesCategory, DuesLapseHandling, DuesPayment, Member
from tests import factories

C = DuesCategory
D = Decimal


@pytest.mark.parametrize(
    ("category", "base", "amount", "rate"),
    [
        # salaried: the band of the WHOLE base applies to the whole base
        (C.SALARIED, "39", "0.20", "0.005"),  # 0.195 → 0.20: the smallest amount the regulation names
        (C.SALARIED, "2999.99", "15.00", "0.005"),
        (C.SALARIED, "3000", "15.00", "0.005"),
        (C.SALARIED, "3000.01", "30.00", "0.01"),
        (C.SALARIED, "5000", "50.00", "0.01"),
        (C.SALARIED, "5000.01", "75.00", "0.015"),
        (C.SALARIED, "10000", "150.00", "0.015"),
        (C.SALARIED, "10000.01", "200.00", "0.02"),
        (C.SALARIED, "25000", "500.00", "0.02"),
        # employed by others / self-employed: the salaried bands on declared income
        (C.SELF_EMPLOYED, "3000", "15.00", "0.005"),
        (C.SELF_EMPLOYED, "3000.01", "30.00", "0.01"),
        (C.SELF_EMPLOYED, "10000.01", "200.00", "0.02"),
        # retired
        (C.RETIRED, "3000.01", "15.00", "0.005"),
        (C.RETIRED, "5000", "25.00", "0.005"),
        (C.RETIRED, "5000.01", "50.00", "0.01"),
        # rounding at the fen, half up
        (C.SALARIED, "2345.67", "11.73", "0.005"),  # 11.72835
        (C.SALARIED, "1001", "5.01", "0.005"),  # 5.005 → 5.01 (half up, not to even)
        (C.SALARIED, "1003", "5.02", "0.005"),  # 5.015 → 5.02
        (C.SALARIED, "5433.33", "81.50", "0.015"),  # 81.49995 → 81.50
        (C.RETIRED, "4321.10", "21.61", "0.005"),  # 21.6055
        (C.SALARIED, "3333.35", "33.33", "0.01"),  # 33.3335 → 33.33
    ],
)
def test_every_band_edge_of_the_standard_R_MB_13(category, base, amount, rate):
    result = standard_monthly_amount(category, base=D(base))
    assert result.amount == D(amount) and result.amount.as_tuple().exponent == -2
    assert result.rate == D(rate)


@pytest.mark.parametrize("fixed", ["0.20", "0.50", "1.00", "0.2", "1"])
def test_farmers_pay_the_fixed_amount_the_branch_set_R_MB_13(fixed):
    result = standard_monthly_amount(C.FARMER, fixed_amount=D(fixed))
    assert result.amount == D(fixed) and result.rate is None and result.rate_label == "定额"


@pytest.mark.parametrize("fixed", ["0.19", "1.01", "0", "-0.5", "0.255", None])
def test_a_farmers_fixed_amount_outside_0_20_to_1_00_is_refused_R_MB_13(fixed):
    with pytest.raises(MemberError, match="R-MB-13"):
        standard_monthly_amount(C.FARMER, fixed_amount=None if fixed is None else D(fixed))


def test_students_unemployed_and_relief_pay_twenty_fen_whatever_the_base_R_MB_13():
    assert standard_monthly_amount(C.RELIEF).amount == D("0.20")
    assert standard_monthly_amount(C.RELIEF, base=D("8000")).amount == D("0.20")


def test_a_banded_category_needs_a_base_and_refuses_a_negative_one_R_MB_13():
    for base in (None, D("-1")):
        with pytest.raises(MemberError, match="R-MB-13"):
            standard_monthly_amount(C.SALARIED, base=base)
    with pytest.raises(MemberError):
        standard_monthly_amount("nonsense", base=D("1"))


@pytest.mark.parametrize(
    ("category", "base"),
    [
        (C.SALARIED, "0"),
        (C.SALARIED, "0.99"),
        (C.SALARIED, "38.99"),
        (C.SELF_EMPLOYED, "10"),
        (C.RETIRED, "20"),
    ],
)
def test_a_base_whose_amount_is_below_twenty_fen_is_refused_citing_the_regulation_R_MB_13(category, base):
    """0.20 is the smallest amount the regulation names; below it (0.00 under 1 yuan at 0.5 %) the base is
    refused, in words that cite the regulation, not the rule ID — paying less or nothing is a reduction."""
    assert MINIMUM_AMOUNT == D("0.20")
    with pytest.raises(MemberError) as refused:
        standard_monthly_amount(category, base=D(base))
    message = str(refused.value)
    assert "《关于中国共产党党费收缴、使用和管理的规定》" in message and "0.20元" in message
    assert not RULE_ID.search(message)
    assert (refused.value.rule, refused.value.field) == ("R-MB-13", "base")


pytestmark_db = pytest.mark.django_db


@pytest.fixture
def member(db, branch_a):
    return factories.make_member(branch_a, joined_on=date(2005, 7, 1), monthly_dues=D("2.00"))


def _base(member, year, base="4000", category=C.SALARIED, **extra):
    return dues_base_set(
        member=member,
        year=year,
        category=category,
        base=D(base),
        set_on=date(year, 3, 1),
        set_by=None,
        **extra,
    )


def _pay(member, *months, paid_on, **extra):
    return dues_pay(member=member, months=list(months), paid_on=paid_on, recorded_by=None, **extra)


@pytest.mark.django_db
def test_last_years_base_applies_until_the_new_one_is_set_and_is_provisional_R_MB_14(member):
    _base(member, 2025, "4000")  # 40.00 a month
    due = month_due(member, date(2026, 2, 1))
    assert (due.amount, due.provisional) == (D("40.00"), True)
    row = with_arrears(Member.objects.filter(pk=member.pk), date(2026, 3, 10)).get()
    assert (row.arrears_count, row.arrears_amount, row.dues_provisional) == (2, D("80.00"), True)
    _base(member, 2026, "6000")  # 90.00 a month from now on, no longer provisional
    due = month_due(member, date(2026, 2, 1))
    assert (due.amount, due.provisional) == (D("90.00"), False)
    row = with_arrears(Member.objects.filter(pk=member.pk), date(2026, 3, 10)).get()
    assert (row.arrears_count, row.arrears_amount, row.dues_provisional) == (2, D("180.00"), False)


@pytest.mark.django_db
def test_without_any_base_the_member_records_amount_applies_provisionally_R_MB_14(member):
    assert month_due(member, date(2026, 5, 1)).provisional
    assert month_due(member, date(2026, 5, 1)).amount == D("2.00")


@pytest.mark.django_db
def test_arrears_in_months_and_money_with_advance_and_late_payments_across_a_year_boundary_R_MB_07_R_MB_14(
    member,
):
    _base(member, 2026, "4000")  # 40.00
    _base(member, 2027, "6000")  # 90.00
    _pay(member, *[date(2026, m, 1) for m in range(1, 11)], paid_on=date(2026, 10, 20))
    # 20 December 2026: November owed (December not yet due)
    assert _arrears(member, date(2026, 12, 20)) == (1, D("40.00"))
    # Paid in advance in December: November (late), December and January–March 2027
    _pay(
        member,
        date(2026, 11, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
        date(2027, 3, 1),
        paid_on=date(2026, 12, 28),
    )
    assert _arrears(member, date(2026, 12, 31)) == (0, D("0.00"))
    # 10 January 2027: the window is the whole of 2026, December still owed
    assert _arrears(member, date(2027, 1, 10)) == (1, D("40.00"))
    _pay(member, date(2026, 12, 1), paid_on=date(2027, 1, 12))  # late, across the year boundary
    assert _arrears(member, date(2027, 1, 12)) == (0, D("0.00"))
    # The advance covers January–March 2027; April owed on 10 May, at 2027's amount
    assert _arrears(member, date(2027, 4, 10)) == (0, D("0.00"))
    assert _arrears(member, date(2027, 5, 10)) == (1, D("90.00"))
    assert DuesPayment.objects.get(member=member, month=date(2027, 1, 1)).amount == D("90.00")
    summary = dues_summary(member, date(2027, 5, 10))
    assert (summary.arrears_count, summary.arrears_amount, summary.unpaid) == (
        1,
        D("90.00"),
        [date(2027, 4, 1)],
    )


def _arrears(member, on):
    row = with_arrears(Member.objects.filter(pk=member.pk), on).get()
    assert arrears_months(member, on) == row.arrears_count
    assert (member in members_in_arrears(Member.objects.all(), on)) == (row.arrears_count > 0)
    return row.arrears_count, row.arrears_amount


@pytest.mark.django_db
def test_a_reduction_approved_mid_year_lowers_the_months_from_its_start_R_MB_13(member):
    _base(member, 2026, "12000")  # 240.00
    _pay(member, date(2026, 1, 1), date(2026, 2, 1), paid_on=date(2026, 2, 10))
    with pytest.raises(MemberError, match="上级党委"):  # the branch alone cannot reduce
        dues_reduction_record(
            member=member,
            year=2026,
            reduced_amount=D("10"),
            from_month=6,
            branch_decision="支部委员会决定",
            branch_decided_on=date(2026, 5, 20),
            committee_approval="",
            committee_approved_on=None,
            recorded_by=None,
        )
    dues_reduction_record(
        member=member,
        year=2026,
        reduced_amount=D("10"),
        from_month=6,
        branch_decision="支部委员会决定（因病致困）",
        branch_decided_on=date(2026, 5, 20),
        committee_approval="镇党委批复",
        committee_approved_on=date(2026, 6, 2),
        recorded_by=None,
    )
    assert month_due(member, date(2026, 5, 1)).amount == D("240.00")
    assert month_due(member, date(2026, 6, 1)).amount == D("10.00")
    # March–May at 240, June–August at 10 on 10 September
    assert _arrears(member, date(2026, 9, 10)) == (6, D("750.00"))
    receipt = _pay(member, date(2026, 6, 1), paid_on=date(2026, 9, 10))
    assert receipt.months_amount == D("10.00")


@pytest.mark.django_db
def test_an_exemption_means_the_months_are_not_owed_R_MB_13(member):
    _base(member, 2026, "2000")
    dues_reduction_record(
        member=member,
        year=2026,
        reduced_amount=D("0"),
        from_month=1,
        branch_decision="支部决定免交",
        branch_decided_on=date(2026, 1, 5),
        committee_approval="镇党委批准",
        committee_approved_on=date(2026, 1, 10),
        recorded_by=None,
    )
    assert _arrears(member, date(2026, 9, 10)) == (0, D("0.00"))
    assert not six_months_unpaid(member, date(2026, 9, 10))
    with pytest.raises(MemberError, match="免交"):
        _pay(member, date(2026, 3, 1), paid_on=date(2026, 9, 10))


@pytest.mark.django_db
def test_voluntary_extra_is_recorded_apart_and_never_pays_arrears_R_MB_13(member):
    _base(member, 2026, "4000")
    receipt = _pay(member, date(2026, 1, 1), paid_on=date(2026, 1, 20), voluntary=D("100"))
    assert (receipt.months_amount, receipt.voluntary, receipt.total) == (D("40.00"), D("100.00"), D("140.00"))
    assert _arrears(member, date(2026, 4, 10)) == (2, D("80.00"))  # February, March still owed


@pytest.mark.django_db
def test_pay_on_behalf_records_who_paid_and_numbers_each_receipt_R_MB_14(member, clerk):
    first = dues_pay(
        member=member,
        months=[date(2026, 1, 1)],
        paid_on=date(2026, 2, 1),
        recorded_by=clerk,
        paid_by="王小红（配偶）",
    )
    second = dues_pay(member=member, months=[date(2026, 2, 1)], paid_on=date(2026, 2, 2), recorded_by=clerk)
    assert first.paid_by == "王小红（配偶）" and second.paid_by == ""
    assert (first.number, second.number) == ("党费收〔2026〕001号", "党费收〔2026〕002号")
    assert first.recorded_by == clerk and first.payments.get().month == date(2026, 1, 1)


@pytest.mark.django_db
def test_a_paid_month_is_refused_again_and_nothing_is_written_R_MB_14(member):
    _pay(member, date(2026, 2, 1), paid_on=date(2026, 3, 1))
    with pytest.raises(MemberError, match="2026年2月的党费已登记"):
        _pay(member, date(2026, 1, 1), date(2026, 2, 1), paid_on=date(2026, 3, 1))
    assert DuesPayment.objects.filter(member=member).count() == 1


@pytest.mark.django_db
def test_advance_payment_is_limited_to_twelve_months_R_MB_14(member):
    _pay(member, date(2027, 3, 1), paid_on=date(2026, 3, 31))
    with pytest.raises(MemberError, match="12个月"):
        _pay(member, date(2027, 4, 1), paid_on=date(2026, 3, 31))


@pytest.mark.django_db
def test_six_month_flag_on_both_sides_of_its_boundary_R_MB_15(member, branch_a):
    _pay(member, date(2025, 11, 1), paid_on=date(2025, 11, 5))  # nothing after November 2025
    # Last month due on 30 May 2026 is April: December–April, five months — not yet
    assert not six_months_unpaid(member, date(2026, 5, 31))
    # On 1 June 2026 the last month due is May: December–May, six months — flagged, across the year boundary
    assert six_months_unpaid(member, date(2026, 6, 1))
    assert list(
        six_months_unpaid_members(Member.objects.filter(organization=branch_a), date(2026, 6, 1))
    ) == [member]
    # A member who joined in January 2026 has owed only five months on 1 June
    newer = factories.make_member(branch_a, status=Member.Status.PROBATIONARY, joined_on=date(2026, 1, 15))
    assert not six_months_unpaid(newer, date(2026, 6, 1))
    assert six_months_unpaid(newer, date(2026, 7, 1))


@pytest.mark.django_db
def test_the_branchs_handling_clears_the_flag_while_in_force_R_MB_15(member):
    on = date(2026, 7, 1)
    assert six_months_unpaid(member, on)
    dues_lapse_handle(
        member=member,
        kind=DuesLapseHandling.Kind.DEADLINE,
        handled_on=on,
        pay_by=date(2026, 7, 31),
        note="谈话后限期补交",
        recorded_by=None,
    )
    assert not six_months_unpaid(member, date(2026, 7, 31))
    assert six_months_unpaid(member, date(2026, 8, 1))  # the deadline passed without payment
    dues_lapse_handle(
        member=member,
        kind=DuesLapseHandling.Kind.REASON,
        handled_on=date(2026, 8, 3),
        reason_until=date(2026, 12, 31),
        note="长期住院治疗",
        recorded_by=None,
    )
    assert not six_months_unpaid(member, date(2026, 8, 3))


@pytest.mark.django_db
def test_removal_for_six_months_goes_through_the_status_operation_R_MB_15_R_MB_02(member, clerk):
    with pytest.raises(MemberError, match="R-MB-15"):  # paid recently: not the six-month case
        _pay(member, date(2026, 5, 1), paid_on=date(2026, 5, 5))
        dues_lapse_handle(
            member=member,
            kind=DuesLapseHandling.Kind.REMOVAL,
            handled_on=date(2026, 7, 1),
            note="x",
            recorded_by=clerk,
        )
    other = factories.make_member(member.organization)
    dues_lapse_handle(
        member=other,
        kind=DuesLapseHandling.Kind.REMOVAL,
        handled_on=date(2026, 7, 1),
        note="经支部大会讨论，按自行脱党除名",
        recorded_by=clerk,
    )
    other.refresh_from_db()
    assert other.status == Member.Status.REMOVED
    assert other.status_events.latest("pk").to_state == Member.Status.REMOVED
    assert not six_months_unpaid(other, date(2026, 7, 1))


@pytest.mark.django_db
def test_arrears_in_money_in_sql_equal_the_months_owed_at_their_amounts_one_by_one_R_MB_07_R_MB_13(branch_a):
    """The list form (``with_arrears``, SQL) and the one-record form (``unpaid_months`` × ``month_due``) agree
    for members with and without bases, provisional, reduced mid-year, exempted, joined mid-year, partly paid."""
    from members.dues import unpaid_months

    on = date(2026, 10, 15)
    members = []
    for n in range(12):
        joined = date(2026, 1 + n % 9, 10) if n % 4 == 3 else date(2001, 1, 1)
        status = Member.Status.PROBATIONARY if n % 4 == 3 else Member.Status.FULL
        m = factories.make_member(branch_a, joined_on=joined, status=status, monthly_dues=D("3.00"))
        if n % 3:
            _base(m, 2025 if n % 3 == 1 else 2026, str(1500 + 1234 * n))
        if n % 5 == 2:
            _base(m, 2026, str(900 + 1111 * n))
            dues_reduction_record(
                member=m, year=2026, reduced_amount=D("0") if n == 7 else D("1.50"), from_month=1 + n % 7,
                branch_decision="支部决定", branch_decided_on=date(2026, 1, 2), committee_approval="镇党委批准",
                committee_approved_on=date(2026, 1, 3), recorded_by=None,
            )  # fmt: skip
        payable = [
            month
            for month in (date(2026, k, 1) for k in range(1, 10, 1 + n % 3))
            if month_due(m, month).amount
        ]
        payable = [p for p in payable if not m.joined_on or p >= m.joined_on.replace(day=1)]
        if payable:
            _pay(m, *payable, paid_on=date(2026, 9, 30))
        members.append(m)
    rows = {r.pk: r for r in with_arrears(Member.objects.filter(pk__in=[m.pk for m in members]), on)}
    for m in members:
        unpaid = unpaid_months(m, on)
        assert rows[m.pk].arrears_count == len(unpaid), m
        assert rows[m.pk].arrears_amount == sum((month_due(m, u).amount for u in unpaid), D("0")), m
    # The member page's summary (the base rows read once) gives what the one-record functions give, in
    # January too (the window is last year then).
    from members.dues import base_for_year

    for day in (on, date(2026, 1, 5), date(2027, 1, 20)):
        for m in members:
            summary = dues_summary(m, day)
            assert (summary.base, summary.provisional) == base_for_year(m, day.year), (m, day)
            assert summary.monthly == month_due(m, day), (m, day)
            assert summary.unpaid == unpaid_months(m, day), (m, day)
            assert summary.six_months == six_months_unpaid(m, day), (m, day)


@pytest.mark.django_db
def test_no_month_is_owed_at_nothing_so_the_count_and_the_list_of_months_owed_agree_R_MB_07_R_MB_13(member):
    """A base of under 1 yuan once gave an amount of 0.00: its months counted in arrears_count but unpaid_months
    left them out. Such a base is refused; what the member owes is the record's amount, listed and counted alike."""
    with pytest.raises(MemberError, match="最低交纳额"):
        _base(member, 2026, "0.50")
    on = date(2026, 7, 10)
    row = with_arrears(Member.objects.filter(pk=member.pk), on).get()
    assert row.arrears_count == len(unpaid_months(member, on)) == 6
    assert row.arrears_amount == sum(month_due(member, m).amount for m in unpaid_months(member, on))
