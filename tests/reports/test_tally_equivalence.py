"""The statistics blocks that read tallies the database keeps (issue 21) give exactly the figures of a direct
count over the rows they replace, for every period the page offers — a month, a quarter, a year — and after
every kind of write: operations' rows, plain ORM updates, bulk statements, deletes.

* 三会一课 (R-MB-08): members.MeetingTally against the meetings and attendance rows counted one by one;
* 党员队伍 (R-MB-03 party age): members.RollFacetTally / RollDateTally against the members themselves, on days that
  put a band's edge on a birthday, the day before and after, 29 February, a month's last day and mid-month.
* 党员增减 (R-MB-02, R-MB-05): members.FlowTally against the members, status events and transfers counted from
  the rows (``analysis._flows_from_rows``), and against its rebuild from them;
* 发展党员 (R-RC-05, R-RC-07): recruitment.Candidate.activist_since against the stage changes themselves
  (``rules.stage_since``), and the flags that read it against the rule for one candidate;
  (R-RC-05, R-RC-17, R-RC-19) recruitment.Candidate.member_joined_on against the member record's joining date,
  and the flags that read it against the rule for one candidate; recruitment.CandidateStageTally (the funnel's
  candidates per stage now) against a count of the candidates.

The other blocks count their rows directly (floating members) or are
proven against the former computation in their own module (services: tests/services/test_statistics_tallies.py;
conversion: test_conversion_block_equivalence.py; dues: test_dues_block_equivalence.py); ``test_every_block_is_proven_here_or_counts_directly`` keeps
that list honest.
"""

import importlib
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.db.models import F

from core.models import Organization
from members import analysis
from members.models import (
    Attendance,
    FlowTally,
    Meeting,
    MeetingTally,
    Member,
    MemberStatusEvent,
    RelationTransfer,
)
from reports.blocks import Scope, compute_block, get_block_spec
from reports.periods import Period
from tests import factories, tallies
from tests.factories.members import meeting_row, transfer_row

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


# Whole months that no single span of the tally covers: months, quarters and a year joined (analysis.tally_spans).
MEETING_SPANS = [(p.start, p.end) for p in PERIODS] + [
    (date(2025, 11, 1), date(2027, 2, 28)),
    (date(2026, 2, 1), date(2026, 11, 30)),
    (date(2025, 12, 1), date(2026, 4, 30)),
]
_MEETING_SPANS = importlib.import_module("members.migrations.0027_meeting_tally_spans")


def kept_meeting_rows() -> set:
    return set(
        MeetingTally.objects.exclude(held=0, present=0, attended=0).values_list(
            "month", "months", "organization_id", "kind", "held", "present", "attended"
        )
    )


def assert_same_figures() -> None:
    """The block's figures equal a direct count for every period and span of whole months, and the kept tally
    equals its rebuild from the meetings and rolls (members migration 0027's fill)."""
    for start, end in MEETING_SPANS:
        assert figures(start, end) == direct_count(start, end), (start, end)
    # A span that cuts months is counted from the rows: the same answer.
    assert figures(date(2026, 1, 8), date(2026, 2, 9)) == direct_count(date(2026, 1, 8), date(2026, 2, 9))
    assert kept_meeting_rows() == tallies.rebuilt_rows(_MEETING_SPANS.FILL, kept_meeting_rows)


def test_whole_months_are_read_as_the_fewest_spans_the_tally_keeps():
    spans = analysis.tally_spans
    assert spans(date(2026, 1, 1), date(2026, 12, 31)) == [(date(2026, 1, 1), 12)]
    assert spans(date(2026, 4, 1), date(2026, 6, 30)) == [(date(2026, 4, 1), 3)]
    assert spans(date(2026, 2, 1), date(2026, 2, 28)) == [(date(2026, 2, 1), 1)]
    assert spans(date(2025, 11, 1), date(2027, 2, 28)) == [
        (date(2025, 11, 1), 1),
        (date(2025, 12, 1), 1),
        (date(2026, 1, 1), 12),
        (date(2027, 1, 1), 1),
        (date(2027, 2, 1), 1),
    ]
    assert spans(date(2026, 2, 1), date(2026, 11, 30)) == [
        (date(2026, 2, 1), 1),
        (date(2026, 3, 1), 1),
        (date(2026, 4, 1), 3),
        (date(2026, 7, 1), 3),
        (date(2026, 10, 1), 1),
        (date(2026, 11, 1), 1),
    ]


