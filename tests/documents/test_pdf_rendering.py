"""core.pdf: never inside a transaction, never querying while typesetting, never fetching from the network."""

from datetime import date

import pytest
from django.db import connection, transaction
from weasyprint.urls import URLFetcher

from core.pdf import (
    Document,
    LocalOnlyURLFetcher,
    PdfRenderError,
    html_to_pdf,
    pdf_response,
    render_document,
    render_pdf,
)
from tests.pdfutils import has_cjk_font, pdf_compact_text

pytestmark = pytest.mark.django_db


def _notice(**context):
    return Document(
        title="测试通知",
        template_name="documents/notice.html",
        number="党服转〔2026〕001号",
        dated=date(2026, 5, 8),
        context={"addressee": "东村党支部", "paragraphs": ["请于五月十日前报送材料。"], **context},
    )


def test_a_notice_renders_with_the_center_header_and_page_footer():
    text = pdf_compact_text(render_document(_notice()))

    assert "某某镇党员服务转化中心" in text
    assert text.count("党服转〔2026〕001号") == 2  # header and under the title
    assert "2026年5月8日" in text
    assert "第1页共1页" in text


def test_rendering_refuses_to_run_inside_a_transaction():
    with transaction.atomic(), pytest.raises(PdfRenderError):
        render_document(_notice())


def test_typesetting_runs_with_database_queries_refused(monkeypatch):
    from core import pdf

    class QueryingHTML(pdf.HTML):
        def write_pdf(self, *args, **kwargs):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")

    monkeypatch.setattr(pdf, "HTML", QueryingHTML)
    with pytest.raises(PdfRenderError):
        html_to_pdf("<p>内容</p>")


def test_remote_urls_are_refused_and_left_out():
    fetcher = LocalOnlyURLFetcher()

    for url in ("https://example.com/logo.png", "http://127.0.0.1:8000/", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert isinstance(fetcher, URLFetcher)

    pdf = html_to_pdf('<img src="https://example.com/x.png"><p>正文仍然生成</p>')
    assert "正文仍然生成" in pdf_compact_text(pdf)
    assert has_cjk_font(pdf)


def test_pdf_response_carries_the_chinese_file_name():
    response = pdf_response(b"%PDF-1.7", "组织关系介绍信.pdf", attachment=True)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E7%BB%84" in response["Content-Disposition"]


def test_render_pdf_renders_a_whole_page_template_outside_transactions():
    pdf = render_pdf("documents/print.html", {"sections": [], "title": "空白", "center": {"name": "青山镇"}})

    assert pdf.startswith(b"%PDF")
    with transaction.atomic(), pytest.raises(PdfRenderError):
        render_pdf("documents/print.html", {})
