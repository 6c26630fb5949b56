"""Member figures against the hand-built quarter in conftest.py (issue 8, R-MB-03, R-MB-06, R-MB-07, R-MB-08)."""

from datetime import date
from decimal import Decimal

from members import analysis
from tests.reports.conftest import Q1

END = Q1[1]


def ids(*orgs):
    return frozenset(o.pk for o in orgs)


def test_composition_of_branch_a_counts_only_its_members_on_the_roll(quarter, branch_a):
    c = analysis.composition(org_ids=ids(branch_a), on=END)
    assert c.total == 3  # the deceased m4 is not on the roll
    assert c.by_status == [("预备党员", 1), ("正式党员", 2)]
    assert c.by_gender == [("男", 1), ("女", 2)]
    assert dict(c.by_education)["本科"] == 1 and dict(c.by_education)["大专"] == 1
    assert dict(c.by_education)["未填写"] == 1
    assert c.by_ethnicity == [("汉族", 2), ("回族", 1)]
    assert c.by_branch == [("东村党支部", 3)]


def test_age_bands_count_completed_years_on_the_last_day_a_70th_birthday_counts(quarter, branch_a):
    ages = dict(analysis.composition(org_ids=ids(branch_a), on=END).by_age)
    assert ages == {
        "30岁及以下": 1,
        "31至40岁": 1,
        "41至50岁": 0,
        "51至60岁": 0,
        "61至70岁": 1,
        "71岁及以上": 0,
    }
    ages_next_day = dict(analysis.composition(org_ids=ids(branch_a), on=date(2026, 4, 1)).by_age)
    assert ages_next_day["61至70岁"] == 1  # 70 until the 71st birthday


def test_party_age_counts_from_full_membership_not_joining_R_MB_03(quarter, branch_a):
    bands = dict(analysis.composition(org_ids=ids(branch_a), on=END).by_party_age)
    # m1 joined 2019 but became full 2020-07-01: 5 years; m3 became full exactly 50 years before END.
    assert bands["5至9年"] == 1
    assert bands["50年及以上"] == 1
    assert bands[analysis.NO_PARTY_AGE] == 1
    day_before = dict(analysis.composition(org_ids=ids(branch_a), on=date(2026, 3, 30)).by_party_age)
    assert day_before["50年及以上"] == 0 and day_before["30至49年"] == 1


def test_town_composition_counts_every_branch(quarter, branch_a, branch_b):
    c = analysis.composition(org_ids=None, on=END)
    assert c.total == 4
    assert dict(c.by_branch) == {"东村党支部": 3, "西村党支部": 1}


def test_a_branch_with_nobody_on_the_roll_is_listed_with_zero(quarter, branch_a, branch_b):
    from tests import factories

    empty = factories.make_branch("南村党支部")
    factories.make_member(empty, status="deceased")
    c = analysis.composition(org_ids=None, on=END)
    assert dict(c.by_branch) == {"东村党支部": 3, "西村党支部": 1, "南村党支部": 0}
    assert c.total == 4


def test_flows_of_branch_a_in_the_quarter(quarter, branch_a):
    f = analysis.flows(org_ids=ids(branch_a), start=Q1[0], end=END)
    assert f.as_pairs() == [
        ("新发展党员", 1),
        ("预备党员转正", 0),
        ("从镇外转入", 1),
        ("镇内转入", 1),
        ("转往镇外", 1),
        ("镇内转出", 0),
        ("去世、开除、除名", 1),
    ]


def test_town_flows_count_an_internal_transfer_both_ways_and_ignore_pending_and_later_ones(quarter):
    f = analysis.flows(org_ids=None, start=Q1[0], end=END)
    assert (f.joined, f.became_full, f.transferred_in, f.transferred_out) == (1, 1, 1, 1)
    assert (f.moved_in, f.moved_out, f.left) == (1, 1, 1)


def test_floating_members_away_and_lost_contact_R_MB_06(quarter, branch_a, branch_b):
    assert analysis.floating(org_ids=ids(branch_a), on=END).as_pairs() == [
        ("外出流动党员", 1),
        ("流入本镇党员", 0),
        ("其中失联", 1),
        ("持有效活动证", 0),
    ]
    # m5 returned on 10 Jan: away at the end of 2025, not at the end of the quarter.
    assert analysis.floating(org_ids=ids(branch_b), on=END).out == 0
    assert analysis.floating(org_ids=ids(branch_b), on=date(2025, 12, 31)).out == 1


