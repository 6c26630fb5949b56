"""XLSX per block and the quarterly-analysis PDF (issue 8, R-MB-10): they open and carry the figures."""

import shutil
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import CenterProfile
from tests.pdfutils import has_cjk_font, pdf_page_texts
from tests.pdfutils import pdf_text as extract_text

Q1 = {"year": 2026, "part": "q1"}


def sheet_rows(response):
    workbook = load_workbook(BytesIO(response.content))
    return [tuple(c for c in row if c is not None) for row in workbook.active.iter_rows(values_only=True)]


def test_dues_xlsx_has_chinese_headers_and_the_figures_R_MB_07(client, admin_user, quarter):
    client.force_login(admin_user)
    response = client.get(reverse("reports:block_xlsx", args=["dues"]), Q1)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith("dues-2026-q1.xlsx")
    rows = sheet_rows(response)
    assert rows[0] == ("党费收缴（全镇，2026年第一季度）",)
    assert ("党组织", "应交", "实交", "欠交", "欠交人数") in rows
    assert ("东村党支部", 49.0, 39.0, 12.0, 2) in rows
    assert ("西村党支部", 9.0, 3.0, 6.0, 1) in rows


def test_meetings_xlsx_keeps_the_attendance_rate_as_a_percentage_R_MB_08(client, admin_user, quarter):
    client.force_login(admin_user)
    response = client.get(reverse("reports:block_xlsx", args=["meetings"]), Q1)
    workbook = load_workbook(BytesIO(response.content))
    rate = next(
        row[4]
        for row in workbook.active.iter_rows()
        if row[0].value == "东村党支部" and row[4].value is not None
    )
    assert rate.value == 0.6 and rate.number_format == "0.0%"


def test_secretary_xlsx_is_scoped_like_the_page(client, secretary_a, quarter):
    client.force_login(secretary_a)
    rows = sheet_rows(client.get(reverse("reports:block_xlsx", args=["members"]), Q1))
    assert rows[0] == ("党员队伍（东村党支部，2026年第一季度）",)
    assert ("党员总数", 3) in rows
    assert not any("西村" in str(cell) for row in rows for cell in row)


def test_unknown_block_is_not_found(client, admin_user, db):
    client.force_login(admin_user)
    assert client.get(reverse("reports:block_xlsx", args=["nope"])).status_code == 404


@pytest.fixture
def pdf_text(tmp_path):
    def extract(content: bytes) -> tuple[str, str]:
        path = tmp_path / "analysis.pdf"
        path.write_bytes(content)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        )
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
        return text.stdout, fonts.stdout

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    return extract


def test_quarterly_analysis_pdf_prints_the_figures_with_an_embedded_cjk_font_R_MB_10(
    client, admin_user, quarter, pdf_text, print_analysis
):
    client.force_login(admin_user)
    text, fonts = pdf_text(print_analysis(Q1))
    flat = " ".join(text.split())
    assert "2026年第1季度党员教育管理情况分析" in flat
    assert "全镇共有党员4名" in flat
    assert "应召开" in flat and "党费应交58.00元，实交42.00元，欠交18.00元" in flat
    assert "东村党支部" in flat and "西村党支部" in flat
    assert "CJK" in fonts
    embedded = [line for line in fonts.splitlines() if "CJK" in line]
    assert all(" yes " in line for line in embedded)


def test_quarterly_analysis_pdf_has_the_shared_header_page_footer_and_cjk_font_R_MB_10(
    client, admin_user, quarter, tmp_path, print_analysis
):
    """Printed through core.pdf like every center document: the center's name and the quarter in the header,
    「第 1 页 共 N 页」 in the footer, a Noto CJK font embedded."""
    client.force_login(admin_user)
    pdf = print_analysis(Q1)
    pages = pdf_page_texts(pdf)
    compact = ["".join(page.split()) for page in pages]
    center = CenterProfile.current().name

    assert all(center in page and "2026年第1季度（全镇）" in page for page in compact)
    assert all(f"第{n}页共{len(pages)}页" in page for n, page in enumerate(compact, start=1))
    assert has_cjk_font(pdf)
    assert "东村党支部" in extract_text(pdf)


def test_secretary_prints_the_analysis_of_their_branch_only_R_MB_10(
    client, secretary_a, quarter, pdf_text, print_analysis
):
    client.force_login(secretary_a)
    text, _ = pdf_text(print_analysis(Q1))
    flat = " ".join(text.split())
    assert "东村党支部共有党员3名" in flat
    assert "西村" not in flat


def test_the_analysis_address_shows_the_button_and_neither_typesets_nor_queues_R_MB_10(
    client, secretary_a, monkeypatch, db
):
    """A GET changes nothing: the PDF's address (a bookmark) shows the button that queues the job, for the
    quarter asked; a scoped account without an organisation is refused there as by the job."""
    from core.models import TaskRun
    from reports import views

    monkeypatch.setattr(views, "analysis_pdf", lambda *a, **k: pytest.fail("typeset in a GET"))
    client.force_login(secretary_a)
    response = client.get(reverse("reports:analysis_pdf"), Q1)
    page = response.content.decode()
    action = reverse("reports:analysis_job") + "?year=2026&amp;part=q1"
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert f'<form method="post" action="{action}"' in page and "csrfmiddlewaretoken" in page
    assert "2026年第1季度" in page and not TaskRun.objects.exists()
    secretary_a.staff_profile.organization = None
    secretary_a.staff_profile.save(update_fields=["organization"])
    assert client.get(reverse("reports:analysis_pdf"), Q1).status_code == 404


def test_a_tables_note_is_on_the_page_and_under_its_table_in_the_xlsx(client, admin_user, quarter):
    """A table's own note (here: how the recruitment plan counts a branch without a plan) is read with it."""
    note = "未制定计划的党组织，已发展人数全部计为超计划。"
    client.force_login(admin_user)
    assert note in client.get(reverse("reports:statistics"), Q1).content.decode()
    rows = sheet_rows(client.get(reverse("reports:block_xlsx", args=["recruitment"]), Q1))
    plan = next(i for i, row in enumerate(rows) if row and "年度发展计划与完成情况" in str(row[0]))
    assert (note,) in rows[plan:]
