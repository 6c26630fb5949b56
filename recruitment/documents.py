"""The recruitment file's printed documents (issue 7) and its part of a person's archive bundle (R-RC-23).

Each builder fetches what its document shows and returns a ``core.pdf.Document``; print views render it alone
(``core.pdf.render_document``), the archive bundle puts it in the person's file. Numbers are issued when the
record is created (``recruitment.document_numbers``); the date is the record's own date.

* ``talk_record``        — 入党申请人谈话记录, R-RC-02
* ``filing_report``      — 确定入党积极分子 / 发展对象备案报告, R-RC-03 / R-RC-07
* ``political_review``   — 政治审查结论, R-RC-10
* ``public_notice``      — 发展对象公示, R-RC-12
* ``pre_review``         — 预审意见 with the 入党志愿书 number, R-RC-13
* ``branch_resolution``  — 支部大会决议 with the vote counts, R-RC-14 (admission), R-RC-20 (conversion), R-RC-21
* ``approval_opinion``   — 上级党委审批意见, R-RC-16 / R-RC-20
* ``archive_checklist``  — 发展党员档案材料目录: the one-person-one-file list and which documents are present, R-RC-23
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from core.access import sees_full_id_numbers
from core.archive import ORDER_RECRUITMENT, ArchiveCover, ArchivePart, render_archive
from core.attachments import materials_of, scan_document
from core.dates import period_end
from core.idnumbers import mask_id_number
from core.models import Organization, RuleProfile
from core.pdf import PDFA_VARIANT, Document
from recruitment.checklist import checklist
from recruitment.document_numbers import FILED_ACTIONS
from recruitment.models import (
    Approval,
    Candidate,
    CandidateVote,
    PoliticalReview,
    PreReview,
    PublicNotice,
    StageChange,
    Talk,
    WrittenOpinion,
)
from recruitment.rules import decision_profile, fmt, probation_end, talk_deadline

PART_TITLE = "发展党员材料"

_FILING_TITLES = {"make_activist": "入党积极分子", "make_target": "发展对象"}
_FILING_RULES = {"make_activist": "R-RC-03", "make_target": "R-RC-07"}
# Short titles (the contents page has one line per document); the body names the person.
_PROPOSAL_TITLES = {
    CandidateVote.Proposal.ADMIT: "接收预备党员",
    CandidateVote.Proposal.CONVERT: "预备党员转正",
    CandidateVote.Proposal.EXTEND: "延长预备期",
    CandidateVote.Proposal.CANCEL: "取消预备党员资格",
}
_RESOLUTION_SUBJECTS = {
    CandidateVote.Proposal.ADMIT: "接收{name}同志为中共预备党员",
    CandidateVote.Proposal.CONVERT: "{name}同志转为中共正式党员",
    CandidateVote.Proposal.EXTEND: "延长{name}同志预备期",
    CandidateVote.Proposal.CANCEL: "取消{name}同志预备党员资格",
}


def _organization_on(candidate: Candidate, day: date) -> Organization:
    """The branch the candidate belonged to on ``day``: transfers keep the file (R-MB-05), not the branch."""
    later = (
        candidate.candidatetransfers.filter(transferred_on__gt=day)
        .select_related("from_organization")
        .order_by("transferred_on", "pk")
        .first()
    )
    return later.from_organization if later else candidate.organization


def _candidate(pk: int) -> Candidate:
    return Candidate.objects.select_related("organization", "member").get(pk=pk)


def _facts(candidate: Candidate) -> dict:
    return {"candidate": candidate, "education": candidate.get_education_display()}


def talk_record(talk: Talk) -> Document:
    """R-RC-02: the talk with the applicant, and whether it was held within 1 month of the application."""
    talk = Talk.objects.select_related("candidate", "recorded_by").get(pk=talk.pk)
    candidate = _candidate(talk.candidate_id)
    due = talk_deadline(candidate)
    return Document(
        title="入党申请人谈话记录",
        template_name="documents/recruitment/talk_record.html",
        number=talk.document_number,
        dated=talk.talked_on,
        filename=f"谈话记录-{candidate.name}-{talk.document_number}",
        context={
            **_facts(candidate),
            "talk": talk,
            "organization": _organization_on(candidate, talk.talked_on),
            "due": due,
            "on_time": talk.talked_on <= due.date,
        },
    )


def filing_report(change: StageChange) -> Document:
    """R-RC-03 / R-RC-07: the branch committee's decision filed with the upper committee."""
    change = StageChange.objects.get(pk=change.pk, action__in=FILED_ACTIONS)
    candidate = _candidate(change.candidate_id)
    stage = _FILING_TITLES[change.action]
    context = {
        **_facts(candidate),
        "change": change,
        "stage": stage,
        "rule": _FILING_RULES[change.action],
        "organization": _organization_on(candidate, change.decided_on),
    }
    if change.action == "make_activist":
        context["recommendations"] = list(
            candidate.recommendations.filter(purpose="activist", recommended_on__lte=change.decided_on)
        )
        context["talks"] = list(candidate.talks.filter(talked_on__lte=change.decided_on))
    else:
        activist = candidate.stage_changes.filter(action="make_activist").order_by("decided_on").first()
        context["activist_since"] = activist.decided_on if activist else None
        context["contacts"] = [c.member.name for c in candidate.contacts.select_related("member")]
        context["reports"] = candidate.thoughtreports.filter(submitted_on__lte=change.decided_on).count()
        context["assessments"] = list(candidate.assessments.filter(assessed_on__lte=change.decided_on))
        context["league"] = list(candidate.recommendations.filter(kind="league"))
    return Document(
        title=f"确定{stage}备案报告",
        template_name="documents/recruitment/filing_report.html",
        number=change.document_number,
        dated=change.decided_on,
        filename=f"{stage}备案报告-{candidate.name}-{change.document_number}",
        context=context,
    )


