"""Branch meetings and votes: quorum and majority in one function (R-RC-14, R-RC-20, R-RC-21)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q

from core.models import Organization, RuleProfile
from members.models import Member
from members.status import members_without_rights_ids
from recruitment.document_numbers import issue_document_number
from recruitment.exceptions import RecruitmentError
from recruitment.models import BranchMeeting, Candidate, CandidateVote, Stage, WrittenOpinion
from recruitment.rules import decision_profile


def voting_member_ids(*, organization: Organization, on: date) -> set[int]:
    """R-RC-14: who should attend with voting rights — full members of the branch on that date, minus those
    under 留党察看 (R-MB-02). Probationary members never count."""
    ids = set(
        Member.objects.filter(organization=organization, status=Member.Status.FULL)
        .filter(Q(full_member_on__isnull=True) | Q(full_member_on__lte=on))
        .values_list("pk", flat=True)
    )
    return ids - members_without_rights_ids(on)


@dataclass(frozen=True)
class Tally:
    expected: int  # voting members who should attend
    present: int  # of them, present
    yes: int
    no: int
    abstain: int
    written_yes: int
    written_no: int
    written_abstain: int
    quorum: str

    @property
    def quorum_met(self) -> bool:
        """R-RC-14: present voting members more than half (or two thirds, setting) of those who should attend."""
        if self.quorum == RuleProfile.Quorum.TWO_THIRDS:
            return 3 * self.present > 2 * self.expected
        return 2 * self.present > self.expected

    @property
    def total_yes(self) -> int:
        return self.yes + self.written_yes

    @property
    def passed(self) -> bool:
        """R-RC-14: yes votes (written opinions included) more than half of those who should attend."""
        return self.quorum_met and 2 * self.total_yes > self.expected

    def problems(self) -> list[str]:
        out = []
        if not self.quorum_met:
            need = "三分之二" if self.quorum == RuleProfile.Quorum.TWO_THIRDS else "半数"
            out.append(
                f"应到会有表决权党员{self.expected}人，实到{self.present}人，未超过{need}，会议不能进行表决（R-RC-14）。"
            )
        if 2 * self.total_yes <= self.expected:
            out.append(
                f"赞成票{self.total_yes}票（含书面意见{self.written_yes}票），未超过应到会有表决权党员{self.expected}人的半数（R-RC-14）。"
            )
        return out


def tally(
    *,
    expected_ids: set[int],
    present_ids: Iterable[int],
    yes: int,
    no: int,
    abstain: int,
    written: Mapping[int, str],
    quorum: str,
) -> Tally:
    """The one computation of quorum and majority (R-RC-14). Only eligible voters count: a probationary member
    in the room or a written opinion from someone without voting rights is ignored; a written opinion of a
    member who came to the meeting is replaced by their vote in the room."""
    present = set(present_ids) & expected_ids
    if yes + no + abstain > len(present):
        raise RecruitmentError(
            f"赞成、反对、弃权合计{yes + no + abstain}票，超过实到有表决权党员{len(present)}人（R-RC-14）。",
            rule="R-RC-14",
        )
    counted = {pk: v for pk, v in written.items() if pk in expected_ids and pk not in present}
    votes = list(counted.values())
    return Tally(
        expected=len(expected_ids),
        present=len(present),
        yes=yes,
        no=no,
        abstain=abstain,
        written_yes=votes.count(WrittenOpinion.Vote.YES),
        written_no=votes.count(WrittenOpinion.Vote.NO),
        written_abstain=votes.count(WrittenOpinion.Vote.ABSTAIN),
        quorum=quorum,
    )


def meeting_create(
    *,
    organization: Organization,
    held_on: date,
    present: Iterable[Member],
    recorded_by,
    host: str = "",
    minutes: str = "",
) -> BranchMeeting:
    present = list(present)
    strangers = [m.name for m in present if m.organization_id != organization.pk]
    if strangers:
        raise RecruitmentError(
            f"{'、'.join(strangers)}不是本支部党员，不能登记为到会（R-RC-14）。", rule="R-RC-14"
        )
    with transaction.atomic():
        meeting = BranchMeeting.objects.create(
            organization=organization, held_on=held_on, host=host, minutes=minutes, recorded_by=recorded_by
        )
        meeting.present.set(present)
    return meeting


def meeting_tally(
    meeting: BranchMeeting, *, yes: int, no: int, abstain: int, written: Mapping[int, str]
) -> Tally:
    return tally(
        expected_ids=voting_member_ids(organization=meeting.organization, on=meeting.held_on),
        present_ids=meeting.present.values_list("pk", flat=True),
        yes=yes,
        no=no,
        abstain=abstain,
        written=written,
        quorum=decision_profile(meeting.held_on).meeting_quorum,
    )


def vote_record(
    *,
    meeting: BranchMeeting,
    candidate: Candidate,
    proposal: str,
    yes: int,
    no: int,
    abstain: int,
    written: Mapping[Member, str] | None = None,
    extension_months: int | None = None,
    recorded_by,
) -> CandidateVote:
    """R-RC-14/20/21: record one candidate's separate vote; the resolution follows from ``tally``."""
    written = written or {}
    if candidate.organization_id != meeting.organization_id:
        raise RecruitmentError("只能表决本支部的发展对象或预备党员（R-RC-14）。", rule="R-RC-14")
    if proposal == CandidateVote.Proposal.EXTEND and not (extension_months and 6 <= extension_months <= 12):
        raise RecruitmentError("延长预备期不能少于6个月、不能超过1年（R-RC-21）。", rule="R-RC-21")
    if proposal != CandidateVote.Proposal.EXTEND:
        extension_months = None
    from recruitment.records import vote_prerequisites

    open_stage = Stage.TARGET if proposal == CandidateVote.Proposal.ADMIT else Stage.PROBATIONARY
    problems = vote_prerequisites(candidate=candidate, proposal=proposal, held_on=meeting.held_on)
    if not problems and candidate.stage != open_stage:
        problems = [
            f"{candidate.name}当前为“{candidate.get_stage_display()}”，不能表决“{CandidateVote.Proposal(proposal).label}”。"
        ]
    if problems:
        raise RecruitmentError("支部大会不能表决：" + "；".join(problems), rule="R-RC-14", problems=problems)
    result = meeting_tally(
        meeting, yes=yes, no=no, abstain=abstain, written={m.pk: v for m, v in written.items()}
    )
    with transaction.atomic():
        Candidate.objects.select_for_update().get(pk=candidate.pk)
        if CandidateVote.objects.filter(meeting=meeting, candidate=candidate).exists():
            raise RecruitmentError(f"本次支部大会已对{candidate.name}进行过表决（R-RC-14）。", rule="R-RC-14")
        record = CandidateVote.objects.create(
            meeting=meeting,
            candidate=candidate,
            proposal=proposal,
            extension_months=extension_months,
            yes=yes,
            no=no,
            abstain=abstain,
            voters_expected=result.expected,
            voters_present=result.present,
            written_yes=result.written_yes,
            quorum_met=result.quorum_met,
            passed=result.passed,
            recorded_by=recorded_by,
            document_number=issue_document_number(meeting.held_on),
        )
        WrittenOpinion.objects.bulk_create(
            WrittenOpinion(vote_record=record, member=m, vote=v) for m, v in written.items()
        )
    return record
