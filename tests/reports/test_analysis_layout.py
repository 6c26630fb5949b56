"""The printed quarterly analysis as the committee files it (issue 18 point 10, R-MB-10): plain wording, the
figures in 附表 tables that fill the pages — a few pages for forty branches, not one half-empty page a table."""

from datetime import date

import pytest

from members.models import Member
from tests import factories
from tests.factories.members import meeting_row
from tests.pdfutils import pdf_compact_text, pdf_page_count, pdf_page_texts

Q1 = {"year": 2026, "part": "q1"}


def test_the_total_reads_full_members_first_without_a_second_qizhong_R_MB_10(
    client, admin_user, quarter, print_analysis
):
    client.force_login(admin_user)
    text = pdf_compact_text(print_analysis(Q1))
    assert "全镇共有党员4名，其中正式党员3名，预备党员1名。" in text
    assert text.count("其中正式党员") == 1 and "，其中预备党员" not in text
    for caption in ("附表1", "附表2党员队伍构成", "附表3各党组织党员、三会一课和党费情况", "附表4"):
        assert caption in text


@pytest.mark.django_db
def test_forty_branches_print_on_a_few_full_pages_with_the_signature_after_the_tables_R_MB_10(
    client, admin_user, town, print_analysis
):
    for i in range(40):
        branch = factories.make_branch(f"第{i:02d}村党支部")
        factories.make_member(branch, status=Member.Status.FULL)
        meeting_row(branch, "party_day", date(2026, 2, 4))
    client.force_login(admin_user)
    pdf = print_analysis(Q1)
    pages = pdf_page_texts(pdf)
    assert pdf_page_count(pdf) <= 5
    compact = ["".join(page.split()) for page in pages]
    assert "附表1" in compact[0]  # the tables start right after the text, not on a page of their own
    assert "第39村党支部" in compact[-1] or "第39村党支部" in compact[-2]
    assert "说明：" in compact[-1] and "合计" in compact[-1]  # the closing stays with the last rows
