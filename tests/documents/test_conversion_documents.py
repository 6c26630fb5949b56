"""Conversion management's printed documents, rendered from real records (issue 7; R-CV-01 … R-CV-11)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from conversion import documents
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
from core.archive import member_archive_parts
from core.models import CenterProfile, NumberSequence
from core.numbering import CENTER_DOCUMENT_SERIES
from core.pdf import render_document
from members.documents import member_archive_pdf
from recruitment.models import Talk
from tests import factories
from tests.factories import recruitment as b
from tests.factories.conversion import bring_to
from tests.pdfutils import has_cjk_font, pdf_compact_text, pdf_outline, pdf_page_count

pytestmark = pytest.mark.django_db

OPENED = date(2026, 3, 2)
REVIEW_DAY = date(2026, 6, 1)
C = ReviewParticipant.Category


@pytest.fixture
def profile(db):
    profile = CenterProfile.current()
    profile.name = "青山镇党员服务转化中心"
    profile.committee_name = "中共青山镇委员会"
    profile.address = "青山镇人民路88号"
    profile.save()
    # Numbers start afresh in this test's transaction, whatever a reused test database has committed.
    NumberSequence.objects.filter(series=CENTER_DOCUMENT_SERIES).delete()
    return profile


def _enrol(branch, clerk, name: str, reason: str = "长期不参加组织生活，经教育仍不改正"):
    member = factories.make_member(branch, name=name, village=branch.village)
    return case_enrol(member=member, opened_on=OPENED, reason=reason, decided_by=clerk)


def _task(case, title: str, *, completed: bool, by):
    task = task_assign(case=case, title=title, assigned_on=OPENED, due_on=date(2026, 3, 20), assigned_by=by)
    return ledger_record_task(task=task, completed=completed, recorded_by=by, closed_on=date(2026, 3, 16))


@pytest.fixture
def ledger_case(profile, center, branch_a, clerk):
    """5 + 0.5 (done) − 0.5 (not done) + 0.5 (the −0.5 reversed) = 5.5."""
    case = _enrol(branch_a, clerk, "钱国华")
    _task(case, "参加村道义务保洁", completed=True, by=clerk)
    wrong = _task(case, "提交思想汇报", completed=False, by=clerk)
    ledger_reverse(entry=wrong, reason="思想汇报已按时提交，误记", recorded_by=clerk)
    case.refresh_from_db()
    return case


@pytest.fixture
def returned_case(profile, center, branch_a, clerk):
    """Reached 15, reviewed by 4 people (2 of them from the member's own village), passed, returned,
    followed up, and one misconduct referred (R-CV-07 … R-CV-11)."""
    case = bring_to(_enrol(branch_a, clerk, "孔德明"), Decimal("15"), by=clerk)
    review = review_schedule(case=case, scheduled_on=REVIEW_DAY, scheduled_by=clerk)
    people = review_set_roster(
        review=review,
        participants=[
            ParticipantData("周文", C.CENTER_STAFF, "青山镇"),
            ParticipantData("吴村长", C.VILLAGE_CADRE, "东村"),
            ParticipantData("郑代表", C.PEOPLES_DEPUTY, "西村"),
            ParticipantData("王大伯", C.VILLAGER_REPRESENTATIVE, "东村"),
        ],
        recorded_by=clerk,
    )
    scores = [Decimal("85"), Decimal("90"), Decimal("78.5"), Decimal("88")]  # mean 85.375 → 85.37
    review_record_scores(
        review=review, scores={p.pk: s for p, s in zip(people, scores, strict=True)}, recorded_by=clerk
    )
    review_conclude(review=review, concluded_on=date(2026, 6, 2), concluded_by=clerk)
    case.refresh_from_db()
    observation_record(
        case=case,
        observed_on=date(2026, 7, 1),
        note="按时参加支部主题党日",
        misconduct=False,
        recorded_by=clerk,
    )
    bad = observation_record(
        case=case, observed_on=date(2026, 8, 15), note="酒后寻衅滋事", misconduct=True, recorded_by=clerk
    )
    discipline_referral_record(
        case=case,
        referred_on=date(2026, 8, 20),
        matter="过渡期内酒后寻衅滋事",
        observation=bad,
        recorded_by=clerk,
    )
    case.refresh_from_db()
    return case


def test_enrolment_decision_names_member_branches_letter_and_date_R_CV_01(ledger_case):
    pdf = render_document(documents.enrolment_decision(ledger_case))
    text = pdf_compact_text(pdf)

    assert "关于将党员纳入转化管理的决定" in text
    assert "党服转〔2026〕001号" in text
    assert "钱国华同志" in text
    assert "东村党支部" in text and "党员服务转化中心党支部" in text
    assert ledger_case.enrolment_transfer.letter_number in text
    assert "2026年3月2日" in text
    assert "长期不参加组织生活" in text
    assert "基础分5.0分" in text  # R-CV-02
    assert "中共青山镇委员会" in text and "青山镇人民路88号" in text
    assert has_cjk_font(pdf)
    assert pdf_page_count(pdf) == 1


def test_case_file_number_is_drawn_at_enrolment_and_stored_R_CV_01(ledger_case, branch_b, clerk):
    second = _enrol(branch_b, clerk, "许平")

    assert ledger_case.file_number == "党服转〔2026〕001号"
    assert second.file_number == "党服转〔2026〕002号"
    assert documents.case_file_number(second) == second.file_number
    # Stored, not recomputed: a later change of prefix does not renumber a case already on paper.
    CenterProfile.objects.filter(pk=CenterProfile.current().pk).update(document_prefix="新前缀")
    assert documents.enrolment_decision(ledger_case.pk).number == "党服转〔2026〕001号"


def test_recruitment_record_and_conversion_case_of_one_year_never_share_a_number_R_CV_01_R_RC_23(
    profile, center, branch_a, branch_b, clerk
):
    applicant = b.candidate(branch_b, name="林晓雨", applied_on=date(2026, 1, 5))
    talk = b.add(Talk(candidate=applicant, talked_on=date(2026, 1, 10), talker="支部书记"))
    case = _enrol(branch_a, clerk, "钱国华")  # opened 2026-03-02, after the talk
    later_talk = b.add(Talk(candidate=applicant, talked_on=date(2026, 3, 20), talker="支部书记"))

    numbers = [talk.document_number, case.file_number, later_talk.document_number]
    assert numbers == ["党服转〔2026〕001号", "党服转〔2026〕002号", "党服转〔2026〕003号"]
    assert documents.enrolment_decision(case).number == "党服转〔2026〕002号"


def test_ledger_statement_lists_every_entry_with_the_running_balance_R_CV_05(ledger_case, clerk):
    pdf = render_document(documents.ledger_statement(ledger_case, printed_by=clerk))
    text = pdf_compact_text(pdf)
    lines = documents.statement_lines(ledger_case)

    assert [str(line.running) for line in lines] == ["5.5", "5.0", "5.5"]
    assert [line.entry.balance_after for line in lines] == [line.running for line in lines]
    assert "转化党员积分台账" in text and "钱国华" in text
    assert "参加村道义务保洁" in text and "+0.5" in text
    assert "提交思想汇报" in text and "-0.5" in text
    assert "思想汇报已按时提交，误记（冲正第2笔）" in text
    assert "共3笔" in text and "积分余额5.5分" in text
    assert "记账人（签字）" in text  # the clerk signs the statement
    assert has_cjk_font(pdf)


def test_review_sheet_shows_categories_villages_own_share_scores_and_mean_R_CV_08_R_CV_09(returned_case):
    review = returned_case.reviews.get()
    pdf = render_document(documents.review_sheet(returned_case, review))
    text = pdf_compact_text(pdf)

    assert "民主评议参加人员名单及评分表" in text and "孔德明" in text
    for name in ("周文", "吴村长", "郑代表", "王大伯"):
        assert name in text
    assert "中心工作人员" in text and "所在村两委干部" in text and "人大代表" in text and "村民代表" in text
    assert "78.50" in text and "90.00" in text
    assert "所在村（东村）2人，占50.0%（不得超过50%）" in text  # exactly half is allowed
    assert "总分341.50分" in text
    assert "平均分85.37分" in text  # 85.375 rounded down
    assert "2026年6月1日" in text
    assert has_cjk_font(pdf)


def test_review_result_notice_says_passed_and_the_return_R_CV_09_R_CV_10(returned_case):
    review = returned_case.reviews.get()
    text = pdf_compact_text(render_document(documents.review_result_notice(returned_case, review)))

    assert "民主评议结果通知书" in text and "孔德明同志" in text
    assert "参加评议4人" in text and "平均分85.37分（合格分80分）" in text
    assert "评议结果：合格" in text
    assert "转回东村党支部" in text
    assert "2026年6月2日" in text


def test_review_result_notice_of_a_failed_review_keeps_the_member_in_conversion_R_CV_10(
    profile, center, branch_a, clerk
):
    case = bring_to(_enrol(branch_a, clerk, "冯力"), Decimal("15"), by=clerk)
    review = review_schedule(case=case, scheduled_on=REVIEW_DAY, scheduled_by=clerk)
    (person,) = review_set_roster(
        review=review, participants=[ParticipantData("周文", C.CENTER_STAFF, "西村")], recorded_by=clerk
    )
    review_record_scores(review=review, scores={person.pk: Decimal("79.99")}, recorded_by=clerk)
    review_conclude(review=review, concluded_on=REVIEW_DAY, concluded_by=clerk)

    text = pdf_compact_text(render_document(documents.review_result_notice(case, review)))

    assert "平均分79.99分" in text and "评议结果：不合格" in text and "继续接受转化管理" in text


def test_return_letter_is_addressed_to_the_original_branch_with_the_transition_period_R_CV_10_R_CV_11(
    returned_case,
):
    pdf = render_document(documents.return_letter(returned_case))
    text = pdf_compact_text(pdf)

    assert "东村党支部：" in text
    assert "孔德明同志" in text
    assert returned_case.return_transfer.letter_number in text
    assert "自2026年6月2日起将该同志的组织关系转回你支部" in text
    assert "2026年6月2日至2026年12月2日，为过渡期" in text
    assert "平均分85.37分" in text
    assert pdf_page_count(pdf) == 1


def test_transition_record_lists_observations_and_the_referral_R_CV_11(returned_case):
    text = pdf_compact_text(render_document(documents.transition_record(returned_case)))

    assert "转化党员过渡期跟踪考察记录" in text
    assert "2026年7月1日" in text and "按时参加支部主题党日" in text
    assert "2026年8月15日" in text and "酒后寻衅滋事" in text
    assert "2026年8月20日，移交镇组织办、镇纪委：过渡期内酒后寻衅滋事" in text
    assert "过渡期至2026年12月2日" in text


def test_html_in_a_reason_prints_literally_not_as_markup(profile, center, branch_a, clerk):
    case = _enrol(branch_a, clerk, "蒋涛", reason="<b>x</b> & 其他")

    text = pdf_compact_text(render_document(documents.enrolment_decision(case)))

    assert "纳入原因：<b>x</b>&其他" in text


def test_member_archive_puts_the_conversion_file_in_order_R_CV_01_R_CV_11(returned_case, admin_user):
    pdf = member_archive_pdf(returned_case.member, admin_user)
    outline = pdf_outline(pdf)

    parts = [e.title for e in outline if e.level == 1]
    assert "转化管理材料" in parts
    start = [e.title for e in outline].index("转化管理材料")
    following = [e.title for e in outline[start + 1 :] if e.level == 2]
    assert following == [
        "关于将党员纳入转化管理的决定",
        "转化党员积分台账",
        "民主评议参加人员名单及评分表",
        "民主评议结果通知书",
        "关于转化党员组织关系转回原支部的函",
        "转化党员过渡期跟踪考察记录",
    ]
    assert has_cjk_font(pdf)


def test_a_branch_secretarys_member_file_leaves_the_conversion_part_out(returned_case, secretary_a):
    # The member is back in branch A, whose secretary may print the member's file — but not conversion.
    parts = [p.title for p in member_archive_parts(returned_case.member, secretary_a)]

    assert "党员基本情况" in parts
    assert "转化管理材料" not in parts


# --- print URLs ------------------------------------------------------------------------------------------


def _urls(case):
    review = case.reviews.get()
    return [
        reverse("conversion_print:enrolment_decision", args=[case.pk]),
        reverse("conversion_print:ledger_statement", args=[case.pk]),
        reverse("conversion_print:review_sheet", args=[case.pk, review.pk]),
        reverse("conversion_print:review_result", args=[case.pk, review.pk]),
        reverse("conversion_print:return_letter", args=[case.pk]),
        reverse("conversion_print:transition_record", args=[case.pk]),
    ]


@pytest.mark.parametrize("persona", ["admin_user", "clerk", "auditor"])
def test_committee_clerks_and_auditors_print_every_conversion_document(
    client, request, returned_case, persona
):
    client.force_login(request.getfixturevalue(persona))

    for url in _urls(returned_case):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf"
        assert "孔德明" in pdf_compact_text(response.content)


@pytest.mark.parametrize("persona", ["secretary_a", "secretary_b"])
def test_branch_secretaries_cannot_print_conversion_documents(client, request, returned_case, persona):
    client.force_login(request.getfixturevalue(persona))

    for url in _urls(returned_case):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitor_is_sent_to_login_for_a_conversion_document(client, ledger_case):
    response = client.get(reverse("conversion_print:ledger_statement", args=[ledger_case.pk]))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_documents_a_case_does_not_have_yet_are_404(client, clerk, ledger_case, returned_case):
    client.force_login(clerk)
    other_review = returned_case.reviews.get()

    assert client.get(reverse("conversion_print:return_letter", args=[ledger_case.pk])).status_code == 404
    assert client.get(reverse("conversion_print:transition_record", args=[ledger_case.pk])).status_code == 404
    assert (
        client.get(
            reverse("conversion_print:review_sheet", args=[ledger_case.pk, other_review.pk])
        ).status_code
        == 404
    )


def test_case_page_offers_the_print_buttons_of_what_exists(client, clerk, ledger_case, returned_case):
    client.force_login(clerk)

    active = client.get(reverse("conversion:case_detail", args=[ledger_case.pk])).content.decode()
    returned = client.get(reverse("conversion:case_detail", args=[returned_case.pk])).content.decode()

    assert reverse("conversion_print:ledger_statement", args=[ledger_case.pk]) in active
    assert "打印转回函" not in active
    assert reverse("conversion_print:return_letter", args=[returned_case.pk]) in returned
    assert "打印评议名单及评分表（2026-06-01）" in returned
