"""A whole candidate, from the written application to full member (R-RC-01 … R-RC-20, R-MB-03)."""

from datetime import date

import pytest

from core.registry import timeline_for
from members.models import Member
from recruitment import records, stages, votes
from recruitment.models import ConversionApplication, Oath, Stage, ThoughtReport, UpperTalk
from recruitment.rules import probation_end
from tests.factories import recruitment as b


@pytest.mark.django_db
def test_candidate_walks_from_application_to_full_member(branch_a, town, clerk):
    c = b.target(branch_a)
    assert c.stage == Stage.TARGET
    present = b.voters(branch_a, 3)
    b.pre_meeting_file(c, meeting_on=date(2025, 6, 20))
    meeting = b.meeting(branch_a, date(2025, 6, 20), present=present)
    # Should attend: the 3 present + contact + 2 introducers = 6; 3 present is exactly half: no quorum.
    vote = votes.vote_record(
        meeting=meeting, candidate=c, proposal="admit", yes=3, no=0, abstain=0, recorded_by=clerk
    )
    assert vote.voters_expected == 6 and not vote.quorum_met and not vote.passed

    everyone = list(Member.objects.filter(organization=branch_a, status=Member.Status.FULL))
    meeting = b.meeting(branch_a, date(2025, 6, 27), present=everyone)
    vote = votes.vote_record(
        meeting=meeting, candidate=c, proposal="admit", yes=6, no=0, abstain=0, recorded_by=clerk
    )
    assert vote.passed
    b.add(UpperTalk(candidate=c, talked_on=date(2025, 7, 1), talker="镇党委组织委员"))
    records.approval_record(
        vote=vote, organization=town, decided_on=date(2025, 7, 10), approved=True, recorded_by=clerk
    )
    stages.transition(
        candidate=c, action="admit", decided_on=date(2025, 7, 10), decided_by="镇党委", recorded_by=clerk
    )
    c.refresh_from_db()
    assert c.stage == Stage.PROBATIONARY
    assert c.member.status == Member.Status.PROBATIONARY
    assert c.member.joined_on == date(2025, 6, 27)  # R-RC-17: from the branch meeting, not the approval
    assert probation_end(c) == date(2026, 6, 27)

    b.add(Oath(candidate=c, taken_on=date(2025, 7, 15)))
    for day in (date(2025, 8, 15), date(2025, 11, 15), date(2026, 2, 15), date(2026, 5, 15)):
        b.add(ThoughtReport(candidate=c, submitted_on=day))
    b.add(ConversionApplication(candidate=c, submitted_on=date(2026, 6, 19)))
    full_members = list(Member.objects.filter(organization=branch_a, status=Member.Status.FULL))
    meeting = b.meeting(branch_a, date(2026, 6, 29), present=[*full_members, c.member])
    vote = votes.vote_record(
        meeting=meeting, candidate=c, proposal="convert", yes=6, no=0, abstain=0, recorded_by=clerk
    )
    assert vote.voters_expected == 6  # the probationary member in the room is not counted
    records.approval_record(
        vote=vote, organization=town, decided_on=date(2026, 8, 3), approved=True, recorded_by=clerk
    )
    stages.transition(
        candidate=c, action="convert", decided_on=date(2026, 8, 3), decided_by="镇党委", recorded_by=clerk
    )

    c.refresh_from_db()
    c.member.refresh_from_db()
    assert c.stage == Stage.FULL
    assert c.member.status == Member.Status.FULL
    assert c.member.full_member_on == date(2026, 6, 27)  # R-MB-03: from the end of probation
    titles = [e.title for e in timeline_for(c.member, clerk) if e.source == "发展党员"]
    assert "正式党员" in titles and "入党宣誓" in titles
    assert [s.to_state for s in c.stage_changes.all()] == [
        Stage.APPLICANT,
        Stage.ACTIVIST,
        Stage.TARGET,
        Stage.PROBATIONARY,
        Stage.FULL,
    ]
