"""The printed quarterly analysis (R-MB-10) as PDF, through ``core.pdf`` like every other center document:
the shared print stylesheet (A4, CJK serif body), the header with the center's name and the quarter, the
footer 「第 1 页 共 N 页」, no database and no network while WeasyPrint runs. The SVG bar charts are drawn
on the server (``reports.charts``) and inlined in the fragment.
"""

from __future__ import annotations

from core.pdf import Document, render_document
from members.analysis import QuarterlyAnalysis
from reports.charts import bar_chart
from reports.member_blocks import analysis_tables


def analysis_document(analysis: QuarterlyAnalysis) -> Document:
    """R-MB-10: the analysis as a ``core.pdf.Document``; the page header shows the quarter (no number)."""
    quarter = f"{analysis.year}年第{analysis.quarter}季度"
    title = f"{quarter}党员教育管理情况分析"
    return Document(
        title=title,
        template_name="documents/reports/quarterly_analysis.html",
        context={"a": analysis, "tables": [(table, bar_chart(table)) for table in analysis_tables(analysis)]},
        dated=analysis.generated_on,
        header=f"{quarter}（{analysis.scope_name}）",
        filename=f"{title}-{analysis.scope_name}",
    )


def analysis_pdf(analysis: QuarterlyAnalysis) -> bytes:
    """The printed analysis; call outside any transaction (core.pdf refuses otherwise)."""
    return render_document(analysis_document(analysis))
