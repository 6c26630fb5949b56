"""Branch-meeting quorum and majority (R-RC-14, R-RC-20) and the concurrent double advance."""

import threading
from datetime import date, datetime

import pytest
from django.db import connection

from core.dates import SHANGHAI
from core.models import Organization, RuleProfile
from core.profile import rule_profile
from members.models import Discipline, Member
from recruitment import stages, votes
from recruitment.exceptions import RecruitmentError
from recruitment.models import Candidate, Recommendation, StageChange, Talk
from tests import factories
from tests.factories import recruitment as b


def _tally(expected, present, yes, written=None, quorum=RuleProfile.Quorum.HALF):
    return votes.tally(
        expected_ids=set(expected),
        present_ids=present,
        yes=yes,
        no=0,
        abstain=0,
        written=written or {},
        quorum=quorum,
    )


def test_quorum_of_exactly_half_fails_half_plus_one_passes_R_RC_14():
    assert not _tally(range(10), range(5), yes=5).quorum_met
    result = _tally(range(10), range(6), yes=6)
    assert result.quorum_met and result.passed


def test_two_thirds_setting_needs_more_than_two_thirds_R_RC_14():
    assert not _tally(range(9), range(6), yes=6, quorum=RuleProfile.Quorum.TWO_THIRDS).quorum_met
    assert _tally(range(9), range(7), yes=7, quorum=RuleProfile.Quorum.TWO_THIRDS).quorum_met


def test_written_opinions_of_absent_voters_tip_the_vote_R_RC_14():
    # 10 should attend, 6 present, 5 yes: not more than half of 10 …
    assert not _tally(range(10), range(6), yes=5).passed
    # … until an absent voter's written yes makes 6.
    assert _tally(range(10), range(6), yes=5, written={7: "yes"}).passed
    # A written opinion from someone present, or without voting rights, is not counted.
    assert not _tally(range(10), range(6), yes=5, written={3: "yes", 42: "yes"}).passed


@pytest.mark.django_db
def test_probationary_member_in_the_room_and_member_under_discipline_do_not_count_R_RC_14(branch_a):
    full = b.voters(branch_a, 4)
    probationary = factories.make_member(
        branch_a, status=Member.Status.PROBATIONARY, joined_on=date(2025, 1, 1)
    )
    disciplined = factories.make_member(branch_a)
    Discipline.objects.create(
        member=disciplined,
        kind=Discipline.Kind.PROBATION,
        decided_on=date(2025, 1, 1),
        decided_by="镇纪委",
        reason="x",
    )
    expected = votes.voting_member_ids(organization=branch_a, on=date(2025, 6, 1))
    assert expected == {m.pk for m in full}
    meeting = b.meeting(branch_a, date(2025, 6, 1), present=[full[0], full[1], probationary, disciplined])
    result = votes.meeting_tally(meeting, yes=2, no=0, abstain=0, written={})
    assert (result.expected, result.present, result.quorum_met) == (4, 2, False)
    with pytest.raises(RecruitmentError, match="超过实到有表决权党员"):
        votes.meeting_tally(meeting, yes=3, no=0, abstain=0, written={})


@pytest.mark.django_db
def test_quorum_setting_in_force_on_the_meeting_day_applies_R_RC_14(branch_a):
    b.voters(branch_a, 3)
    people = list(Member.objects.filter(organization=branch_a))
    rule_profile()  # the 细则 defaults, in force since 2000
    RuleProfile.objects.create(
        effective_from=datetime(2025, 6, 2, tzinfo=SHANGHAI), meeting_quorum=RuleProfile.Quorum.TWO_THIRDS
    )
    before = b.meeting(branch_a, date(2025, 6, 1), present=people[:2])
    after = b.meeting(branch_a, date(2025, 6, 2), present=people[:2])
    assert votes.meeting_tally(before, yes=2, no=0, abstain=0, written={}).quorum_met
    assert not votes.meeting_tally(after, yes=2, no=0, abstain=0, written={}).quorum_met


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """Real commits, so each thread's own connection sees the data. Not a transactional test case: that
    would empty every table afterwards, including what the data migrations seeded; this test removes exactly
    what it created instead."""
    with django_db_blocker.unblock():
        town_existed = Organization.objects.filter(kind=Organization.Kind.TOWN_COMMITTEE).exists()
        branch = factories.make_branch("并发测试党支部", code="CONCURRENT")
        created = []
        try:
            yield branch, created
        finally:
            for c in created:
                StageChange.objects.filter(candidate=c).delete()
                c.talks.all().delete()
                c.recommendations.all().delete()
                Candidate.history.filter(id=c.pk).delete()
                c.delete()
            town = branch.parent
            Organization.history.filter(id=branch.pk).delete()
            branch.delete()
            if not town_existed:
                Organization.history.filter(id=town.pk).delete()
                town.delete()


def test_two_clerks_advancing_at_once_give_one_change_and_one_clear_error(committed_db):
    branch_a, created = committed_db
    c = b.candidate(branch_a)
    created.append(c)
    b.add(Talk(candidate=c, talked_on=c.applied_on, talker="书记"))
    b.add(Recommendation(candidate=c, purpose="activist", kind="members", recommended_on=c.applied_on))
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def advance():
        try:
            barrier.wait()
            stages.transition(
                candidate=c,
                action="make_activist",
                decided_on=date(2024, 4, 1),
                decided_by="支委会",
                recorded_by=None,
            )
            outcomes.append("ok")
        except RecruitmentError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=advance) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    [error] = [o for o in outcomes if o != "ok"]
    assert "当前为“入党积极分子”，不能办理“确定为入党积极分子”" in str(error)
    assert StageChange.objects.filter(candidate=c, action="make_activist").count() == 1


@pytest.mark.django_db
def test_vote_form_records_written_abstentions_which_do_not_count_as_yes_R_RC_14(client, clerk, branch_a):
    from datetime import date as d

    from django.urls import reverse

    from recruitment.models import CandidateVote, WrittenOpinion

    c = b.target(branch_a)
    b.pre_meeting_file(c, meeting_on=d(2025, 6, 20))
    voters = list(
        Member.objects.filter(organization=branch_a, status=Member.Status.FULL)
    )  # contact, introducers
    voters += b.voters(branch_a, 3)  # 6 should attend
    meeting = b.meeting(branch_a, d(2025, 6, 20), present=voters[:4])
    client.force_login(clerk)
    url = reverse("recruitment:vote_add", args=[meeting.pk, c.pk])
    both = {"proposal": "admit", "yes": 3, "no": 1, "abstain": 0}
    page = client.post(url, both | {"written_yes": [voters[4].pk], "written_abstain": [voters[4].pk]})
    assert "只能提交一份书面意见" in page.content.decode()
    response = client.post(url, both | {"written_abstain": [voters[4].pk, voters[5].pk]})
    assert response.status_code == 302
    vote = CandidateVote.objects.get(meeting=meeting, candidate=c)
    # 3 yes of 6 who should attend is not more than half; the two written abstentions add nothing.
    assert not vote.passed and vote.written_yes == 0
    assert sorted(WrittenOpinion.objects.filter(vote_record=vote).values_list("vote", flat=True)) == [
        "abstain",
        "abstain",
    ]
