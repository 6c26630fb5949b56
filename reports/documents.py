"""The printed quarterly analysis (R-MB-10) as PDF.

Rendered here with WeasyPrint directly in ``html_to_pdf``; when the shared ``core/pdf.py`` (render_pdf) lands,
this one function is the only thing to swap.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from members.analysis import QuarterlyAnalysis
from reports.charts import bar_chart
from reports.member_blocks import analysis_tables


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def analysis_pdf(analysis: QuarterlyAnalysis, *, center_name: str, committee_name: str) -> bytes:
    tables = [(table, bar_chart(table)) for table in analysis_tables(analysis)]
    html = render_to_string(
        "reports/analysis_pdf.html",
        {"a": analysis, "tables": tables, "center_name": center_name, "committee_name": committee_name},
    )
    return html_to_pdf(html)
