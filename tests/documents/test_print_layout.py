"""Printed documents laid out as filed (issue 18 point 10): a signature never alone on a page."""

import pytest

from conversion import documents
from core.pdf import render_document
from tests.factories.conversion import enrolled_case, record_tasks
from tests.pdfutils import pdf_page_texts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "entries", [10, 13]
)  # before the fix, 9 … 13 entries left the signature alone on page 2
def test_the_ledger_statement_keeps_its_signature_with_the_text_and_rows_above_R_CV_05(
    center, branch_a, clerk, entries
):
    case = record_tasks(
        enrolled_case(center, branch=branch_a, by=clerk), completed=True, count=entries, by=clerk
    )
    pages = pdf_page_texts(render_document(documents.ledger_statement(case, printed_by=clerk)))
    (signed,) = [page for page in pages if "记账人（签字）" in page]
    assert "本台账按" in signed  # the closing text
    assert "已完成" in signed.split("本台账按")[0]  # and at least one ledger row before it
