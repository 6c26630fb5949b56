"""The service desk's printed documents, rendered from real matters (issue 7; R-SV-04 … R-SV-14)."""

from datetime import date

import pytest
from django.urls import reverse

from core.calendar_loading import load_calendar_year
from core.models import CenterProfile
from core.pdf import render_document
from services import desk, documents
from services.accountability import accountability_decide, mark_overdue
from services.models import MatterKind, Sanction, Service, Violation
from tests.factories.services import at, register
from tests.pdfutils import has_cjk_font, pdf_compact_text, pdf_page_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(db):
    profile = CenterProfile.current()
    profile.name = "青山镇党员服务转化中心"
    profile.address = "青山镇人民路88号"
    profile.phone = "0512-12345678"
    profile.save()
    return profile


@pytest.fixture
def service(db):
    return Service.objects.create(
        name="党员组织关系转接", materials=["介绍信", "党员证明材料", "身份证复印件"], window="一号窗口"
    )


def test_acceptance_notice_prints_the_deadline_day_and_24_00_R_SV_04_R_GN_03(profile, clerk, service):
    # Accepted Monday 28 September 2026; National Day and the make-up Saturday: the 10th day is 16 October.
    matter = register(clerk, service=service, when=at(2026, 9, 28, 15), applicant_name="王建国")

    pdf = render_document(documents.acceptance_notice(matter))
    text = pdf_compact_text(pdf)

    assert "受理通知书" in text
    assert text.count(matter.receipt_number) >= 2  # page header and the notice
    assert matter.receipt_number == "便民〔2026〕001号"
    assert "王建国：" in text
    assert "党员组织关系转接" in text
    assert "2026年9月28日15:00" in text
    assert "10个工作日" in text
    assert "2026年10月16日24:00前" in text
    assert "暂定" not in text
    assert "青山镇党员服务转化中心" in text and "青山镇人民路88号" in text and "0512-12345678" in text
    assert has_cjk_font(pdf)
    assert pdf_page_count(pdf) == 1


def test_acceptance_notice_marks_a_deadline_into_unloaded_2027_as_provisional_R_SV_07(profile, clerk):
    matter = register(clerk, when=at(2026, 12, 24))
    assert matter.deadline_provisional

    text = pdf_compact_text(render_document(documents.acceptance_notice(matter)))

    assert "2027年1月7日24:00前（暂定）" in text
    assert "2027年法定节假日安排尚未公布" in text
    assert "「暂定」" in text


def test_acceptance_notice_loses_the_provisional_mark_once_2027_is_loaded_R_SV_07(profile, clerk):
    matter = register(clerk, when=at(2026, 12, 24))
    load_calendar_year(
        2027,
        holidays={date(2027, 1, 1): "元旦", date(2027, 1, 2): "元旦", date(2027, 1, 3): "元旦"},
        workdays={},
        source="测试：国务院办公厅通知",
    )
    matter.refresh_from_db()

    text = pdf_compact_text(render_document(documents.acceptance_notice(matter)))

    assert "2027年1月8日24:00前" in text
    assert "暂定" not in text


def test_acceptance_notice_of_an_immediate_matter_gives_the_minute_R_SV_03(profile, clerk):
    matter = register(clerk, kind=MatterKind.IMMEDIATE, when=at(2026, 11, 2, 9, 0))

    text = pdf_compact_text(render_document(documents.acceptance_notice(matter)))

    assert "受理后30分钟内办结" in text
    assert "2026年11月2日09:30前" in text


def test_supplement_notice_lists_every_missing_material_once_R_SV_08(profile, clerk, service):
    matter = register(clerk, service=service, when=at(2026, 11, 2))
    items = ["原支部开具的介绍信", "党员证明材料", "身份证复印件（正反面）"]
    desk.matter_request_supplement(matter=matter, items=items, by=clerk, at=at(2026, 11, 2, 11))

    pdf = render_document(documents.supplement_notice(matter))
    text = pdf_compact_text(pdf)

    assert "一次性告知书" in text and matter.receipt_number in text
    for item in items:
        assert item in text
    assert "以上共3项" in text
    assert "2026年11月2日" in text
    assert has_cjk_font(pdf)


