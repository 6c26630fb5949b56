"""The members' printed documents, rendered from real records (issue 7; R-MB-05, R-MB-06, R-MB-08)."""

from datetime import date

import pytest

from core.models import CenterProfile
from core.pdf import render_document
from members import documents
from tests.factories.members import (
    make_certificate,
    make_floating,
    make_meeting,
    make_named_member,
    make_transfer,
)
from tests.pdfutils import (
    has_cjk_font,
    pdf_compact_text,
    pdf_fonts,
    pdf_outline,
    pdf_page_count,
    pdf_page_texts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(db):
    profile = CenterProfile.current()
    profile.name = "青山镇党员服务转化中心"
    profile.committee_name = "中共青山镇委员会"
    profile.address = "青山镇人民路88号"
    profile.save()
    return profile


def test_introduction_letter_prints_number_member_sides_and_validity_R_MB_05(
    profile, branch_a, branch_b, clerk
):
    member = make_named_member(branch_a, "李秀英")
    transfer = make_transfer(member, branch_b, issued_on=date(2026, 5, 8), created_by=clerk)

    pdf = render_document(documents.introduction_letter(transfer))
    text = pdf_compact_text(pdf)

    assert transfer.letter_number == "党关介〔2026〕001号"
    assert text.count("党关介〔2026〕001号") >= 3  # page header, stub, letter
    assert "存根" in text
    assert "李秀英同志" in text
    assert "东村党支部转到西村党支部" in text
    assert "西村党支部：" in text  # the letter is addressed to the receiving branch
    assert "有效期30天，至2026年6月7日止" in text
    assert "2026年5月8日" in text
    assert member.id_number in text
    assert "中共青山镇委员会" in text
    assert "青山镇党员服务转化中心" in text  # page header
    assert "第1页共1页" in text
    assert pdf_page_count(pdf) == 1


def test_a_cancelled_letter_keeps_its_number_and_prints_as_void_R_MB_05(profile, branch_a, branch_b, clerk):
    from members.transfers import transfer_cancel

    transfer = make_transfer(make_named_member(branch_a, "陈作废"), branch_b, issued_on=date(2026, 5, 8),
                             created_by=clerk)  # fmt: skip
    assert "已作废" not in pdf_compact_text(render_document(documents.introduction_letter(transfer)))
    transfer_cancel(transfer=transfer, cancelled_by=clerk, reason="党员暂缓转出")

    text = pdf_compact_text(render_document(documents.introduction_letter(transfer)))

    assert "本介绍信已作废" in text
    assert text.count(transfer.letter_number) >= 3


def test_introduction_letter_masks_the_id_number_for_who_sees_it_masked_R_MB_04(branch_a, branch_b, clerk):
    member = make_named_member(branch_a, "周建国")
    transfer = make_transfer(member, branch_b, issued_on=date(2026, 5, 8), created_by=clerk)

    text = pdf_compact_text(render_document(documents.introduction_letter(transfer, full_id=False)))

    assert member.id_number not in text
    assert member.id_number[-4:] in text


def test_printed_chinese_uses_embedded_noto_cjk_fonts_not_boxes(branch_a, branch_b, clerk):
    member = make_named_member(branch_a, "赵丽")
    transfer = make_transfer(member, branch_b, issued_on=date(2026, 5, 8), created_by=clerk)

    pdf = render_document(documents.introduction_letter(transfer))
    fonts = pdf_fonts(pdf)

    assert has_cjk_font(pdf)
    assert all(f.embedded for f in fonts)
    names = " ".join(f.name for f in fonts)
    assert "Noto-Serif-CJK-SC" in names  # body text
    assert "Bold" in names  # heavier headings


def test_floating_certificate_prints_its_number_member_and_dates_R_MB_06(profile, branch_a, clerk):
    member = make_named_member(branch_a, "陈志强")
    floating = make_floating(member)
    certificate = make_certificate(floating, issued_on=date(2026, 3, 2), issued_by=clerk)

    pdf = render_document(documents.floating_certificate(certificate))
    text = pdf_compact_text(pdf)

    assert certificate.number == "流党证〔2026〕001号"
    assert "流党证〔2026〕001号" in text
    assert "流动党员活动证" in text
    assert "陈志强" in text
    assert "江苏省苏州市工业园区" in text
    assert "2026年3月2日" in text
    assert "2027年3月2日" in text  # valid for one year (R-GN-01)
    assert has_cjk_font(pdf)
    assert pdf_page_count(pdf) == 1


def test_meeting_minutes_list_the_whole_roll_with_absence_reasons_R_MB_08(branch_a, secretary_a):
    present = [make_named_member(branch_a, name) for name in ("王芳", "刘洋")]
    absentee = make_named_member(branch_a, "张伟")
    meeting = make_meeting(
        branch_a, held_on=date(2026, 4, 1), recorded_by=secretary_a, absent={absentee: "外出务工"}
    )

    pdf = render_document(documents.meeting_minutes(meeting))
    text = pdf_compact_text(pdf)

    assert "支部党员大会会议记录" in text
    assert "2026年4月1日" in text
    assert "学习贯彻党的二十届四中全会精神" in text
    assert "应到人数3人" in text
    assert "实到人数2人（缺席1人）" in text
    for member in present:
        assert member.name in text
    assert "张伟" in text and "外出务工" in text
    assert has_cjk_font(pdf)
    assert [e.title for e in pdf_outline(pdf)] == ["支部党员大会会议记录"]


def test_a_long_roll_repeats_the_table_header_on_every_page_R_MB_08(branch_a, secretary_a):
    for n in range(70):
        make_named_member(branch_a, f"党员{n:02d}号")
    meeting = make_meeting(branch_a, held_on=date(2026, 4, 1), recorded_by=secretary_a)

    pdf = render_document(documents.meeting_minutes(meeting))
    pages = pdf_page_count(pdf)

    assert pages >= 3
    page_texts = pdf_page_texts(pdf)
    roll_pages = [
        text for text in page_texts if "党员00号" in text or "党员69号" in text or "党员35号" in text
    ]
    assert len(page_texts) == pages
    for text in page_texts[1:]:  # the roll runs from page 1 or 2 to the end; each page has its header row
        assert "序号" in text and "出席情况" in text and "缺席原因" in text
    assert roll_pages
    assert f"第{pages}页共{pages}页" in "".join(page_texts[-1].split())
