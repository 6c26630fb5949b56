"""Hostile input in printed documents: HTML typed into a free-text field prints as the literal characters in
every PDF — never as markup, never double-escaped (issue 10).

Each document is fetched through its print URL, the way a user gets it (a large one through the job its
address's button queues), with ``<script>`` and ``<b>`` in a free-text field it prints and in the person's
name (which every document, page header, cover and table of contents carries).
``test_every_printed_document_is_covered`` walks the URLconf: a new PDF URL fails until it is added here.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conversion.enrolment import case_enrol
from conversion.ledger import ledger_record_task, ledger_reverse, task_assign
from conversion.models import ReviewParticipant
from conversion.review import (
    ParticipantData,
    review_conclude,
    review_record_scores,
    review_schedule,
    review_set_roster,
)
from conversion.transition import discipline_referral_record, observation_record
from core.access import Role
from members.models import Meeting, Member
from members.transfers import transfer_start
from recruitment import records, stages, votes
from recruitment.models import (
    Approval,
    Candidate,
    CandidateVote,
    PoliticalReview,
    PreReview,
    PublicNotice,
    StageChange,
    Talk,
    UpperTalk,
)
from services import desk
from services.accountability import accountability_decide, mark_overdue
from services.models import MatterKind, Sanction, Service, Violation
from tests import factories
from tests.factories import recruitment as b
from tests.factories.conversion import bring_to
from tests.factories.members import make_certificate, make_floating, make_meeting
from tests.factories.services import at, register
from tests.jobs.inline import file_of, run_started
from tests.pdfutils import pdf_compact_text

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert(1)</script><b>x</b>"
NAME = "<i>王</i>芳"  # names are at most 30 characters
SHORT = "<b>x</b>"  # for fields of 30 characters (meeting host)


def hostile(label: str) -> str:
    """The payload behind a label naming the field, so that each field is checked on its own."""
    return f"{label}{PAYLOAD}"


START_BUTTON = re.compile(r'<form method="post" action="([^"]+)"')


def _pdf_text(client, url: str) -> str:
    """The document as a user gets it: the PDF itself, or — for a large one, whose address shows the button
    that queues its job — the job's file (the job run here) from 我的任务."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response["Content-Type"].startswith("text/html"):
        action = START_BUTTON.findall(response.content.decode())[-1].replace("&amp;", "&")
        with pytest.MonkeyPatch.context() as monkeypatch:
            run = run_started(client.post(action), monkeypatch)
        assert run.output_name.endswith(".pdf"), (url, run.error)
        return pdf_compact_text(file_of(client, run))
    assert response["Content-Type"] == "application/pdf"
    return pdf_compact_text(response.content)


def _check(client, documents: dict[str, tuple[str, list[str]]]) -> dict[str, str]:
    """Each document's text must show every expected string literally and no HTML entity; returns the
    failures (empty when all print literally)."""
    failures = {}
    for name, (url, expected) in documents.items():
        text = _pdf_text(client, url)
        missing = [s for s in expected if s not in text]
        if missing:
            failures[name] = f"not printed literally: {missing}"
        elif "&lt;" in text or "&gt;" in text or "&amp;" in text:
            failures[name] = "double-escaped: an HTML entity shows in the text"
    return failures


# --- members --------------------------------------------------------------------------------------------


