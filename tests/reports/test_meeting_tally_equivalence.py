"""The 三会一课 block reads monthly tallies the database keeps (members.MeetingTally, issue 21); its figures must
be exactly those of a direct count over the meetings and attendance rows (R-MB-08), for every period the page
offers — a month, a quarter, a year — after every kind of write: the operations' rows, plain ORM updates
that move a meeting to another month, organisation or kind, a roll changed or deleted, a meeting deleted,
a party group moved to another branch, and bulk statements.
"""

from collections import Counter
from datetime import date

import pytest

from core.models import Organization
from members import analysis
from members.models import Attendance, Meeting
from reports.blocks import Scope, compute_block, get_block_spec
from reports.periods import Period
from tests import factories
from tests.factories.members import meeting_row

pytestmark = pytest.mark.django_db

PERIODS = [
    Period("month", 2026, 1),
    Period("month", 2026, 2),
    Period("month", 2026, 4),
    Period("quarter", 2026, 1),
    Period("quarter", 2026, 2),
    Period("year", 2026),
    Period("year", 2025),
]


def direct_count(start: date, end: date) -> tuple[dict, dict]:
    """Held per (branch, kind) and (present, rows) per branch, counted meeting by meeting in Python."""
    held: Counter = Counter()
    rolls: dict[int, list[int]] = {}
    for meeting in Meeting.objects.filter(held_on__range=(start, end)).select_related("organization"):
        org = meeting.organization
        branch = org.parent_id if org.kind == org.Kind.PARTY_GROUP else org.pk
        held[(branch, meeting.kind)] += 1
        for present in meeting.attendance.values_list("present", flat=True):
            counts = rolls.setdefault(branch, [0, 0])
            counts[0] += present
            counts[1] += 1
    return dict(held), {branch: tuple(counts) for branch, counts in rolls.items()}


def figures(start: date, end: date) -> tuple[dict, dict]:
    """What the block shows, keyed like ``direct_count`` (branches by id)."""
    names = {o.name: o.pk for o in Organization.objects.all()}
    held, rolls = {}, {}
    for row in analysis.meetings(org_ids=None, start=start, end=end):
        pk = names[row.branch]
        held.update({(pk, kind): n for kind, n in row.held.items() if n})
        if row.on_roll:
            rolls[pk] = (row.present, row.on_roll)
    return held, rolls


def assert_same_figures() -> None:
    for period in PERIODS:
        expected = direct_count(period.start, period.end)
        assert figures(period.start, period.end) == expected, period.label
    # A span that cuts months is counted from the rows: the same answer.
    assert figures(date(2026, 1, 8), date(2026, 2, 9)) == direct_count(date(2026, 1, 8), date(2026, 2, 9))


@pytest.fixture
def town(branch_a, branch_b):
    make = factories.make_member
    a1, a2, a3 = (make(branch_a, name=f"甲{i}") for i in range(3))
    b1 = make(branch_b, name="乙一")
    group = factories.make_party_group(branch_a, "东村第一党小组")
    K = Meeting.Kind
    meeting_row(branch_a, K.MEMBER_MEETING, date(2026, 1, 8), {a1: True, a2: False, a3: True})
    meeting_row(branch_a, K.MEMBER_MEETING, date(2026, 1, 31), {a1: True})
    for month in (1, 2, 3, 4):
        meeting_row(branch_a, K.COMMITTEE_MEETING, date(2026, month, 1))
    meeting_row(group, K.GROUP_MEETING, date(2026, 2, 9), {a1: True, a3: False})
    meeting_row(branch_b, K.PARTY_DAY, date(2026, 3, 31), {b1: True})
    meeting_row(branch_b, K.PARTY_LECTURE, date(2025, 12, 31), {b1: False})
    return {"a1": a1, "a2": a2, "a3": a3, "b1": b1, "group": group}


def test_the_tallies_count_what_the_meetings_and_rolls_hold_R_MB_08(town, branch_a):
    assert_same_figures()
    january = {
        (row.branch, k): n for row in figures_rows(Period("month", 2026, 1)) for k, n in row.held.items()
    }
    assert january[(branch_a.name, Meeting.Kind.MEMBER_MEETING)] == 2


def figures_rows(period: Period):
    return analysis.meetings(org_ids=None, start=period.start, end=period.end)


def test_the_tallies_follow_moves_roll_changes_and_deletes_made_outside_the_operations_R_MB_08(
    town, branch_a, branch_b
):
    meeting = Meeting.objects.get(kind=Meeting.Kind.MEMBER_MEETING, held_on=date(2026, 1, 8))
    meeting.held_on = date(2026, 4, 2)  # another month and quarter, with its roll
    meeting.save()
    assert_same_figures()
    Meeting.objects.filter(pk=meeting.pk).update(organization=branch_b, kind=Meeting.Kind.PARTY_DAY)
    assert_same_figures()
    Meeting.objects.filter(pk=meeting.pk).update(topic="只改主题")  # moves nothing
    assert_same_figures()
    Attendance.objects.filter(meeting=meeting, present=False).update(present=True)
    Attendance.objects.filter(member=town["a1"]).delete()
    assert_same_figures()
    other = Meeting.objects.get(kind=Meeting.Kind.GROUP_MEETING)
    Attendance.objects.filter(meeting=meeting, member=town["a2"]).update(meeting=other)  # to another meeting
    assert_same_figures()
    meeting.attendance.all().delete()
    meeting.delete()
    assert_same_figures()
    Meeting.objects.filter(kind=Meeting.Kind.COMMITTEE_MEETING).update(held_on=date(2025, 6, 30))  # bulk
    assert_same_figures()


def test_a_party_group_moved_to_another_branch_takes_its_meetings_along_R_MB_08(town, branch_b):
    group = town["group"]
    group.parent = branch_b
    group.save()
    assert_same_figures()
    held, _ = figures(date(2026, 2, 1), date(2026, 2, 28))
    assert held[(branch_b.pk, Meeting.Kind.GROUP_MEETING)] == 1


def test_the_block_shows_the_tallied_figures_with_a_constant_number_of_queries(
    town, django_assert_max_num_queries
):
    spec = get_block_spec("meetings")
    with django_assert_max_num_queries(2):
        block = compute_block(spec, Scope(None), Period("year", 2026))
    held = sum(int(cell.split("/")[0]) for row in block.tables[2].rows for cell in row[1:])
    assert held == Meeting.objects.filter(held_on__year=2026).count()