def political_review(review: PoliticalReview) -> Document:
    """R-RC-10: the written conclusion of the political review; valid for 1 year."""
    review = PoliticalReview.objects.get(pk=review.pk)
    candidate = _candidate(review.candidate_id)
    return Document(
        title="发展对象政治审查结论",
        template_name="documents/recruitment/political_review.html",
        number=review.document_number,
        dated=review.concluded_on,
        filename=f"政治审查结论-{candidate.name}-{review.document_number}",
        context={
            **_facts(candidate),
            "review": review,
            "valid_until": period_end(review.concluded_on, years=1),
            "organization": _organization_on(candidate, review.concluded_on),
        },
    )


def public_notice(notice: PublicNotice) -> Document:
    """R-RC-12: the notice posted before the branch meeting, with any objections and how they were resolved."""
    notice = PublicNotice.objects.get(pk=notice.pk)
    candidate = _candidate(notice.candidate_id)
    return Document(
        title="发展对象公示",
        template_name="documents/recruitment/public_notice.html",
        number=notice.document_number,
        dated=notice.starts_on,
        filename=f"公示-{candidate.name}-{notice.document_number}",
        context={
            **_facts(candidate),
            "notice": notice,
            "organization": _organization_on(candidate, notice.starts_on),
            "introducers": [i.member.name for i in candidate.introducers.select_related("member")],
        },
    )


def pre_review(review: PreReview) -> Document:
    """R-RC-13: the upper committee's pre-review opinion and the numbered 入党志愿书 issued after it."""
    review = PreReview.objects.get(pk=review.pk)
    candidate = _candidate(review.candidate_id)
    return Document(
        title="发展对象预审意见",
        template_name="documents/recruitment/pre_review.html",
        number=review.document_number,
        dated=review.reviewed_on,
        filename=f"预审意见-{candidate.name}-{review.document_number}",
        context={
            **_facts(candidate),
            "review": review,
            "organization": _organization_on(candidate, review.reviewed_on),
        },
    )


def _resolution_subject(vote: CandidateVote, name: str) -> str:
    return _RESOLUTION_SUBJECTS[vote.proposal].format(name=name)


def _vote_counts(vote: CandidateVote) -> dict:
    """The tally as recorded (the snapshot written by recruitment.votes.vote_record, R-RC-14)."""
    present_ids = set(vote.meeting.present.values_list("pk", flat=True))
    written = [o.vote for o in vote.written_opinions.all() if o.member_id not in present_ids]
    written_no = written.count(WrittenOpinion.Vote.NO)
    written_abstain = written.count(WrittenOpinion.Vote.ABSTAIN)
    quorum = decision_profile(vote.meeting.held_on).meeting_quorum
    return {
        "written_count": vote.written_yes + written_no + written_abstain,
        "written_no": written_no,
        "written_abstain": written_abstain,
        "total_yes": vote.yes + vote.written_yes,
        "total_no": vote.no + written_no,
        "total_abstain": vote.abstain + written_abstain,
        "quorum_label": "三分之二" if quorum == RuleProfile.Quorum.TWO_THIRDS else "半数",
        "majority_met": 2 * (vote.yes + vote.written_yes) > vote.voters_expected,
    }