def members_documents(branch_a, branch_b, clerk) -> dict[str, tuple[str, list[str]]]:
    member = factories.make_member(branch_a, name=NAME)
    letter = transfer_start(
        member=member,
        direction="internal",
        to_organization=branch_b,
        issued_on=date(2026, 5, 8),
        reason=hostile("转接原因"),
        created_by=clerk,
    )
    floater = factories.make_member(branch_a, name=NAME)
    floating = make_floating(floater, destination=hostile("流入地"), current_work=hostile("工作"))
    certificate = make_certificate(floating, issued_on=date(2026, 3, 2))
    meeting = make_meeting(
        branch_a,
        held_on=date(2026, 4, 1),
        recorded_by=clerk,
        topic=hostile("主题"),
        absent={member: hostile("缺席原因")},
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        minutes=hostile("会议记录"), host=SHORT, location=hostile("地点")
    )
    from members.dues import dues_pay

    dues_pay(
        member=member,
        months=[date(2026, 3, 1)],
        paid_on=date(2026, 3, 5),
        recorded_by=clerk,
        paid_by=hostile("代交人"),
    )
    return {
        "members_print:introduction_letter": (
            reverse("members_print:introduction_letter", args=[letter.pk]),
            [NAME, hostile("转接原因")],
        ),
        "members_print:floating_certificate": (
            reverse("members_print:floating_certificate", args=[certificate.pk]),
            [NAME, hostile("流入地"), hostile("工作")],
        ),
        "members_print:meeting_minutes": (
            reverse("members_print:meeting_minutes", args=[meeting.pk]),
            [NAME, SHORT, hostile("主题"), hostile("缺席原因"), hostile("会议记录"), hostile("地点")],
        ),
        "members_print:dues_sheet": (
            reverse("members_print:dues_sheet", args=[branch_a.pk, 2026, 3]),
            [NAME, hostile("代交人")],
        ),
        "members_print:dues_statement": (
            reverse("members_print:dues_statement", args=[member.pk, 2026]),
            [NAME],
        ),
    }


def test_every_member_document_prints_html_literally(client, admin_user, branch_a, branch_b, clerk):
    client.force_login(admin_user)
    assert _check(client, members_documents(branch_a, branch_b, clerk)) == {}


def test_the_member_archive_prints_html_literally_in_every_registered_part(
    client, admin_user, branch_a, center, clerk
):
    """core/archive.py with every section of the registry: the member's record and meeting attendance
    (members), the conversion file (conversion) and the recruitment file (recruitment)."""
    member = factories.make_member(branch_a, name=NAME, work_unit=hostile("单位"), address=hostile("住址"))
    make_meeting(
        branch_a, held_on=date(2026, 2, 4), recorded_by=clerk, topic=hostile("主题"), absent={member: "病假"}
    )
    case = case_enrol(member=member, opened_on=date(2026, 3, 2), reason=hostile("纳入原因"), decided_by=clerk)
    task = task_assign(
        case=case, title="义务保洁", assigned_on=date(2026, 3, 2), due_on=date(2026, 3, 20), assigned_by=clerk
    )
    entry = ledger_record_task(task=task, completed=False, recorded_by=clerk, closed_on=date(2026, 3, 16))
    ledger_reverse(entry=entry, reason=f"误记{SHORT}", recorded_by=clerk)
    candidate = b.activist(branch_a, name=NAME)
    Talk.objects.filter(candidate=candidate).update(summary=hostile("谈话"))
    Candidate.objects.filter(pk=candidate.pk).update(member=member)
    client.force_login(admin_user)

    failures = _check(
        client,
        {
            "members_print:member_archive": (
                reverse("members_print:member_archive", args=[member.pk]),
                [NAME, f"误记{SHORT}", *map(hostile, ["单位", "住址", "主题", "纳入原因", "谈话"])],
            )
        },
    )

    assert failures == {}


# --- conversion -----------------------------------------------------------------------------------------