def test_return_notice_prints_the_reason_with_html_escaped_R_SV_09(profile, clerk):
    matter = register(clerk, when=at(2026, 11, 2), accept=False, applicant_name="李梅")
    desk.matter_return(matter=matter, reason="<b>x</b> 缺少主要材料", by=clerk, at=at(2026, 11, 3))

    pdf = render_document(documents.return_notice(matter))
    text = pdf_compact_text(pdf)

    assert "退回通知书" in text and matter.receipt_number in text and "李梅：" in text
    assert "退回理由：<b>x</b>缺少主要材料" in text
    assert "2026年11月3日" in text


def test_petition_reply_slip_carries_the_registration_and_the_result_R_SV_06(profile, clerk):
    matter = register(
        clerk,
        kind=MatterKind.PETITION,
        when=at(2026, 9, 28),
        applicant_name="赵大山",
        applicant_address="西村3组",
        request="反映村道路灯损坏",
        proposed_handling="转镇城建办核查",
    )
    desk.matter_complete(matter=matter, result="路灯已于10月9日修复", by=clerk, at=at(2026, 10, 9, 16))

    pdf = render_document(documents.petition_reply(matter))
    text = pdf_compact_text(pdf)

    assert "信访事项答复单" in text and matter.receipt_number in text
    assert "赵大山" in text and "西村3组" in text and "13812345678" in text
    assert "反映村道路灯损坏" in text and "转镇城建办核查" in text
    assert "路灯已于10月9日修复" in text
    assert "2026年9月28日" in text and "2026年10月9日" in text
    assert "回执" in text


def test_completion_notice_shows_the_surname_only_R_SV_14(profile, clerk, service):
    matter = register(clerk, service=service, when=at(2026, 11, 2), applicant_name="王建国")
    desk.matter_complete(
        matter=matter,
        result="已出具证明",
        by=clerk,
        is_public=True,
        public_result="已办结，证明已出具",
        at=at(2026, 11, 5),
    )

    text = pdf_compact_text(render_document(documents.completion_notice(matter)))

    assert "办结公告" in text and matter.receipt_number in text
    assert "王**" in text and "王建国" not in text
    assert "已办结，证明已出具" in text
    assert "2026年11月5日" in text


def test_accountability_decision_names_violation_and_sanctions_R_SV_11(profile, clerk, admin_user):
    matter = register(clerk, when=at(2026, 11, 2))
    (marked,) = mark_overdue(now=at(2026, 12, 1))
    case = matter.accountability_case
    accountability_decide(
        case=case,
        violation=Violation.FIRST_CONTACT,
        sanctions=[Sanction.CRITICISM_NOTICE, Sanction.SELF_CRITICISM],
        findings="未按期办结，未说明理由",
        decided_by=admin_user,
    )

    pdf = render_document(documents.accountability_decision(case))
    text = pdf_compact_text(pdf)

    assert marked.receipt_number == matter.receipt_number
    assert "责任追究决定书" in text and matter.receipt_number in text
    assert "首问责任不落实" in text
    assert "1.责令作出书面检查" in text and "2.通报批评" in text  # the ladder's order
    assert "未按期办结，未说明理由" in text
    assert "2026年11月16日24:00" in text  # the deadline that was missed
    assert has_cjk_font(pdf)


# --- print URLs ------------------------------------------------------------------------------------------


@pytest.fixture
def returned_matter(clerk):
    matter = register(clerk, when=at(2026, 11, 2), accept=False)
    return desk.matter_return(matter=matter, reason="不属于本中心受理范围", by=clerk, at=at(2026, 11, 3))