def _probation(vote: CandidateVote, candidate: Candidate) -> dict:
    """R-RC-17: probation runs 1 year from the admitting meeting; R-MB-03: full membership from its end."""
    if vote.proposal == CandidateVote.Proposal.ADMIT:
        held = vote.meeting.held_on
        return {"probation_from": held, "probation_until": period_end(held, years=1)}
    if candidate.member_id:
        return {"probation_from": candidate.member.joined_on, "probation_until": probation_end(candidate)}
    return {}


def branch_resolution(vote: CandidateVote) -> Document:
    """R-RC-14 / R-RC-20 / R-RC-21: the branch meeting's resolution with the full vote count."""
    vote = CandidateVote.objects.select_related("meeting", "meeting__organization").get(pk=vote.pk)
    candidate = _candidate(vote.candidate_id)
    subject = _resolution_subject(vote, candidate.name)
    return Document(
        title=f"{_PROPOSAL_TITLES[vote.proposal]}的支部大会决议",
        template_name="documents/recruitment/branch_resolution.html",
        number=vote.document_number,
        dated=vote.meeting.held_on,
        filename=f"支部大会决议-{candidate.name}-{vote.document_number}",
        context={
            **_facts(candidate),
            "vote": vote,
            "meeting": vote.meeting,
            "subject": subject,
            "introducers": [i.member.name for i in candidate.introducers.select_related("member")],
            **_vote_counts(vote),
            **_probation(vote, candidate),
        },
    )


def approval_opinion(approval: Approval) -> Document:
    """R-RC-16 / R-RC-20: the committee's approval of the branch resolution, within 3 months (at most 6)."""
    approval = Approval.objects.select_related(
        "organization", "vote", "vote__meeting", "vote__meeting__organization"
    ).get(pk=approval.pk)
    vote = approval.vote
    candidate = _candidate(vote.candidate_id)
    subject = _resolution_subject(vote, candidate.name)
    return Document(
        title=f"{_PROPOSAL_TITLES[vote.proposal]}审批意见",
        template_name="documents/recruitment/approval_opinion.html",
        number=approval.document_number,
        dated=approval.decided_on,
        filename=f"审批意见-{candidate.name}-{approval.document_number}",
        context={
            **_facts(candidate),
            "approval": approval,
            "vote": vote,
            "meeting": vote.meeting,
            "subject": subject,
            "total_yes": vote.yes + vote.written_yes,
            **_probation(vote, candidate),
        },
    )


@dataclass(frozen=True)
class FileRecord:
    """A record of the candidate's file that prints as a document; ``kind`` is its URL name in
    ``recruitment_print`` and its builder in ``BUILDERS``."""

    day: date
    step: int
    record: object
    kind: str
    label: str

    @property
    def number(self) -> str:
        return self.record.document_number


def file_records(candidate: Candidate) -> list[FileRecord]:
    """Every printable record of the candidate's file, in the order the file was made (date, then step)."""
    rows = [FileRecord(t.talked_on, 1, t, "talk_record", "谈话记录") for t in candidate.talks.all()]
    rows += [
        FileRecord(c.decided_on, 2, c, "filing_report", f"确定{_FILING_TITLES[c.action]}备案报告")
        for c in candidate.stage_changes.filter(action__in=FILED_ACTIONS)
    ]
    rows += [
        FileRecord(r.concluded_on, 3, r, "political_review", "政治审查结论")
        for r in candidate.politicalreviews.all()
    ]
    rows += [FileRecord(n.starts_on, 4, n, "public_notice", "公示") for n in candidate.publicnotices.all()]
    rows += [FileRecord(r.reviewed_on, 5, r, "pre_review", "预审意见") for r in candidate.prereviews.all()]
    rows += [
        FileRecord(
            v.meeting.held_on, 6, v, "branch_resolution", f"支部大会决议（{v.get_proposal_display()}）"
        )
        for v in candidate.votes.select_related("meeting")
    ]
    rows += [
        FileRecord(a.decided_on, 7, a, "approval_opinion", f"审批意见（{a.vote.get_proposal_display()}）")
        for a in Approval.objects.filter(vote__candidate=candidate).select_related("vote")
    ]
    return sorted(rows, key=lambda row: (row.day, row.step, row.record.pk))


