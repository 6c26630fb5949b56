"""The board's order and overdue counts come from SQL (recruitment.urgency.ranked); they must decide exactly as
the Python rule code (recruitment.urgency.urgency over recruitment.rules, guards and core.dates) on the same
data: talk within 1 month (R-RC-02), assessments every 6 — or, by the rule profile, 3 — months (R-RC-06),
approval within 3 months and filing within 1 month (R-RC-16), probation of 1 year (R-RC-17) with an extension
(R-RC-21) and the conversion application a week before it ends (R-RC-19) — across month ends, 29 February,
weekends, Spring Festival, National Day and make-up working Saturdays (R-GN-01, R-GN-02)."""

from datetime import date, datetime, timedelta

import pytest

from core.dates import SHANGHAI, is_working_day
from core.models import RuleProfile
from recruitment import records, stages, votes
from recruitment.models import (
    Approval,
    Assessment,
    Candidate,
    ConversionApplication,
    Stage,
    Talk,
    UpperTalk,
)
from recruitment.rules import decision_profile
from recruitment.urgency import ranked, urgency, urgency_by_id
from tests.factories import recruitment as b

pytestmark = pytest.mark.django_db

# Days either side of every boundary below.
DAYS = [
    date(2024, 4, 10), date(2024, 4, 11), date(2025, 2, 27), date(2025, 2, 28), date(2025, 3, 1),
    date(2025, 8, 11), date(2025, 8, 12), date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1),
    date(2026, 3, 2), date(2026, 6, 12), date(2026, 6, 13), date(2026, 6, 19), date(2026, 6, 20),
    date(2026, 8, 23), date(2026, 8, 24), date(2026, 8, 28), date(2026, 8, 29), date(2026, 10, 1), date(2026, 10, 8), date(2026, 10, 9),
    date(2026, 11, 23), date(2026, 11, 24), date(2026, 12, 13), date(2026, 12, 14), date(2026, 12, 21),
]  # fmt: skip


def _approve(c, held_on, proposal, town, **extra):
    people = list(c.organization.members.filter(status="full"))
    vote = votes.vote_record(
        meeting=b.meeting(c.organization, held_on, present=people),
        candidate=c,
        proposal=proposal,
        yes=len(people),
        no=0,
        abstain=0,
        recorded_by=None,
        **extra,
    )
    records.approval_record(vote=vote, organization=town, decided_on=held_on, approved=True, recorded_by=None)
    return vote


def _everyone(branch, town):
    """A candidate for every case the board distinguishes, each on a boundary."""
    # Applicants (R-RC-02): 1 September + 1 month = 1 October, National Day: the deadline is 8 October;
    # 31 January 2026 + 1 month = Saturday 28 February 2026, a make-up working day; 31 January 2024 → 29 February.
    b.candidate(branch, name="国庆申请人", applied_on=date(2026, 9, 1))
    b.candidate(branch, name="调休申请人", applied_on=date(2026, 1, 31))
    b.candidate(branch, name="闰年申请人", applied_on=date(2024, 1, 31))
    talked = b.candidate(branch, name="已谈话申请人", applied_on=date(2026, 10, 8))
    b.add(Talk(candidate=talked, talked_on=date(2026, 10, 9), talker="支部书记"))
    # Activists (R-RC-06): from the decision while never assessed; from the latest assessment on the day.
    b.activist(branch, name="未考察积极分子", since=date(2026, 5, 23))
    b.activist(branch, name="月末积极分子", since=date(2025, 8, 31))
    assessed = b.activist(branch, name="已考察积极分子", since=date(2025, 1, 10))
    b.add(Assessment(candidate=assessed, assessed_on=date(2026, 2, 28), conclusion="表现良好"))
    b.add(Assessment(candidate=assessed, assessed_on=date(2026, 10, 1), conclusion="表现良好"))
    # Targets (R-RC-16): a passed admission awaiting approval since 1 July 2026 (3 months → 1 October → 8
    # October); one without a meeting.
    waiting = b.target(branch, name="待审批发展对象", since=date(2024, 4, 10), decided_on=date(2025, 4, 10))
    b.pre_meeting_file(waiting, meeting_on=date(2026, 7, 1))
    people = list(branch.members.filter(status="full"))
    votes.vote_record(
        meeting=b.meeting(branch, date(2026, 7, 1), present=people),
        candidate=waiting,
        proposal="admit",
        yes=len(people),
        no=0,
        abstain=0,
        recorded_by=None,
    )
    b.target(branch, name="发展对象", since=date(2024, 4, 10), decided_on=date(2025, 4, 10))
    # Probationary members: joined 29 February 2024 (probation ends 28 February 2025), never filed;
    # filed late; filed on time; extended by 6 months (R-RC-21); with the conversion application in.
    b.admitted(
        branch,
        name="闰日预备党员",
        applied_on=date(2022, 3, 1),
        since=date(2022, 10, 10),
        decided_on=date(2023, 10, 10),
        meeting_on=date(2024, 2, 29),
        approved_on=date(2024, 3, 10),
    )
    late = b.admitted(branch, name="迟备案预备党员", approved_on=date(2025, 7, 10))
    records.approval_file(approval=Approval.objects.get(vote__candidate=late), filed_on=date(2025, 8, 20))
    b.admitted(branch, name="按期预备党员", approved_on=date(2025, 7, 10), filed_on=date(2025, 7, 20))
    # Approved Thursday 10 July 2025: the month ends Sunday 10 August, so filing on Monday the 11th is on time
    # and on Tuesday the 12th is late.
    b.admitted(branch, name="周一备案预备党员", approved_on=date(2025, 7, 10), filed_on=date(2025, 8, 11))
    b.admitted(branch, name="周二备案预备党员", approved_on=date(2025, 7, 10), filed_on=date(2025, 8, 12))
    extended = b.admitted(
        branch,
        name="延长预备党员",
        meeting_on=date(2025, 6, 20),
        approved_on=date(2025, 6, 30),
        filed_on=date(2025, 7, 1),
    )
    _approve(extended, date(2026, 6, 23), "extend", town, extension_months=6)
    stages.transition(
        candidate=extended,
        action="extend",
        decided_on=date(2026, 6, 23),
        decided_by="镇党委",
        recorded_by=None,
        reason="继续考察",
    )
    applied = b.admitted(
        branch, name="已申请转正预备党员", approved_on=date(2025, 7, 10), filed_on=date(2025, 7, 20)
    )
    b.add(ConversionApplication(candidate=applied, submitted_on=date(2026, 6, 1)))
    b.add(UpperTalk(candidate=applied, talked_on=date(2026, 6, 2), talker="组织委员"))