@pytest.mark.parametrize("persona", ["admin_user", "clerk", "auditor"])
def test_desk_roles_print_a_matters_documents(client, request, clerk, persona):
    matter = register(clerk, when=at(2026, 11, 2))
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("services_print:acceptance_notice", args=[matter.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert matter.receipt_number in pdf_compact_text(response.content)


@pytest.mark.parametrize("persona", ["secretary_a", "secretary_b"])
def test_branch_secretaries_cannot_print_desk_documents(client, request, returned_matter, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("services_print:return_notice", args=[returned_matter.pk]))

    assert response.status_code == 403


def test_anonymous_visitor_is_sent_to_login_for_a_desk_document(client, returned_matter):
    response = client.get(reverse("services_print:return_notice", args=[returned_matter.pk]))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_document_the_matter_does_not_have_is_404(client, clerk, returned_matter):
    client.force_login(clerk)

    for name in ("acceptance_notice", "supplement_notice", "petition_reply", "completion_notice"):
        assert client.get(reverse(f"services_print:{name}", args=[returned_matter.pk])).status_code == 404
    assert client.get(reverse("services_print:return_notice", args=[returned_matter.pk])).status_code == 200


def test_undecided_accountability_case_has_no_decision_to_print(client, clerk, auditor):
    matter = register(clerk, when=at(2026, 11, 2))
    mark_overdue(now=at(2026, 12, 1))
    client.force_login(auditor)

    url = reverse("services_print:accountability_decision", args=[matter.accountability_case.pk])

    assert client.get(url).status_code == 404


def test_matter_page_offers_the_print_buttons_of_what_exists(client, clerk, returned_matter):
    accepted = register(clerk, when=at(2026, 11, 2), applicant_name="孙丽")
    client.force_login(clerk)

    returned_page = client.get(reverse("services:matter", args=[returned_matter.pk])).content.decode()
    accepted_page = client.get(reverse("services:matter", args=[accepted.pk])).content.decode()

    assert reverse("services_print:return_notice", args=[returned_matter.pk]) in returned_page
    assert "打印受理通知书" not in returned_page
    assert reverse("services_print:acceptance_notice", args=[accepted.pk]) in accepted_page
    assert "打印退回通知书" not in accepted_page


def test_the_notices_carry_a_qr_code_that_opens_the_lookup_with_the_number_filled_in(profile, clerk, service):
    """Issue 18: the acceptance, supplement and return notices; the code is made locally (segno) and read back
    from the PDF module for module."""
    from core.qr import QR_BORDER, QR_SCALE, qr_code
    from services.lookup import lookup_url
    from tests.pdfutils import pdf_images, qr_modules

    matter = register(clerk, service=service, when=at(2026, 9, 28, 15))
    accepted = render_document(documents.acceptance_notice(matter))
    desk.matter_request_supplement(matter=matter, items=["身份证复印件"], by=clerk)
    supplement = render_document(documents.supplement_notice(matter))
    returned_matter = register(clerk, when=at(2026, 9, 29, 9), accept=False)
    desk.matter_return(matter=returned_matter, reason="不属于本中心受理范围", by=clerk)
    returned = render_document(documents.return_notice(returned_matter))
    for pdf, owner in ((accepted, matter), (supplement, matter), (returned, returned_matter)):
        number = owner.receipt_number
        text = pdf_compact_text(pdf)
        assert "扫描二维码查询办理进度" in text
        assert "/services/lookup/" in text and f"输入受理编号{number}查询" in text
        images = pdf_images(pdf)
        assert len(images) == 1
        wanted = [[bool(m) for m in row] for row in qr_code(lookup_url(owner)).matrix]
        assert qr_modules(images[0], scale=QR_SCALE, border=QR_BORDER) == wanted
        assert wanted != qr_modules(images[0], scale=QR_SCALE, border=QR_BORDER + 1)  # the reading can fail
    assert pdf_page_count(accepted) == 1