def conversion_documents(branch_a, center, clerk) -> dict[str, tuple[str, list[str]]]:
    member = factories.make_member(branch_a, name=NAME, village=branch_a.village)
    case = case_enrol(member=member, opened_on=date(2026, 3, 2), reason=hostile("纳入原因"), decided_by=clerk)
    task = task_assign(
        case=case,
        title=hostile("任务"),
        assigned_on=date(2026, 3, 2),
        due_on=date(2026, 3, 20),
        assigned_by=clerk,
    )
    wrong = ledger_record_task(task=task, completed=False, recorded_by=clerk, closed_on=date(2026, 3, 16))
    ledger_reverse(entry=wrong, reason=f"误记{SHORT}", recorded_by=clerk)  # a narrow column: keep it short
    case = bring_to(case, Decimal("15"), by=clerk)
    review = review_schedule(case=case, scheduled_on=date(2026, 6, 1), scheduled_by=clerk)
    category = ReviewParticipant.Category
    people = review_set_roster(
        review=review,
        participants=[
            ParticipantData(f"{SHORT}周文", category.CENTER_STAFF, "青山镇"),
            ParticipantData("郑代表", category.PEOPLES_DEPUTY, SHORT),
        ],
        recorded_by=clerk,
    )
    review_record_scores(review=review, scores={p.pk: Decimal("90") for p in people}, recorded_by=clerk)
    review_conclude(
        review=review, concluded_on=date(2026, 6, 2), concluded_by=clerk, note=hostile("评议说明")
    )
    case.refresh_from_db()
    bad = observation_record(
        case=case, observed_on=date(2026, 8, 15), note=hostile("跟踪"), misconduct=True, recorded_by=clerk
    )
    discipline_referral_record(
        case=case, referred_on=date(2026, 8, 20), matter=hostile("移交"), observation=bad, recorded_by=clerk
    )

    def url(name, *extra):
        return reverse(f"conversion_print:{name}", args=[case.pk, *extra])

    return {
        "conversion_print:enrolment_decision": (url("enrolment_decision"), [NAME, hostile("纳入原因")]),
        "conversion_print:ledger_statement": (
            url("ledger_statement"),
            [NAME, hostile("任务"), f"误记{SHORT}"],
        ),
        "conversion_print:review_sheet": (url("review_sheet", review.pk), [NAME, f"{SHORT}周文", SHORT]),
        "conversion_print:review_result": (url("review_result", review.pk), [NAME, hostile("评议说明")]),
        "conversion_print:return_letter": (url("return_letter"), [NAME]),
        "conversion_print:transition_record": (
            url("transition_record"),
            [NAME, hostile("跟踪"), hostile("移交")],
        ),
    }


def test_every_conversion_document_prints_html_literally(client, clerk, branch_a, center):
    documents = conversion_documents(branch_a, center, clerk)
    client.force_login(clerk)
    assert _check(client, documents) == {}


# --- recruitment ----------------------------------------------------------------------------------------