BUILDERS = {
    "talk_record": talk_record,
    "filing_report": filing_report,
    "political_review": political_review,
    "public_notice": public_notice,
    "pre_review": pre_review,
    "branch_resolution": branch_resolution,
    "approval_opinion": approval_opinion,
}


def candidate_documents(candidate: Candidate) -> list[Document]:
    """Every numbered document of the candidate's file, in file order."""
    return [BUILDERS[row.kind](row.record) for row in file_records(candidate)]


def archive_checklist(candidate: Candidate, documents: list[Document] | None = None) -> Document:
    """R-RC-23: what the one-person-one-file must hold per stage reached, what it holds, and the numbered
    documents it contains. It is regenerated at every print, so it carries the print date and no number."""
    candidate = _candidate(candidate.pk)
    documents = candidate_documents(candidate) if documents is None else documents
    sections = checklist(candidate)
    missing = sum(1 for section in sections for row in section["items"] if not row["present"])
    return Document(
        title="发展党员档案材料目录",
        template_name="documents/recruitment/archive_checklist.html",
        dated=timezone.localdate(),
        filename=f"发展党员档案材料目录-{candidate.name}",
        header=f"{candidate.name}　发展党员档案",
        context={
            **_facts(candidate),
            "sections": sections,
            "missing": missing,
            "documents": [{"title": d.title, "number": d.number, "dated": d.dated} for d in documents],
        },
    )


def archive_part(candidate: Candidate) -> ArchivePart:
    """The candidate's recruitment file: the checklist first, then each document in the order it was made,
    the scanned paper materials (core.attachments) in their place by the day they were received."""
    rows = file_records(candidate)
    documents = [BUILDERS[row.kind](row.record) for row in rows]
    header = f"{candidate.name}　发展党员档案"
    scans = [
        (m.received_on, 1, i, scan_document(m, header=header)) for i, m in enumerate(materials_of(candidate))
    ]
    dated = [(row.day, 0, i, doc) for i, (row, doc) in enumerate(zip(rows, documents, strict=True))]
    in_place = [entry[3] for entry in sorted([*dated, *scans], key=lambda e: (e[0], e[1], e[2]))]
    return ArchivePart(
        title=PART_TITLE,
        order=ORDER_RECRUITMENT,
        documents=[archive_checklist(candidate, documents), *in_place],
    )


def archive_parts(member, user) -> list[ArchivePart]:
    """The recruitment part of a member's file (registered in RecruitmentConfig.ready()): the member's own
    recruitment file, if they joined through this system."""
    candidate = Candidate.objects.filter(member=member).first()
    return [archive_part(candidate)] if candidate else []


def candidate_archive_name(candidate: Candidate) -> str:
    return f"发展党员档案-{candidate.name}.pdf"


def candidate_archive_pdf(candidate: Candidate, user, *, variant: str | None = PDFA_VARIANT) -> bytes:
    """R-RC-23: a candidate's file as one PDF — for people who are not (yet) members; a member's bundle
    (members_print:member_archive) holds the same part among the member's other records."""
    candidate = _candidate(candidate.pk)
    id_number = candidate.id_number if sees_full_id_numbers(user) else mask_id_number(candidate.id_number)
    cover = ArchiveCover(
        title="发展党员档案",
        subtitle=f"{candidate.name}　一人一档",
        header=f"{candidate.name}　发展党员档案",
        facts=[
            ("姓　　名", candidate.name),
            ("性　　别", candidate.get_gender_display()),
            ("出生日期", fmt(candidate.birth_date)),
            ("公民身份号码", id_number),
            ("所在党组织", candidate.organization.name),
            ("当前阶段", candidate.get_stage_display()),
            ("递交申请日期", fmt(candidate.applied_on)),
        ],
    )
    return render_archive(cover=cover, parts=[archive_part(candidate)], variant=variant)