@pytest.fixture
def meeting_town(branch_a, branch_b):
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


def test_the_tallies_count_what_the_meetings_and_rolls_hold_R_MB_08(meeting_town, branch_a):
    assert_same_figures()
    january = {
        (row.branch, k): n for row in figures_rows(Period("month", 2026, 1)) for k, n in row.held.items()
    }
    assert january[(branch_a.name, Meeting.Kind.MEMBER_MEETING)] == 2


def figures_rows(period: Period):
    return analysis.meetings(org_ids=None, start=period.start, end=period.end)


def test_the_tallies_follow_moves_roll_changes_and_deletes_made_outside_the_operations_R_MB_08(
    meeting_town, branch_a, branch_b
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
    Attendance.objects.filter(member=meeting_town["a1"]).delete()
    assert_same_figures()
    other = Meeting.objects.get(kind=Meeting.Kind.GROUP_MEETING)
    Attendance.objects.filter(meeting=meeting, member=meeting_town["a2"]).update(
        meeting=other
    )  # to another meeting
    assert_same_figures()
    meeting.attendance.all().delete()
    meeting.delete()
    assert_same_figures()
    Meeting.objects.filter(kind=Meeting.Kind.COMMITTEE_MEETING).update(held_on=date(2025, 6, 30))  # bulk
    assert_same_figures()
    # One statement whose rows fall in the same quarter and year (each span's row is written once) and rolls
    # added to them in one statement too.
    batch = Meeting.objects.bulk_create(
        Meeting(
            organization=branch_b, kind=Meeting.Kind.PARTY_DAY, held_on=date(2026, month, 3), topic="学习"
        )
        for month in (7, 8, 9, 10)
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=m, member=meeting_town["b1"], present=m.held_on.month % 2 == 0) for m in batch
    )
    assert_same_figures()
    Meeting.objects.filter(pk__in=[m.pk for m in batch[:2]]).update(held_on=date(2026, 9, 30))
    Attendance.objects.filter(meeting__in=batch).update(present=True)
    assert_same_figures()


def test_a_party_group_moved_to_another_branch_takes_its_meetings_along_R_MB_08(meeting_town, branch_b):
    group = meeting_town["group"]
    group.parent = branch_b
    group.save()
    assert_same_figures()
    held, _ = figures(date(2026, 2, 1), date(2026, 2, 28))
    assert held[(branch_b.pk, Meeting.Kind.GROUP_MEETING)] == 1


