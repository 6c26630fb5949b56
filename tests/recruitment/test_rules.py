"""Every R-RC rule at its boundary."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.dates import SHANGHAI
from core.models import RuleProfile
from core.rules import citation
from members.models import Discipline, Member
from recruitment import records, stages, votes
from recruitment.exceptions import RecruitmentError
from recruitment.models import (
    CandidateVote,
    Contact,
    DevelopmentPlan,
    Introducer,
    Postponement,
    PublicNotice,
    Recommendation,
    Talk,
    Training,
    UpperTalk,
)
from recruitment.rules import probation_end
from recruitment.stages import evaluate
from tests import factories
from tests.factories import recruitment as b

pytestmark = pytest.mark.django_db


def messages(candidate, action, on):
    return [p.message for p in evaluate(candidate, action, on) if p.blocking]


def test_application_on_the_18th_birthday_is_accepted_the_day_before_refused_R_RC_01(branch_a):
    b.candidate(branch_a, born=date(2006, 3, 5), applied_on=date(2024, 3, 5))
    with pytest.raises(ValidationError, match="R-RC-01"):
        b.candidate(branch_a, born=date(2006, 3, 6), applied_on=date(2024, 3, 5))


def test_talk_on_day_31_is_flagged_day_30_is_not_R_RC_02(branch_a):
    # Applied 2 March 2026 (Mon): within 1 month ends 2 April 2026 (Thu).
    on_time = b.candidate(branch_a, applied_on=date(2026, 3, 2))
    b.add(Talk(candidate=on_time, talked_on=date(2026, 4, 2), talker="书记"))
    late = b.candidate(branch_a, applied_on=date(2026, 3, 2))
    b.add(Talk(candidate=late, talked_on=date(2026, 4, 3), talker="书记"))
    assert not records.talk_is_late(on_time)
    assert records.talk_is_late(late)
    flags = [p for p in evaluate(late, "make_activist", date(2026, 5, 1)) if not p.blocking]
    assert any("R-RC-02" in p.message for p in flags)


def test_applicant_minimum_months_setting_applies_after_its_change_R_RC_03(branch_a):
    c = b.candidate(branch_a, applied_on=date(2026, 1, 10))
    b.add(Talk(candidate=c, talked_on=date(2026, 1, 20), talker="书记"))
    b.add(Recommendation(candidate=c, purpose="activist", kind="members", recommended_on=date(2026, 1, 25)))
    assert messages(c, "make_activist", date(2026, 2, 1)) == []
    RuleProfile.objects.create(effective_from=datetime(2026, 1, 31, tzinfo=SHANGHAI), applicant_min_months=6)
    problems = messages(c, "make_activist", date(2026, 2, 1))
    assert problems == ["递交申请满6个月后才能确定为入党积极分子，最早可于2026年7月10日确定（R-RC-03）。"]


def test_activist_recommendation_is_required_R_RC_03(branch_a):
    c = b.candidate(branch_a)
    b.add(Talk(candidate=c, talked_on=c.applied_on, talker="书记"))
    assert any("R-RC-03" in m for m in messages(c, "make_activist", date(2024, 5, 1)))


def test_activist_for_364_days_is_refused_with_the_earliest_date_365_passes_R_RC_07(branch_a):
    c = b.activist(branch_a, since=date(2025, 3, 5))
    b.activist_file(c, since=date(2025, 3, 5), until=date(2026, 3, 4))
    with pytest.raises(RecruitmentError) as refused:
        stages.transition(
            candidate=c,
            action="make_target",
            decided_on=date(2026, 3, 4),
            decided_by="党支部委员会",
            recorded_by=None,
        )
    assert "最早可于2026年3月5日确定为发展对象（R-RC-07）" in refused.value.problems[0]
    stages.transition(
        candidate=c,
        action="make_target",
        decided_on=date(2026, 3, 5),
        decided_by="党支部委员会",
        recorded_by=None,
    )


def test_refusal_lists_every_unmet_condition_R_RC_04_R_RC_06_R_RC_07(branch_a):
    c = b.activist(branch_a, since=date(2025, 3, 5))
    with pytest.raises(RecruitmentError) as refused:
        stages.transition(
            candidate=c,
            action="make_target",
            decided_on=date(2025, 9, 1),
            decided_by="支委会",
            recorded_by=None,
        )
    rules = "".join(refused.value.problems)
    for rule in ("R-RC-04", "R-RC-05", "R-RC-06", "R-RC-07"):
        assert rule in rules


def test_assessment_older_than_the_interval_blocks_R_RC_06(branch_a):
    c = b.activist(branch_a, since=date(2025, 3, 5))
    b.activist_file(c, since=date(2025, 3, 5), until=date(2025, 9, 5))
    assert not any("R-RC-06" in m for m in messages(c, "make_target", date(2026, 3, 5)))
    assert any("R-RC-06" in m for m in messages(c, "make_target", date(2026, 3, 6)))


def test_missing_thought_report_quarters_are_flagged_R_RC_05(branch_a):
    c = b.activist(branch_a, since=date(2025, 1, 10))
    b.activist_file(c, since=date(2025, 1, 10), until=date(2025, 1, 10))
    flags = [p.message for p in evaluate(c, "make_target", date(2025, 12, 31)) if not p.blocking]
    assert any("2025年第2季度" in m and "2025年第4季度" in m for m in flags)


@pytest.mark.parametrize(("born", "needs_league"), [(date(1998, 4, 11), True), (date(1998, 4, 10), False)])
def test_league_member_aged_27_needs_league_recommendation_aged_28_does_not_R_RC_08(
    branch_a, born, needs_league
):
    c = b.activist(branch_a, born=born, is_league_member=True, since=date(2025, 4, 10))
    b.activist_file(c, since=date(2025, 4, 10), until=date(2026, 4, 10))
    found = any("R-RC-08" in m for m in messages(c, "make_target", date(2026, 4, 10)))
    assert found is needs_league


def test_introducer_under_probation_discipline_is_refused_R_RC_09(branch_a):
    c = b.target(branch_a)
    disciplined = factories.make_member(branch_a)
    Discipline.objects.create(
        member=disciplined,
        kind=Discipline.Kind.PROBATION,
        decided_on=date(2025, 1, 1),
        decided_by="镇纪委",
        reason="x",
    )
    with pytest.raises(RecruitmentError, match="R-RC-09"):
        b.add(Introducer(candidate=c, member=disciplined, assigned_on=date(2025, 5, 1)))
    probationary = factories.make_member(branch_a, status=Member.Status.PROBATIONARY)
    with pytest.raises(RecruitmentError, match="R-RC-09"):
        b.add(Introducer(candidate=c, member=probationary, assigned_on=date(2025, 5, 1)))
    assert "须有2名入党介绍人，现有0名（R-RC-09）。" in messages(c, "admit", date(2025, 6, 1))


def test_the_same_member_cannot_be_a_contact_twice_R_RC_04(branch_a):
    c = b.activist(branch_a)
    member = factories.make_member(branch_a)
    b.add(Contact(candidate=c, member=member, assigned_on=date(2024, 4, 10)))
    with pytest.raises(RecruitmentError, match="请勿重复登记（R-RC-04）"):
        b.add(Contact(candidate=c, member=member, assigned_on=date(2024, 5, 10)))
    assert c.contacts.count() == 1


def test_the_same_member_cannot_be_an_introducer_twice_R_RC_09(branch_a):
    c = b.target(branch_a)
    member = factories.make_member(branch_a)
    b.add(Introducer(candidate=c, member=member, assigned_on=date(2025, 5, 1)))
    with pytest.raises(RecruitmentError, match="请勿重复登记（R-RC-09）"):
        b.add(Introducer(candidate=c, member=member, assigned_on=date(2025, 5, 2)))
    assert "须有2名入党介绍人，现有1名（R-RC-09）。" in messages(c, "admit", date(2025, 6, 1))


def test_a_duplicate_contact_posted_on_the_page_is_a_form_error_not_a_server_error_R_RC_04(
    client, clerk, branch_a
):
    c = b.activist(branch_a)
    member = factories.make_member(branch_a)
    client.force_login(clerk)
    url = reverse("recruitment:record_add", args=[c.pk, "contact"])
    data = {"member": member.pk, "assigned_on": "2024-04-10"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200
    assert f"请勿重复登记（{citation('R-RC-04')}）" in response.content.decode()  # the regulation, not the ID
    assert c.contacts.count() == 1


def test_quarters_between_stops_at_the_last_representable_year_R_RC_05():
    from recruitment.rules import quarters_between

    assert quarters_between(date(9999, 1, 1), date(9999, 12, 31)) == [(9999, 2), (9999, 3), (9999, 4)]
    assert quarters_between(date(2025, 11, 15), date(2026, 6, 30)) == [(2026, 1), (2026, 2)]


def test_political_review_is_valid_for_one_year_R_RC_10(branch_a):
    c = b.target(branch_a)
    b.pre_meeting_file(c, meeting_on=date(2025, 6, 20))
    assert not any("R-RC-10" in m for m in messages(c, "admit", date(2026, 5, 20)))
    assert any("R-RC-10" in m for m in messages(c, "admit", date(2026, 5, 21)))


@pytest.mark.parametrize(("hours", "ok"), [(23, False), (24, True)])
def test_training_of_23_hours_is_short_24_is_enough_R_RC_11(branch_a, hours, ok):
    c = b.target(branch_a)
    b.pre_meeting_file(c, meeting_on=date(2025, 6, 20), training_hours=hours)
    assert (not any("R-RC-11" in m for m in messages(c, "admit", date(2025, 6, 20)))) is ok


def test_training_older_than_a_year_must_be_repeated_R_RC_11(branch_a):
    c = b.target(branch_a)
    b.add(Training(candidate=c, course="培训班", finished_on=date(2024, 6, 1), hours=40))
    problems = messages(c, "admit", date(2025, 6, 2))
    assert any("已超过1年，须重新培训（R-RC-11）" in m for m in problems)


@pytest.mark.parametrize(("days", "ok"), [(6, False), (7, True)])
def test_public_notice_of_6_days_is_too_short_7_is_enough_R_RC_12(branch_a, days, ok):
    c = b.target(branch_a)
    b.add(PublicNotice(candidate=c, starts_on=date(2025, 6, 1), ends_on=date(2025, 6, 1 + days)))
    assert (not any("R-RC-12" in m for m in messages(c, "admit", date(2025, 6, 20)))) is ok


def test_unresolved_objection_blocks_the_meeting_R_RC_12(branch_a):
    c = b.target(branch_a)
    b.add(
        PublicNotice(
            candidate=c, starts_on=date(2025, 6, 1), ends_on=date(2025, 6, 8), objections="有群众反映"
        )
    )
    assert "公示期间反映的问题尚未查清处理（R-RC-12）。" in messages(c, "admit", date(2025, 6, 20))


def test_vote_is_refused_before_pre_review_and_form_number_is_issued_after_it_R_RC_13(branch_a):
    c = b.target(branch_a)
    meeting = b.meeting(branch_a, date(2025, 6, 20), present=b.voters(branch_a, 3))
    with pytest.raises(RecruitmentError) as refused:
        votes.vote_record(
            meeting=meeting, candidate=c, proposal="admit", yes=3, no=0, abstain=0, recorded_by=None
        )
    assert any("R-RC-13" in p for p in refused.value.problems)
    b.pre_meeting_file(c, meeting_on=date(2025, 6, 20))
    assert c.prereviews.get().form_number == "入党志愿书〔2025〕001号"


def test_approval_needs_upper_talk_R_RC_15_and_authority_R_RC_16(branch_a, town):
    c, vote = _admitted_vote(branch_a)
    with pytest.raises(RecruitmentError, match="没有审批预备党员的权限"):
        records.approval_record(
            vote=vote, organization=branch_a, decided_on=date(2025, 7, 1), approved=True, recorded_by=None
        )
    records.approval_record(
        vote=vote, organization=town, decided_on=date(2025, 7, 1), approved=True, recorded_by=None
    )
    assert any("R-RC-15" in m for m in messages(c, "admit", date(2025, 7, 1)))


def _admitted_vote(branch, held_on=date(2025, 6, 20), **target_dates):
    c = b.target(branch, **target_dates)
    b.pre_meeting_file(c, meeting_on=held_on)
    people = list(Member.objects.filter(organization=branch, status=Member.Status.FULL))
    meeting = b.meeting(branch, held_on, present=people)
    return c, votes.vote_record(
        meeting=meeting, candidate=c, proposal="admit", yes=len(people), no=0, abstain=0, recorded_by=None
    )


def test_approval_at_3_months_plus_1_day_is_flagged_beyond_6_months_refused_R_RC_16(branch_a, town):
    # Meeting 10 March 2026 (Tue): 3 months end 10 June (Wed), 6 months end 10 September (Thu).
    c, vote = _admitted_vote(branch_a, held_on=date(2026, 3, 10))
    with pytest.raises(RecruitmentError, match="超过6个月"):
        records.approval_record(
            vote=vote,
            organization=town,
            decided_on=date(2026, 9, 11),
            approved=True,
            recorded_by=None,
            late_reason="x",
        )
    with pytest.raises(RecruitmentError, match="特殊情况"):
        records.approval_record(
            vote=vote, organization=town, decided_on=date(2026, 6, 11), approved=True, recorded_by=None
        )
    approval = records.approval_record(
        vote=vote,
        organization=town,
        decided_on=date(2026, 6, 11),
        approved=True,
        recorded_by=None,
        late_reason="需补充外调材料",
    )
    assert approval.is_late


def test_approval_on_the_last_day_of_3_months_is_not_flagged_R_RC_16(branch_a, town):
    c, vote = _admitted_vote(branch_a, held_on=date(2026, 3, 10))
    approval = records.approval_record(
        vote=vote, organization=town, decided_on=date(2026, 6, 10), approved=True, recorded_by=None
    )
    assert not approval.is_late


def _probationary(branch, town, held_on, **target_dates):
    c, vote = _admitted_vote(branch, held_on=held_on, **target_dates)
    b.add(UpperTalk(candidate=c, talked_on=held_on, talker="组织委员"))
    records.approval_record(vote=vote, organization=town, decided_on=held_on, approved=True, recorded_by=None)
    stages.transition(candidate=c, action="admit", decided_on=held_on, decided_by="镇党委", recorded_by=None)
    c.refresh_from_db()
    return c


def test_probation_from_29_february_ends_28_february_R_RC_17(branch_a, town):
    c = _probationary(
        branch_a,
        town,
        date(2024, 2, 29),
        since=date(2022, 10, 10),
        decided_on=date(2023, 10, 10),
        applied_on=date(2022, 9, 1),
    )
    assert probation_end(c) == date(2025, 2, 28)


def test_conversion_without_oath_is_refused_R_RC_18_and_application_required_R_RC_19(branch_a, town):
    c = _probationary(branch_a, town, date(2025, 6, 20))
    problems = messages(c, "convert", date(2026, 6, 20))
    assert any("R-RC-18" in m for m in problems)
    assert any("R-RC-19" in m for m in problems)
    assert any("R-RC-20" in m for m in problems)


def _resolve(c, town, proposal, held_on, **extra):
    people = list(Member.objects.filter(organization=c.organization, status=Member.Status.FULL))
    meeting = b.meeting(c.organization, held_on, present=people)
    vote = votes.vote_record(
        meeting=meeting,
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


def test_probation_extended_once_6_to_12_months_second_extension_refused_R_RC_21(branch_a, town):
    c = _probationary(branch_a, town, date(2025, 6, 20))
    meeting = b.meeting(branch_a, date(2026, 6, 22), present=[])
    with pytest.raises(RecruitmentError, match="R-RC-21"):
        votes.vote_record(
            meeting=meeting,
            candidate=c,
            proposal="extend",
            yes=0,
            no=0,
            abstain=0,
            extension_months=5,
            recorded_by=None,
        )
    _resolve(c, town, "extend", date(2026, 6, 23), extension_months=6)
    stages.transition(
        candidate=c,
        action="extend",
        decided_on=date(2026, 6, 23),
        decided_by="镇党委",
        recorded_by=None,
        reason="考察",
    )
    assert probation_end(c) == date(2026, 12, 20)
    _resolve(c, town, "extend", date(2026, 12, 21), extension_months=6)
    with pytest.raises(RecruitmentError, match="预备期只能延长一次"):
        stages.transition(
            candidate=c,
            action="extend",
            decided_on=date(2026, 12, 21),
            decided_by="镇党委",
            recorded_by=None,
            reason="再次",
        )


def test_cancelled_probation_removes_the_member_R_RC_21(branch_a, town):
    c = _probationary(branch_a, town, date(2025, 6, 20))
    _resolve(c, town, CandidateVote.Proposal.CANCEL, date(2025, 12, 1))
    stages.transition(
        candidate=c,
        action="cancel",
        decided_on=date(2025, 12, 1),
        decided_by="镇党委",
        recorded_by=None,
        reason="不履行义务",
    )
    c.member.refresh_from_db()
    assert c.member.status == Member.Status.REMOVED


def test_postponement_only_for_transferred_in_and_at_most_6_months_R_RC_22(branch_a, town):
    c = _probationary(branch_a, town, date(2025, 6, 20))
    with pytest.raises(RecruitmentError, match="R-RC-22"):
        b.add(Postponement(candidate=c, decided_on=date(2026, 6, 1), months=3, reason="转入"))
    c.transferred_in = True
    c.save(update_fields=["transferred_in"])
    b.add(Postponement(candidate=c, decided_on=date(2026, 6, 1), months=4, reason="转入不久"))
    with pytest.raises(RecruitmentError, match="不能超过6个月"):
        b.add(Postponement(candidate=c, decided_on=date(2026, 7, 1), months=3, reason="再推迟"))


def test_missing_documents_block_the_stage_R_RC_23(branch_a):
    c = b.candidate(branch_a)
    with pytest.raises(RecruitmentError) as refused:
        stages.transition(
            candidate=c,
            action="make_activist",
            decided_on=date(2024, 5, 1),
            decided_by="支委会",
            recorded_by=None,
        )
    assert all("R-RC-23" in p for p in refused.value.problems)
    assert len(refused.value.problems) == 2


def test_admission_beyond_the_annual_plan_is_flagged_R_RC_24(branch_a, town):
    DevelopmentPlan.objects.create(organization=branch_a, year=2025, quota=1)
    _probationary(branch_a, town, date(2025, 6, 20))
    c, vote = _admitted_vote(branch_a, held_on=date(2025, 7, 20))
    flags = [p.message for p in evaluate(c, "admit", date(2025, 7, 20)) if not p.blocking]
    assert any("超计划发展（R-RC-24）" in m for m in flags)


def test_transfer_keeps_stage_and_elapsed_time_R_MB_05(branch_a, branch_b):
    c = b.activist(branch_a, since=date(2025, 3, 5))
    records.candidate_transfer(
        candidate=c, to_organization=branch_b, transferred_on=date(2025, 9, 1), recorded_by=None
    )
    c.refresh_from_db()
    assert c.organization == branch_b and c.stage == "activist"
    assert any("最早可于2026年3月5日" in m for m in messages(c, "make_target", date(2025, 10, 1)))


def test_dashboard_flags_approval_over_3_months_only_after_the_deadline_moved_past_national_day_R_RC_16(
    branch_a, town
):
    """Meeting 1 July 2026: the 3 months end 1 October, in the National Day holiday (1–7 October), so the
    deadline is 8 October. The 工作台 flag agrees with rules.approval_deadline: not over on 8 October (before
    the fix it was flagged from 1 October), over on 9 October."""
    from recruitment.dashboard import flags
    from recruitment.models import Candidate, CandidateVote
    from recruitment.rules import approval_deadline

    _, vote = _admitted_vote(branch_a, held_on=date(2026, 7, 1))
    assert approval_deadline(date(2026, 7, 1)) == date(2026, 10, 8)

    def flagged(today):
        found = flags(candidates=Candidate.objects.all(), votes=CandidateVote.objects.all(), today=today)
        return {label for label, queryset, _ in found if queryset.filter(pk=vote.pk).exists()}

    over, nearing = "审批超过3个月（最长6个月）（R-RC-16）", "审批临近3个月期限（R-RC-16）"
    assert flagged(date(2026, 10, 1)) & {over, nearing} == {nearing}
    assert flagged(date(2026, 10, 8)) & {over, nearing} == {nearing}
    assert flagged(date(2026, 10, 9)) & {over, nearing} == {over}