def recruitment_documents(branch_a, town, clerk) -> dict[str, tuple[str, list[str]]]:
    c = b.target(branch_a, name=NAME)
    b.pre_meeting_file(c, meeting_on=date(2025, 6, 27))
    full = list(Member.objects.filter(organization=branch_a, status=Member.Status.FULL))
    meeting = votes.meeting_create(
        organization=branch_a, held_on=date(2025, 6, 27), present=full, host=SHORT, recorded_by=clerk
    )
    vote = votes.vote_record(
        meeting=meeting, candidate=c, proposal="admit", yes=len(full), no=0, abstain=0, recorded_by=clerk
    )
    b.add(UpperTalk(candidate=c, talked_on=date(2025, 7, 1), talker="镇党委组织委员"))
    records.approval_record(
        vote=vote, organization=town, decided_on=date(2025, 7, 10), approved=True, recorded_by=clerk
    )
    stages.transition(
        candidate=c, action="admit", decided_on=date(2025, 7, 10), decided_by="镇党委", recorded_by=clerk
    )
    # Free text the pages let a clerk type, stored as typed (the operations above wrote plain text).
    Talk.objects.filter(candidate=c).update(summary=hostile("谈话情况"), talker=hostile("谈话人"))
    StageChange.objects.filter(candidate=c).update(note=hostile("说明"), decided_by=hostile("决定机关"))
    PoliticalReview.objects.filter(candidate=c).update(conclusion=hostile("审查结论"))
    PublicNotice.objects.filter(candidate=c).update(
        objections=hostile("反映"), objections_resolved_on=date(2025, 6, 20), resolution=hostile("处理")
    )
    Approval.objects.filter(vote=vote).update(late_reason=hostile("延长"))
    filing = c.stage_changes.filter(action="make_target").get()

    def url(name, pk):
        return reverse(f"recruitment_print:{name}", args=[pk])

    return {
        "recruitment_print:talk_record": (
            url("talk_record", c.talks.get().pk),
            [NAME, hostile("谈话情况"), hostile("谈话人")],
        ),
        "recruitment_print:filing_report": (
            url("filing_report", filing.pk),
            [NAME, hostile("说明"), hostile("决定机关")],
        ),
        "recruitment_print:political_review": (
            url("political_review", PoliticalReview.objects.get(candidate=c).pk),
            [NAME, hostile("审查结论")],
        ),
        "recruitment_print:public_notice": (
            url("public_notice", PublicNotice.objects.get(candidate=c).pk),
            [NAME, hostile("反映"), hostile("处理")],
        ),
        "recruitment_print:pre_review": (url("pre_review", PreReview.objects.get(candidate=c).pk), [NAME]),
        "recruitment_print:branch_resolution": (
            url("branch_resolution", CandidateVote.objects.get(pk=vote.pk).pk),
            [NAME, SHORT],
        ),
        "recruitment_print:approval_opinion": (url("approval_opinion", vote.approval.pk), [NAME]),
        "recruitment_print:archive_checklist": (url("archive_checklist", c.pk), [NAME]),
        "recruitment_print:candidate_archive": (
            url("candidate_archive", c.pk),
            [NAME, SHORT, *map(hostile, ["谈话情况", "谈话人", "说明", "审查结论", "反映", "处理"])],
        ),
    }


def test_every_recruitment_document_prints_html_literally(client, clerk, branch_a, town):
    documents = recruitment_documents(branch_a, town, clerk)
    client.force_login(clerk)
    assert _check(client, documents) == {}


# --- services -------------------------------------------------------------------------------------------


def services_documents(clerk, admin_user) -> dict[str, tuple[str, list[str]]]:
    service = Service.objects.create(name=f"证明{SHORT}", materials=["身份证复印件"], window="一号窗口")
    accepted = register(
        clerk, service=service, when=at(2026, 11, 2), applicant_name=NAME, request=hostile("诉求")[:30]
    )
    supplement = register(clerk, service=service, when=at(2026, 11, 2), applicant_name=NAME)
    desk.matter_request_supplement(
        matter=supplement, items=[hostile("补充")], by=clerk, at=at(2026, 11, 2, 11)
    )
    returned = register(clerk, when=at(2026, 11, 2), accept=False, applicant_name=NAME)
    desk.matter_return(matter=returned, reason=hostile("退回理由"), by=clerk, at=at(2026, 11, 3))
    petition = register(
        clerk,
        kind=MatterKind.PETITION,
        when=at(2026, 9, 28),
        applicant_name=NAME,
        applicant_address=hostile("地址"),
        request=hostile("信访诉求"),
        proposed_handling=hostile("拟办"),
    )
    desk.matter_complete(matter=petition, result=hostile("结果"), by=clerk, at=at(2026, 10, 9, 16))
    public = register(clerk, service=service, when=at(2026, 11, 2), applicant_name=NAME)
    desk.matter_complete(
        matter=public,
        result="已出具证明",
        by=clerk,
        is_public=True,
        public_result=hostile("公告"),
        at=at(2026, 11, 5),
    )
    overdue = register(clerk, when=at(2026, 8, 3), applicant_name=NAME)
    mark_overdue(now=at(2026, 12, 1))
    overdue.refresh_from_db()
    case = overdue.accountability_case
    accountability_decide(
        case=case,
        violation=Violation.FIRST_CONTACT,
        sanctions=[Sanction.SELF_CRITICISM],
        findings=hostile("调查情况"),
        decided_by=admin_user,
    )

    def url(name, pk):
        return reverse(f"services_print:{name}", args=[pk])

    return {
        # The notice shortens the request to 40 characters: the first 30 are the label and the payload.
        "services_print:acceptance_notice": (
            url("acceptance_notice", accepted.pk),
            [NAME, SHORT, "诉求<script>"],
        ),
        "services_print:supplement_notice": (
            url("supplement_notice", supplement.pk),
            [NAME, hostile("补充")],
        ),
        "services_print:return_notice": (url("return_notice", returned.pk), [NAME, hostile("退回理由")]),
        "services_print:petition_reply": (
            url("petition_reply", petition.pk),
            [NAME, *map(hostile, ["地址", "信访诉求", "拟办", "结果"])],
        ),
        # The board shows the surname only (R-SV-14): the public result is the free text here.
        "services_print:completion_notice": (url("completion_notice", public.pk), [hostile("公告"), SHORT]),
        "services_print:accountability_decision": (
            url("accountability_decision", case.pk),
            [hostile("调查情况")],
        ),
    }


