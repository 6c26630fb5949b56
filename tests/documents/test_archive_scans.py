"""Scanned materials in the archive bundle (一人一档, R-RC-23): each scan in its place, in the table of contents
and the outline, every scanned page under a header saying what it is and when it was received."""

from datetime import date

import pytest

from core.attachments import attach_files
from members.documents import member_archive_pdf
from recruitment.documents import candidate_archive_pdf
from tests.factories import files
from tests.factories import recruitment as rf
from tests.factories.members import make_named_member
from tests.pdfutils import body_start, pdf_outline, pdf_page_texts, toc_entries

pytestmark = pytest.mark.django_db


def test_the_bundles_contents_pages_match_the_scanned_pages_R_RC_23(branch_a, secretary_a, admin_user):
    candidate = rf.candidate(branch_a, name="周小川", applied_on=date(2024, 3, 4))
    attach_files(
        owner=candidate,
        kind="application",
        files=[files.upload(files.image_bytes(120, 170), f"p{i}.jpg") for i in range(3)],  # 3 phone photos
        uploaded_by=secretary_a,
        received_on=date(2024, 3, 4),
    )
    attach_files(
        owner=candidate,
        kind="talk",
        files=[files.upload(files.pdf_bytes(2), "谈话记录.pdf")],
        uploaded_by=secretary_a,
        received_on=date(2024, 3, 20),
    )
    pdf = candidate_archive_pdf(candidate, admin_user)
    pages = pdf_page_texts(pdf)
    toc = dict(toc_entries(pages))
    application = toc["入党申请书（扫描件）"]
    talk = toc["谈话记录（扫描件）"]
    assert body_start(pages[application - 1]).startswith(
        "入党申请书（扫描件）扫描件：入党申请书收到日期：2024年3月4日共3页"
    )
    for n in (2, 3):
        assert f"扫描件：入党申请书（第{n}页）" in "".join(pages[application + n - 2].split())
    assert talk == application + 3  # the three photos are three pages, then the talk record's scan
    assert "收到日期：2024年3月20日共2页" in "".join(pages[talk - 1].split())
    assert "扫描件：谈话记录（第2页）" in "".join(pages[talk].split())
    outline = {(e.title, e.page) for e in pdf_outline(pdf) if e.level == 2}
    assert ("入党申请书（扫描件）", application) in outline and ("谈话记录（扫描件）", talk) in outline
    # in their place: by the day received, after the checklist and among the generated documents
    titles = [title for title, _ in toc_entries(pages)]
    assert titles.index("入党申请书（扫描件）") < titles.index("谈话记录（扫描件）")


def test_a_members_archive_materials_print_in_the_members_bundle_and_voided_ones_do_not(
    branch_a, secretary_a, admin_user
):
    from core.attachments import void_attachment

    member = make_named_member(branch_a, "吴建国")
    kept = attach_files(
        owner=member,
        kind="transfer-letter",
        files=[files.upload(files.image_bytes(100, 140), "介绍信.jpg")],
        uploaded_by=secretary_a,
        received_on=date(2026, 2, 1),
    )
    wrong = attach_files(
        owner=member,
        kind="discipline",
        files=[files.upload(files.image_bytes(100, 140), "错传.jpg")],
        uploaded_by=secretary_a,
    )
    void_attachment(attachment=wrong, by=secretary_a, reason="传错了人")
    pdf = member_archive_pdf(member, admin_user)
    toc = dict(toc_entries(pdf_page_texts(pdf)))
    assert f"{kept.kind_label}（扫描件）" in toc
    assert "处分决定（扫描件）" not in toc
    assert "档案扫描材料" in [e.title for e in pdf_outline(pdf) if e.level == 1]