def test_a_meeting_the_tally_missed_is_seen_R_MB_08(meeting_town, branch_b):
    """Proof that the checks above can fail: with the insert trigger dropped (inside this test's transaction,
    rolled back with it) a new meeting is in the direct count and the rebuild, not in the kept tally."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER members_meeting_meeting_tally_insert ON members_meeting")
    meeting_row(branch_b, Meeting.Kind.PARTY_DAY, date(2026, 5, 6))
    year = (date(2026, 1, 1), date(2026, 12, 31))
    assert figures(*year) != direct_count(*year)
    assert kept_meeting_rows() != tallies.rebuilt_rows(_MEETING_SPANS.FILL, kept_meeting_rows)


def test_the_block_shows_the_tallied_figures_with_a_constant_number_of_queries(
    meeting_town, django_assert_max_num_queries
):
    spec = get_block_spec("meetings")
    with django_assert_max_num_queries(2):
        block = compute_block(spec, Scope(None), Period("year", 2026))
    held = sum(int(cell.split("/")[0]) for row in block.tables[2].rows for cell in row[1:])
    assert held == Meeting.objects.filter(held_on__year=2026).count()


# --- 党员队伍: the roll's composition ---------------------------------------------------------------------

COUNTING_DAYS = [
    date(2026, 3, 31),  # a quarter's end
    date(2026, 3, 15),  # mid-month: every edge cuts a month
    date(2026, 2, 28),  # the last day of February after a leap year's 29th
    date(2028, 2, 29),  # a leap day
    date(2026, 12, 31),
    date(2026, 1, 1),
]


@pytest.fixture
def roll(branch_a, branch_b):
    """Members born on, just before and just after the edges of every age and party-age band on the counting
    days, on 29 February, in every status; with both genders, several educations and ethnicities."""
    make = factories.make_member
    statuses = [Member.Status.FULL, Member.Status.PROBATIONARY, Member.Status.DECEASED]
    members = []
    n = 0
    for on in (date(2026, 3, 31), date(2026, 3, 15)):
        for years in (30, 31, 41, 51, 61, 71, 5, 10, 20, 30, 50):
            edge = analysis.years_before(on, years)
            for shift in (-1, 0, 1):
                day = date.fromordinal(edge.toordinal() + shift)
                n += 1
                status = statuses[n % 3]
                members.append(
                    make(
                        branch_a if n % 2 else branch_b,
                        birth_date=day,
                        status=status,
                        joined_on=None,  # (party age counts from full membership: its edges matter here)
                        full_member_on=day if status != Member.Status.PROBATIONARY else None,
                        gender=Member.Gender.FEMALE if n % 4 == 0 else Member.Gender.MALE,
                        education=["", Member.Education.BACHELOR, Member.Education.SENIOR][n % 3],
                        ethnicity=["汉族", "回族", "壮族", ""][n % 4],
                    )
                )
    members.append(
        make(branch_a, birth_date=date(1996, 2, 29), joined_on=None, full_member_on=date(2004, 2, 29))
    )
    members.append(make(branch_b, birth_date=date(1956, 2, 29), joined_on=None, full_member_on=None))
    return members


def assert_same_composition() -> None:
    for on in COUNTING_DAYS:
        assert analysis._composition_from_tallies(on) == analysis._composition_from_rows(None, on), on


def test_the_roll_tallies_give_the_composition_of_the_members_R_MB_03(roll):
    assert_same_composition()
    town = analysis.composition(org_ids=None, on=date(2026, 3, 31))
    assert town.total == Member.objects.filter(status__in=Member.ACTIVE_STATUSES).count()


def test_the_roll_tallies_follow_every_write_R_MB_02_R_MB_03(roll, branch_a, branch_b):
    member = roll[0]
    member.birth_date = date(1996, 2, 29)
    member.education = Member.Education.COLLEGE
    member.save()
    assert_same_composition()
    Member.objects.filter(pk=roll[1].pk).update(
        status=Member.Status.FULL, joined_on=None, full_member_on=date(2021, 3, 31)
    )
    Member.objects.filter(organization=branch_b).update(organization=branch_a)  # bulk
    assert_same_composition()
    Member.objects.filter(pk=roll[2].pk).update(phone="13900000000")  # counts nothing
    Member.objects.filter(status=Member.Status.PROBATIONARY).update(status=Member.Status.REMOVED)
    assert_same_composition()
    Member.objects.bulk_create(
        [
            Member(
                name=f"批量{i}",
                gender=Member.Gender.FEMALE,
                birth_date=date(1990 + i, 3, 31),
                id_number=f"32010219900331{i:03d}X",
                organization=branch_b,
                status=Member.Status.FULL,
                full_member_on=date(2016, 3, 15),
            )
            for i in range(3)
        ]
    )
    assert_same_composition()
    Member.objects.filter(name__startswith="批量").delete()
    assert_same_composition()


def test_the_roll_tallies_follow_an_import_written_with_copy_R_MB_03(roll, branch_a, clerk):
    """The member import writes new members with COPY (members.member_import, issue 21): the statement
    trigger that keeps the tallies fires for it as for an INSERT."""
    import tablib
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.idnumbers import make_id_number
    from members.importing import import_members

    headers = ["姓名", "性别", "出生日期", "公民身份号码", "所在党组织", "党员状态", "转正日期"]
    data = tablib.Dataset(headers=headers)
    for n, (born, status, full) in enumerate(
        [
            (date(1996, 3, 31), "正式党员", "2021-03-31"),  # 30 on a counting day, 5 years a full member
            (date(1956, 2, 29), "预备党员", ""),
            (date(1995, 3, 16), "正式党员", "2016-03-15"),
        ]
    ):
        data.append(
            [
                f"导入{n}",
                "女",
                born.isoformat(),
                make_id_number("320102", born, 700 + n),
                branch_a.name,
                status,
                full,
            ]
        )
    upload = SimpleUploadedFile("members.csv", data.export("csv").encode("utf-8-sig"))
    result = import_members(file=upload, file_format="csv", user=clerk)
    assert result.errors == [] and result.created == 3
    assert_same_composition()


def test_a_branch_is_still_counted_from_its_members(roll, branch_a):
    from core.models import Organization as Org

    ids = frozenset(Org.objects.descendant_ids(branch_a.pk))
    mine = analysis.composition(org_ids=ids, on=date(2026, 3, 31))
    assert (
        mine.total == Member.objects.filter(organization__in=ids, status__in=Member.ACTIVE_STATUSES).count()
    )


# Blocks counted from their own rows (no tally), and blocks proven against their former computation elsewhere.
COUNTED_DIRECTLY = {"floating"}
PROVEN_ELSEWHERE = {"services", "conversion", "dues"}
PROVEN_HERE = {"members", "flows", "meetings", "recruitment"}


def test_every_block_is_proven_here_or_counts_directly():
    from reports.blocks import registered_blocks

    assert {spec.key for spec in registered_blocks()} == COUNTED_DIRECTLY | PROVEN_ELSEWHERE | PROVEN_HERE


# --- 发展党员 (R-RC-05, R-RC-07): the kept "latest change into activist" --------------------------------------


def assert_activist_since_kept() -> None:
    from recruitment.models import Candidate, Stage
    from recruitment.rules import stage_since

    for c in Candidate.objects.prefetch_related("stage_changes"):
        assert c.activist_since == stage_since(c, Stage.ACTIVIST), (c.name, c.activist_since)


def assert_flags_agree_with_the_rule() -> None:
    """The flags that read the kept column count exactly the candidates the one-candidate rule names."""
    from recruitment import rules
    from recruitment.models import Candidate

    candidates = list(Candidate.objects.with_file())
    for on in (date(2025, 2, 28), date(2025, 3, 1), date(2025, 4, 10), date(2026, 1, 5), date(2026, 7, 1)):
        for many, one in (
            (Candidate.objects.activist_year_complete, rules.activist_year_complete),
            (Candidate.objects.last_quarter_report_missing, rules.last_quarter_report_missing),
        ):
            assert set(many(on).values_list("pk", flat=True)) == {c.pk for c in candidates if one(c, on)}, (
                one.__name__,
                on,
            )


def test_the_kept_activist_date_follows_every_write_R_RC_05_R_RC_07(branch_a, branch_b):
    from core.idnumbers import make_id_number
    from recruitment.models import Candidate, Stage, StageChange
    from tests.factories import recruitment as rc

    applicant = rc.candidate(branch_a, applied_on=date(2024, 1, 10))
    leap = rc.activist(
        branch_a, since=date(2024, 2, 29), applied_on=date(2023, 11, 1)
    )  # a year complete on 28 February 2025 (R-GN-01)
    later = rc.activist(branch_b, since=date(2024, 4, 10))
    target = rc.target(
        branch_b, since=date(2024, 3, 1), decided_on=date(2025, 3, 5), applied_on=date(2023, 11, 1)
    )
    assert leap.activist_since == date(2024, 2, 29)
    assert target.activist_since == date(2024, 3, 1)  # kept after leaving the stage, as stage_since is
    assert applicant.activist_since is None
    assert_activist_since_kept()
    assert_flags_agree_with_the_rule()

    def change(c, to_state, decided_on, from_state=Stage.APPLICANT):
        return StageChange(
            candidate=c,
            from_state=from_state,
            to_state=to_state,
            decided_on=decided_on,
            decided_by="党支部委员会",
        )

    # Rows written outside the operations: one, a later and an earlier one, several at once.
    change(applicant, Stage.ACTIVIST, date(2025, 1, 6)).save()
    change(leap, Stage.ACTIVIST, date(2023, 12, 1)).save()  # earlier: the latest stays
    StageChange.objects.bulk_create(
        [
            change(later, Stage.ACTIVIST, date(2025, 4, 9), from_state=Stage.ACTIVIST),
            change(later, Stage.ACTIVIST, date(2025, 4, 9), from_state=Stage.ACTIVIST),  # the same day twice
            change(target, Stage.TARGET, date(2025, 6, 1), from_state=Stage.TARGET),  # not into activist
        ]
    )
    assert_activist_since_kept()
    assert_flags_agree_with_the_rule()

    # Bulk updates: a date moved, a change moved to another candidate, a change into another stage.
    StageChange.objects.filter(candidate=later, decided_on=date(2025, 4, 9)).update(
        decided_on=date(2025, 3, 1)
    )
    assert_activist_since_kept()
    StageChange.objects.filter(candidate=applicant, to_state=Stage.ACTIVIST).update(candidate=later)
    assert_activist_since_kept()
    StageChange.objects.filter(candidate=leap, decided_on=date(2024, 2, 29)).update(to_state=Stage.TARGET)
    assert_activist_since_kept()
    StageChange.objects.filter(candidate=target, to_state=Stage.TARGET).update(to_state=Stage.ACTIVIST)
    assert_activist_since_kept()
    assert_flags_agree_with_the_rule()

    # Deletes, one and all of a candidate's.
    StageChange.objects.filter(candidate=later, decided_on=date(2025, 3, 1)).delete()
    assert_activist_since_kept()
    StageChange.objects.filter(candidate=leap).delete()
    assert_activist_since_kept()
    assert_flags_agree_with_the_rule()

    # Whatever else writes the column is overruled: a stale instance saved, a bulk update, a new row.
    stale = Candidate.objects.get(pk=target.pk)
    change(target, Stage.ACTIVIST, date(2026, 2, 2)).save()
    stale.phone = "13900000000"
    stale.save()
    assert_activist_since_kept()
    Candidate.objects.update(activist_since=date(2000, 1, 1))
    assert_activist_since_kept()
    copied = {f.attname: getattr(applicant, f.attname) for f in Candidate._meta.concrete_fields}
    copied |= {"id": None, "id_number": make_id_number("320102", applicant.birth_date, 999)}
    Candidate.objects.bulk_create([Candidate(**copied | {"activist_since": date(2001, 1, 1)})])
    assert_activist_since_kept()
    assert_flags_agree_with_the_rule()


# --- 发展党员 (R-RC-05, R-RC-17, R-RC-19): the kept joining date of the candidate's member record -------------


def assert_member_joined_on_kept() -> None:
    from recruitment.models import Candidate

    for c in Candidate.objects.select_related("member"):
        assert c.member_joined_on == (c.member.joined_on if c.member else None), (c.name, c.member_joined_on)


def assert_probation_flags_agree_with_the_rule() -> None:
    """The flags that read the kept date count exactly the candidates the one-candidate rule names."""
    from recruitment import rules
    from recruitment.models import Candidate

    candidates = list(Candidate.objects.with_file())
    for on in (date(2025, 7, 1), date(2026, 5, 27), date(2026, 6, 20), date(2026, 10, 1), date(2027, 3, 1)):
        for many, one in (
            (Candidate.objects.probation_ending, rules.probation_ending),
            (Candidate.objects.conversion_not_applied, rules.conversion_not_applied),
            (Candidate.objects.last_quarter_report_missing, rules.last_quarter_report_missing),
        ):
            assert set(many(on).values_list("pk", flat=True)) == {c.pk for c in candidates if one(c, on)}, (
                one.__name__,
                on,
            )


def test_the_kept_joining_date_follows_every_write_R_RC_05_R_RC_17_R_RC_19(branch_a):
    from core.idnumbers import make_id_number
    from recruitment.models import Candidate
    from tests.factories import recruitment as rc

    applicant = rc.candidate(branch_a, applied_on=date(2024, 1, 10))
    june = rc.admitted(branch_a, meeting_on=date(2025, 6, 27), approved_on=date(2025, 7, 10))
    later = rc.admitted(branch_a, meeting_on=date(2025, 9, 30), approved_on=date(2025, 10, 31))
    assert june.member_joined_on == date(2025, 6, 27)  # admission (recruitment.stages) writes the member
    assert applicant.member_joined_on is None
    assert_member_joined_on_kept()
    assert_probation_flags_agree_with_the_rule()

    # The member's date changed: saved, bulk-updated, one and several at once.
    member = Member.objects.get(pk=june.member_id)
    member.joined_on = date(2025, 5, 30)
    member.save()
    assert_member_joined_on_kept()
    assert_probation_flags_agree_with_the_rule()
    Member.objects.filter(pk__in=[june.member_id, later.member_id]).update(joined_on=date(2025, 10, 1))
    assert_member_joined_on_kept()
    Member.objects.filter(pk=later.member_id).update(joined_on=None)
    assert_member_joined_on_kept()
    Member.objects.filter(pk=later.member_id).update(joined_on=date(2025, 9, 30))
    assert_member_joined_on_kept()
    assert_probation_flags_agree_with_the_rule()

    # Another member record for the candidate; none.
    other = factories.make_member(branch_a, status=Member.Status.PROBATIONARY, joined_on=date(2024, 2, 29))
    Candidate.objects.filter(pk=later.pk).update(member=other)
    assert_member_joined_on_kept()
    assert_probation_flags_agree_with_the_rule()
    Candidate.objects.filter(pk=later.pk).update(member=None)
    assert_member_joined_on_kept()
    later.member = Member.objects.get(pk=later.member_id)
    later.save()  # back to its own record, saved with a stale copy of the column
    assert_member_joined_on_kept()

    # Whatever else writes the column is overruled: a stale instance saved, a bulk update, a new row.
    stale = Candidate.objects.get(pk=june.pk)
    Member.objects.filter(pk=june.member_id).update(joined_on=date(2025, 6, 27))
    stale.phone = "13900000000"
    stale.save()
    assert_member_joined_on_kept()
    Candidate.objects.update(member_joined_on=date(2000, 1, 1))
    assert_member_joined_on_kept()
    copied = {f.attname: getattr(applicant, f.attname) for f in Candidate._meta.concrete_fields}
    copied |= {"id": None, "id_number": make_id_number("320102", applicant.birth_date, 998)}
    Candidate.objects.bulk_create([Candidate(**copied | {"member_joined_on": date(2001, 1, 1)})])
    fresh = Candidate.objects.bulk_create(
        [
            Candidate(
                **copied
                | {"id_number": make_id_number("320102", applicant.birth_date, 997), "member_id": other.pk}
            )
        ]
    )
    assert_member_joined_on_kept()
    assert Candidate.objects.get(pk=fresh[0].pk).member_joined_on == date(2024, 2, 29)
    assert_probation_flags_agree_with_the_rule()


# --- 党员增减: the town's movements ---------------------------------------------------------------------

FLOW_SPANS = [(p.start, p.end) for p in PERIODS] + [(date(2025, 12, 1), date(2026, 12, 31))]
_FLOW_TALLY = importlib.import_module("members.migrations.0023_flow_tally")


def kept_flow_rows() -> set:
    return set(FlowTally.objects.exclude(number=0).values_list("month", "kind", "number"))


def assert_same_flows() -> None:
    """The tallied town figures equal those counted from the rows, for every period, and the kept tally equals
    its rebuild from the rows (members migration 0023's fill)."""
    for start, end in FLOW_SPANS:
        tallied = analysis.flows(org_ids=None, start=start, end=end)
        assert tallied == analysis._flows_from_rows(None, start, end), (start, end)
    assert kept_flow_rows() == tallies.rebuilt_rows(_FLOW_TALLY.FILL, kept_flow_rows)


@pytest.fixture
def movements(branch_a, branch_b):
    """Members joined on months' edges and without a date; events to full membership, off the roll and neither;
    transfers of every direction, accepted on months' edges, and pending."""
    make = factories.make_member
    members = [
        make(branch, joined_on=joined_on, status=Member.Status.PROBATIONARY)
        for branch in (branch_a, branch_b)
        for joined_on in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1), None)
    ]
    a, b = members[0], members[5]
    for member, (old, new, on) in (
        (a, ("probationary", "full", date(2026, 1, 1))),
        (a, ("full", "deceased", date(2026, 3, 31))),
        (b, ("full", "expelled", date(2026, 4, 1))),
        (b, ("probationary", "full", date(2025, 12, 31))),
        (b, ("", "probationary", date(2026, 2, 1))),
    ):
        MemberStatusEvent.objects.create(
            member=member, from_state=old, to_state=new, effective_on=on, note=""
        )
    for direction, frm, to, accepted_on in (
        ("in", None, branch_a, date(2026, 1, 1)),
        ("out", branch_b, None, date(2026, 2, 28)),
        ("internal", branch_a, branch_b, date(2026, 3, 1)),
        ("internal", branch_b, branch_a, date(2025, 12, 31)),
        ("in", None, branch_a, None),  # pending
    ):
        transfer_row(a, direction, frm=frm, to=to, accepted_on=accepted_on)
    return members