def test_meetings_held_against_required_per_kind_R_MB_08(quarter, branch_a):
    (a,) = analysis.meetings(org_ids=ids(branch_a), start=Q1[0], end=END)
    assert a.held == {"member_meeting": 1, "committee_meeting": 3, "party_day": 2, "group_meeting": 2}
    assert a.required == {
        "member_meeting": 1,
        "committee_meeting": 3,
        "group_meeting": 3,  # one party group, monthly
        "party_lecture": 1,
        "party_day": 3,
    }
    assert (a.held_total, a.required_total, a.kinds_short) == (8, 11, 3)
    assert (a.present, a.on_roll) == (3, 5)
    assert a.attendance_rate == 0.6


def test_a_year_requires_twelve_committee_meetings_and_four_member_meetings_R_MB_08():
    assert analysis.meetings_required("committee_meeting", 12) == 12
    assert analysis.meetings_required("member_meeting", 12) == 4
    assert analysis.meetings_required("member_meeting", 1) == 0
    assert analysis.meetings_required("group_meeting", 3, party_groups=2) == 6


def test_dues_expected_collected_and_arrears_per_branch_R_MB_07(quarter, branch_a, branch_b):
    rows = {r.branch: r for r in analysis.dues(org_ids=None, start=Q1[0], end=END, today=date(2026, 11, 1))}
    a, b = rows["东村党支部"], rows["西村党支部"]
    # m1 30 + m2 (from joining in February) 4 + m3 15; m4 has died and owes nothing.
    assert (a.expected, a.collected, a.arrears, a.members_in_arrears) == (
        Decimal("49.00"),
        Decimal("39.00"),
        Decimal("12.00"),
        2,
    )
    assert (b.expected, b.collected, b.arrears, b.members_in_arrears) == (
        Decimal("9.00"),
        Decimal("3.00"),
        Decimal("6.00"),
        1,
    )


def test_dues_of_the_running_month_are_not_expected_yet_as_in_the_arrears_check_R_MB_07(quarter, branch_b):
    """The statistics use members.dues' rule: a month's dues may be paid until its last day, so on 15 February
    only January is owed (m5: 3.00, paid)."""
    (b,) = analysis.dues(org_ids=ids(branch_b), start=Q1[0], end=END, today=date(2026, 2, 15))
    assert (b.expected, b.arrears, b.members_in_arrears) == (Decimal("3.00"), Decimal("0.00"), 0)
    (b,) = analysis.dues(org_ids=ids(branch_b), start=Q1[0], end=END, today=date(2026, 3, 1))
    assert (b.expected, b.arrears, b.members_in_arrears) == (Decimal("6.00"), Decimal("3.00"), 1)


def test_period_dues_and_the_arrears_check_count_the_same_months_R_MB_07(quarter, branch_a):
    """One definition: the months a member owes in the year so far are the months the arrears list counts."""
    from members.dues import with_arrears
    from members.models import Member

    on = date(2026, 4, 10)
    owing = sum(
        with_arrears(Member.objects.filter(organization=branch_a), on).values_list("arrears_count", flat=True)
    )
    (a,) = analysis.dues(org_ids=ids(branch_a), start=date(2026, 1, 1), end=date(2026, 12, 31), today=on)
    assert owing == 3  # m2 March, m3 February and March
    assert a.members_in_arrears == 2


def test_meeting_statistics_and_missing_meetings_share_one_frequency_table_R_MB_08():
    from members import meetings

    assert analysis.MEETING_EVERY_MONTHS is meetings.MEETING_EVERY_MONTHS
    assert set(meetings.MONTHLY_KINDS) == {"committee_meeting", "party_day"}
    assert set(meetings.QUARTERLY_KINDS) == {"member_meeting", "party_lecture"}


def test_quarterly_analysis_gathers_the_quarter_R_MB_10(quarter, branch_a):
    a = analysis.quarterly_analysis(year=2026, quarter=1, organization=branch_a)
    assert a.scope_name == "东村党支部"
    assert (a.start, a.end) == Q1
    assert a.composition.total == 3
    assert a.flows.joined == 1
    assert (a.meetings_held, a.meetings_required) == (8, 11)
    assert a.branches_short == ["东村党支部"]
    assert a.attendance_percent == 60.0
    assert (a.dues_expected, a.dues_collected, a.dues_arrears) == (
        Decimal("49.00"),
        Decimal("39.00"),
        Decimal("12.00"),
    )


def test_quarterly_analysis_of_the_town_includes_both_branches_R_MB_10(quarter):
    a = analysis.quarterly_analysis(year=2026, quarter=1)
    assert a.scope_name == "全镇"
    assert a.composition.total == 4
    assert a.dues_collected == Decimal("42.00")
    assert a.members_in_arrears == 3