def test_every_service_desk_document_prints_html_literally(client, clerk, admin_user):
    documents = services_documents(clerk, admin_user)
    client.force_login(clerk)
    assert _check(client, documents) == {}


# --- reports --------------------------------------------------------------------------------------------


def test_the_quarterly_analysis_prints_a_branch_name_with_html_literally_R_MB_10(client, town):
    branch = factories.make_branch(f"{SHORT}村党支部", short_name=f"{SHORT}村")
    factories.make_member(branch, name=NAME)
    client.force_login(factories.make_user(Role.SECRETARY, organization=branch))

    failures = _check(
        client, {"reports:analysis_pdf": (reverse("reports:analysis_pdf") + "?year=2026&part=q1", [SHORT])}
    )

    assert failures == {}


# --- every PDF URL is covered ---------------------------------------------------------------------------

COVERED = {
    "members_print:introduction_letter",
    "members_print:floating_certificate",
    "members_print:meeting_minutes",
    "members_print:dues_sheet",
    "members_print:dues_statement",
    "members_print:member_archive",  # test_the_member_archive_prints_html_literally_in_every_registered_part
    "conversion_print:enrolment_decision",
    "conversion_print:ledger_statement",
    "conversion_print:review_sheet",
    "conversion_print:review_result",
    "conversion_print:return_letter",
    "conversion_print:transition_record",
    "recruitment_print:talk_record",
    "recruitment_print:filing_report",
    "recruitment_print:political_review",
    "recruitment_print:public_notice",
    "recruitment_print:pre_review",
    "recruitment_print:branch_resolution",
    "recruitment_print:approval_opinion",
    "recruitment_print:archive_checklist",
    "recruitment_print:candidate_archive",
    "services_print:acceptance_notice",
    "services_print:supplement_notice",
    "services_print:return_notice",
    "services_print:petition_reply",
    "services_print:completion_notice",
    "services_print:accountability_decision",
    "reports:analysis_pdf",
}


def pdf_url_names(resolver=None, namespace: str = "") -> set[str]:
    """Every named URL of the project whose route ends in ``.pdf``."""
    found = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace
            found |= pdf_url_names(entry, inner or namespace)
        elif isinstance(entry, URLPattern) and entry.name and str(entry.pattern).endswith(".pdf"):
            found.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return found


def test_every_printed_document_is_covered():
    assert pdf_url_names() == COVERED


def test_the_document_builders_cover_every_url_they_are_counted_for(
    branch_a, branch_b, center, clerk, admin_user, town
):
    built = {
        *members_documents(branch_a, branch_b, clerk),
        *conversion_documents(branch_a, center, clerk),
        *recruitment_documents(branch_a, town, clerk),
        *services_documents(clerk, admin_user),
        "members_print:member_archive",
        "reports:analysis_pdf",
    }
    assert built == COVERED