def test_the_flow_tally_counts_what_the_rows_hold_R_MB_02_R_MB_05(movements):
    assert_same_flows()
    q1 = analysis.flows(org_ids=None, start=date(2026, 1, 1), end=date(2026, 3, 31))
    assert (q1.joined, q1.became_full, q1.left, q1.transferred_in, q1.transferred_out, q1.moved_in) == (
        4,
        1,
        1,
        1,
        1,
        1,
    )


def test_the_flow_tally_follows_every_write_R_MB_02_R_MB_05(movements, branch_a, branch_b, clerk):
    from members.status import change_status
    from members.transfers import transfer_accept, transfer_start

    a, b = movements[1], movements[6]
    # Operations: a conversion and a death (status events), a transfer started, then accepted.
    change_status(
        member=a,
        to_status=Member.Status.FULL,
        effective_on=date(2026, 2, 1),
        reason="转正",
        recorded_by=clerk,
    )
    change_status(
        member=b,
        to_status=Member.Status.DECEASED,
        effective_on=date(2026, 4, 30),
        reason="病故",
        recorded_by=clerk,
    )
    transfer = transfer_start(
        member=Member.objects.get(pk=a.pk),
        direction=RelationTransfer.Direction.INTERNAL,
        issued_on=date(2026, 1, 2),
        to_organization=branch_b,
        created_by=clerk,
    )
    assert_same_flows()
    transfer_accept(transfer=transfer, accepted_on=date(2026, 2, 3), accepted_by=clerk)
    assert_same_flows()
    # Plain ORM and bulk statements: joining dates moved, set and cleared, and a change that counts nothing;
    # events re-dated and re-stated; transfers accepted, turned round, cancelled.
    Member.objects.filter(pk=movements[2].pk).update(joined_on=date(2026, 5, 1))
    Member.objects.filter(joined_on__isnull=True).update(joined_on=date(2026, 1, 31))
    Member.objects.filter(pk=movements[3].pk).update(joined_on=None)
    Member.objects.update(phone="13900000000", organization=branch_a)
    assert_same_flows()
    MemberStatusEvent.objects.filter(effective_on__year=2026).update(effective_on=F("effective_on") + 31)
    MemberStatusEvent.objects.filter(to_state="expelled").update(to_state="removed")
    MemberStatusEvent.objects.filter(from_state="").update(from_state="probationary", to_state="full")
    assert_same_flows()
    RelationTransfer.objects.filter(state="pending").update(state="accepted", accepted_on=date(2026, 3, 31))
    RelationTransfer.objects.filter(direction="out").update(direction="in")
    RelationTransfer.objects.filter(direction="internal").update(state="cancelled")
    assert_same_flows()
    # Deletes, one and in bulk; then the events and transfers emptied with TRUNCATE.
    RelationTransfer.objects.filter(direction="in").order_by("pk").first().delete()
    MemberStatusEvent.objects.filter(member=b).delete()
    assert_same_flows()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred foreign key checks first
        cursor.execute("TRUNCATE members_relationtransfer, members_memberstatusevent CASCADE")
    assert_same_flows()
    assert set(FlowTally.objects.exclude(number=0).values_list("kind", flat=True)) == {"joined"}


