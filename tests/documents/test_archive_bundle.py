"""The one-person-one-file archive bundle (R-RC-23): cover, contents with page numbers, outline, plug-in parts."""

from datetime import date

import pytest

from core import registry
from core.archive import ORDER_RECRUITMENT, ArchivePart
from core.pdf import Document
from members.documents import member_archive_pdf
from tests.factories.members import (
    make_certificate,
    make_floating,
    make_meeting,
    make_named_member,
    make_transfer,
)
from tests.pdfutils import (
    body_start,
    has_cjk_font,
    pdf_metadata,
    pdf_outline,
    pdf_page_texts,
    toc_entries,
)

pytestmark = pytest.mark.django_db


def _recruitment_like_part(member, user):
    """Stands in for the recruitment app's provider: how a later app plugs its documents in."""
    steps = [("入党申请书", date(2023, 3, 1)), ("确定入党积极分子备案报告", date(2023, 9, 1))]
    steps += [("接收预备党员的支部大会决议", date(2025, 5, 1)), ("预备党员转正审批意见", date(2026, 5, 6))]
    yield ArchivePart(
        title="发展党员材料",
        order=ORDER_RECRUITMENT,
        documents=[
            Document(
                title=title,
                template_name="documents/notice.html",
                number=f"发展〔{day.year}〕{n:03d}号",
                dated=day,
                context={"paragraphs": [f"{member.name}同志：{title}。"] * 3},
            )
            for n, (title, day) in enumerate(steps, start=1)
        ],
    )


@pytest.fixture
def recruitment_part(monkeypatch):
    monkeypatch.setattr(registry, "archive_providers", [*registry.archive_providers, _recruitment_like_part])


@pytest.fixture
def career(branch_a, branch_b, center, clerk, secretary_a):
    """A member who applied, became a full member, moved branches twice, floated away and met 60 times."""
    member = make_named_member(
        branch_a, "孙晓明", joined_on=date(2025, 5, 1), full_member_on=date(2026, 5, 1)
    )
    for n in range(5):
        make_named_member(branch_a, f"同支部党员{n}")
    for month in range(1, 13):
        for day in (3, 10, 17, 24, 28):
            make_meeting(
                branch_a,
                held_on=date(2025, month, day),
                recorded_by=secretary_a,
                absent={member: "外出务工"} if day == 28 else None,
                topic=f"{month}月第{day}日组织生活",
            )
    make_certificate(make_floating(member), issued_on=date(2026, 3, 2), issued_by=clerk)
    from members.transfers import transfer_accept

    first = make_transfer(member, branch_b, issued_on=date(2026, 4, 1), created_by=clerk)
    transfer_accept(transfer=first, accepted_on=date(2026, 4, 5), accepted_by=clerk)
    member.refresh_from_db()
    make_transfer(member, center, issued_on=date(2026, 5, 8), created_by=clerk)
    return member


def test_bundle_contents_page_numbers_match_where_each_document_starts_R_RC_23(
    career, admin_user, recruitment_part
):
    pdf = member_archive_pdf(career, admin_user)
    pages = pdf_page_texts(pdf)
    toc = toc_entries(pages)
    outline = pdf_outline(pdf)

    titles = [title for title, _ in toc]
    assert titles == [
        "党员基本情况登记表",
        "入党申请书（发展〔2023〕001号）",
        "确定入党积极分子备案报告（发展〔2023〕002号）",
        "接收预备党员的支部大会决议（发展〔2025〕003号）",
        "预备党员转正审批意见（发展〔2026〕004号）",
        "中国共产党党员组织关系介绍信（党关介〔2026〕001号）",
        "中国共产党党员组织关系介绍信（党关介〔2026〕002号）",
        "流动党员活动证（流党证〔2026〕001号）",
        "参加组织生活情况摘录",
    ]
    for title, page in toc:
        name = title.split("（")[0]
        assert body_start(pages[page - 1]).startswith(name), f"{title} should start on page {page}"
        number = title.partition("（")[2].rstrip("）")
        assert number in pages[page - 1].splitlines()[0], (
            f"page {page}'s header names {number or 'no number'}"
        )
    # The outline's targets are laid out by WeasyPrint independently of the contents' counters: they agree.
    documents_in_outline = [(e.title, e.page) for e in outline if e.level == 2]
    assert [page for _, page in documents_in_outline] == [page for _, page in toc]
    assert len(pages) >= 8


def test_bundle_outline_has_contents_parts_and_documents_R_RC_23(career, admin_user, recruitment_part):
    outline = pdf_outline(member_archive_pdf(career, admin_user))

    top = [e.title for e in outline if e.level == 1]
    assert top == ["目录", "党员基本情况", "发展党员材料", "组织关系与组织生活"]
    second = [e.title for e in outline if e.level == 2]
    assert second[0] == "党员基本情况登记表"
    assert second.count("中国共产党党员组织关系介绍信") == 2
    assert second[-1] == "参加组织生活情况摘录"


def test_bundle_cover_names_the_member_and_the_center(career, admin_user):
    pdf = member_archive_pdf(career, admin_user)
    cover = "".join(pdf_page_texts(pdf)[0].split())

    assert "党员档案" in cover
    assert "孙晓明" in cover
    assert career.id_number in cover
    assert "2026年5月1日" in cover  # full-membership date
    assert "第1页" not in cover  # the cover has no footer
    assert has_cjk_font(pdf)


def test_bundle_of_a_secretary_masks_id_numbers_R_MB_04(career, secretary_a, secretary_b, branch_b):
    # After the accepted transfer the member belongs to branch B; its secretary prints the file.
    pdf_text = "".join("".join(pdf_page_texts(member_archive_pdf(career, secretary_b))).split())

    assert career.id_number not in pdf_text
    assert career.id_number[-4:] in pdf_text


def test_long_attendance_excerpt_repeats_its_header_row_R_MB_08(career, admin_user):
    pages = pdf_page_texts(member_archive_pdf(career, admin_user))
    excerpt_pages = [p for p in pages if "组织生活摘录" in p.splitlines()[0]]

    assert len(excerpt_pages) >= 2
    for text in excerpt_pages:
        assert "序号" in text and "会议类型" in text and "缺席原因" in text


def test_bundle_is_pdf_a_3u(career, admin_user):
    """PDF/A-3u identification and output intent as WeasyPrint writes them (not a full veraPDF validation)."""
    meta = pdf_metadata(member_archive_pdf(career, admin_user))

    assert 'pdfaid:part="3"' in meta["xmp"]
    assert 'pdfaid:conformance="U"' in meta["xmp"]
    assert meta["output_intents"] == 1