def _moved_to_a_working_day(day):
    while day is not None and not is_working_day(day):
        day += timedelta(days=1)
    return day


@pytest.fixture
def everyone(branch_a, town):
    _everyone(branch_a, town)
    # From 2026 the town assesses activists quarterly (the railway rule, R-RC-06 setting).
    RuleProfile.objects.create(
        effective_from=datetime(2026, 1, 1, tzinfo=SHANGHAI), activist_assessment_months=3, note="按季度考察"
    )
    return list(
        Candidate.objects.filter(
            stage__in=[Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY]
        )
    )


def test_sql_urgency_agrees_with_the_rule_code_on_every_boundary_R_RC_02_R_RC_06_R_RC_16_R_RC_17_R_RC_19_R_RC_21(
    everyone,
):
    assert len(everyone) == 16
    overdue_seen = set()
    for on in DAYS:
        sql = urgency_by_id(Candidate.objects.all(), on=on, profile=decision_profile(on))
        shared: dict = {}
        for c in Candidate.objects.filter(pk__in=[c.pk for c in everyone]).with_file():
            python = urgency(c, on, shared=shared)
            due_on, overdue = sql[c.pk]
            assert overdue == python.overdue, (c.name, on, due_on, python)
            if c.stage in (Stage.APPLICANT, Stage.TARGET):  # a deadline: SQL keeps its period end (R-GN-02)
                assert _moved_to_a_working_day(due_on) == python.due, (c.name, on)
            else:
                assert due_on == python.due, (c.name, on)
            if overdue:
                overdue_seen.add(c.name)
    # Every kind of case was overdue on some day and not on another, so the comparison could fail.
    assert overdue_seen == {c.name for c in everyone} - {"已谈话申请人", "发展对象", "已申请转正预备党员"}


def test_the_boundaries_by_name_R_RC_02_R_RC_06_R_RC_16_R_RC_19(everyone):
    def overdue(name, on):
        [pk] = Candidate.objects.filter(name=name).values_list("pk", flat=True)
        return urgency_by_id(Candidate.objects.filter(pk=pk), on=on, profile=decision_profile(on))[pk][1]

    # R-RC-02: the month ends on National Day; the talk is late from 9 October, not 2 October.
    assert not overdue("国庆申请人", date(2026, 10, 8)) and overdue("国庆申请人", date(2026, 10, 9))
    # 28 February 2026 is a make-up working Saturday: not moved, late on 1 March.
    assert not overdue("调休申请人", date(2026, 2, 28)) and overdue("调休申请人", date(2026, 3, 1))
    # R-RC-06, quarterly from 2026: decided 23 May → due 23 August; assessed 28 February → due 28 May.
    assert overdue("未考察积极分子", date(2026, 8, 24))
    assert not overdue("已考察积极分子", date(2026, 5, 28)) and overdue("已考察积极分子", date(2026, 5, 29))
    # R-RC-16: a resolution of 1 July awaits approval until 8 October (National Day).
    assert not overdue("待审批发展对象", date(2026, 10, 8)) and overdue("待审批发展对象", date(2026, 10, 9))
    # R-RC-16: filed on the Monday the deadline moved to is on time; the Tuesday is late for good.
    assert not overdue("周一备案预备党员", date(2026, 1, 5)) and overdue("周二备案预备党员", date(2026, 1, 5))
    # R-RC-19: probation ends 20 December after the extension (R-RC-21); reminded from 13 December.
    assert not overdue("延长预备党员", date(2026, 12, 12)) and overdue("延长预备党员", date(2026, 12, 13))


def test_each_stage_is_ordered_overdue_first_then_by_the_date_that_matters(everyone):
    on = date(2026, 6, 20)
    shown, counts = ranked(Candidate.objects.all(), on=on, profile=decision_profile(on), per_stage=100)
    by_pk = {c.pk: c for c in Candidate.objects.with_file()}
    for stage in (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY):
        column = [urgency(by_pk[pk], on) for pk, s in shown if s == stage]
        keys = [(not u.overdue, u.due is None, u.due or date.min) for u in column]
        assert keys == sorted(keys), stage
        assert counts[stage] == (len(column), sum(u.overdue for u in column))


def test_a_secretary_s_counts_and_order_hold_only_their_branch(branch_a, branch_b, secretary_a):
    from core.access import scope_queryset

    b.candidate(branch_a, name="东村申请人", applied_on=date(2026, 1, 5))
    b.candidate(branch_b, name="西村申请人", applied_on=date(2026, 1, 5))
    on = date(2026, 11, 23)
    shown, counts = ranked(
        scope_queryset(Candidate.objects.all(), secretary_a),
        on=on,
        profile=decision_profile(on),
        per_stage=20,
    )
    assert [Candidate.objects.get(pk=pk).name for pk, _ in shown] == ["东村申请人"]
    assert counts == {Stage.APPLICANT: (1, 1)}