def test_a_wrong_flow_tally_is_seen_R_MB_02(movements):
    """Proof that the checks above can fail: the town's figures read the kept tally, not the rows."""
    FlowTally.objects.filter(kind=FlowTally.Kind.JOINED, month=date(2026, 1, 1)).update(
        number=F("number") + 1
    )
    q1 = (date(2026, 1, 1), date(2026, 3, 31))
    assert analysis.flows(org_ids=None, start=q1[0], end=q1[1]) != analysis._flows_from_rows(None, *q1)
    assert kept_flow_rows() != tallies.rebuilt_rows(_FLOW_TALLY.FILL, kept_flow_rows)


# --- 发展党员: the kept candidates per organisation and stage (the funnel) -------------------------------------


def assert_stage_tally_kept() -> None:
    """The tally equals a count of the candidates, holds no row at zero, and is what its migration's fill
    rebuilds; the funnel's "now" column, for the town and for one branch, equals a direct count."""
    import importlib

    from django.db.models import Count

    from recruitment.models import Candidate, CandidateStageTally
    from reports.recruitment_blocks import EXITS, PIPELINE, figures
    from tests.tallies import rebuilt_rows

    def kept() -> set:
        return set(CandidateStageTally.objects.values_list("organization_id", "stage", "candidates"))

    direct = set(
        Candidate.objects.values("organization_id", "stage")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "stage", "n")
    )
    assert kept() == direct
    fill = importlib.import_module("recruitment.migrations.0009_candidate_stage_tally").FILL
    assert rebuilt_rows(fill, kept) == direct
    for org in (None, *{o for o, _, _ in direct}):
        scope = Scope(None) if org is None else Scope(frozenset({org}))
        found = figures(scope, Period("year", 2026), [])
        candidates = Candidate.objects.all() if org is None else Candidate.objects.filter(organization=org)
        for stage in (*PIPELINE, *EXITS):
            assert found["now", stage.value] == candidates.filter(stage=stage).count(), (org, stage)


def test_the_kept_stage_tally_follows_every_write(branch_a, branch_b):
    from core.idnumbers import make_id_number
    from recruitment import records
    from recruitment.models import Candidate, CandidateStageTally, Stage
    from tests.factories import recruitment as rc

    assert_stage_tally_kept()  # no candidates: no rows, every stage 0
    # Through the operations: applications, a stage decision, an admission, a transfer (R-MB-05).
    applicant = rc.candidate(branch_a)
    rc.candidate(branch_a)
    activist = rc.activist(branch_b, since=date(2024, 4, 10))
    rc.admitted(branch_a)
    assert_stage_tally_kept()
    records.candidate_transfer(
        candidate=activist, to_organization=branch_a, transferred_on=date(2025, 1, 2), recorded_by=None
    )
    assert_stage_tally_kept()
    assert not CandidateStageTally.objects.filter(organization=branch_b).exists()  # emptied rows removed

    # Plain ORM writes: a stale instance saved, bulk updates of the stage, of the organisation, of both, of
    # neither (nothing moves), a bulk insert.
    stale = Candidate.objects.get(pk=applicant.pk)
    Candidate.objects.filter(pk=applicant.pk).update(stage=Stage.WITHDRAWN)
    stale.phone = "13900000000"
    stale.save()  # writes the stage it read back
    assert_stage_tally_kept()
    Candidate.objects.filter(stage=Stage.APPLICANT).update(stage=Stage.ACTIVIST)
    assert_stage_tally_kept()
    Candidate.objects.filter(organization=branch_a).update(organization=branch_b)
    assert_stage_tally_kept()
    Candidate.objects.filter(pk=activist.pk).update(organization=branch_a, stage=Stage.TARGET)
    assert_stage_tally_kept()
    Candidate.objects.update(phone="13800000000")
    assert_stage_tally_kept()
    copied = {f.attname: getattr(applicant, f.attname) for f in Candidate._meta.concrete_fields}
    Candidate.objects.bulk_create(
        [
            Candidate(**copied | {"id": None, "id_number": make_id_number("320102", applicant.birth_date, n)})
            for n in (990, 991, 992)
        ]
    )
    assert_stage_tally_kept()

    # Deletes: one, then all (the records that protect them first).
    fresh = Candidate.objects.filter(id_number=make_id_number("320102", applicant.birth_date, 990))
    fresh.delete()
    assert_stage_tally_kept()
    from django.db import connection

    with connection.cursor() as cursor:  # every candidate and what refers to it, in one statement
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's pending checks first
        cursor.execute("TRUNCATE recruitment_candidate CASCADE")
    assert not CandidateStageTally.objects.exists()
    assert_stage_tally_kept()
