"""Conversion documents as PDFs, with the conversion pages' access rules (conversion.access): the town
committee, center clerks and auditors print; branch secretaries get 403 as on the case pages.

Everything is read in autocommit mode (no ATOMIC_REQUESTS), so rendering never holds a transaction.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from conversion import documents
from conversion.access import READ_ROLES
from conversion.models import ConversionCase, DemocraticReview
from core.access import get_object_for_user, staff_required
from core.pdf import Document, pdf_response, render_document

read_required = staff_required(roles=READ_ROLES)


def _get_case_for_user(user, pk: int) -> ConversionCase:
    return get_object_for_user(ConversionCase.objects.all(), user, "original_organization", pk=pk)


def _pdf(document: Document):
    return pdf_response(render_document(document), document.download_name)


@read_required
def enrolment_decision(request, pk: int):
    return _pdf(documents.enrolment_decision(_get_case_for_user(request.user, pk)))


@read_required
def ledger_statement(request, pk: int):
    case = _get_case_for_user(request.user, pk)
    return _pdf(documents.ledger_statement(case, printed_by=request.user))


@read_required
def review_sheet(request, pk: int, review_pk: int):
    case = _get_case_for_user(request.user, pk)
    review = get_object_or_404(DemocraticReview, pk=review_pk, case=case)
    return _pdf(documents.review_sheet(case, review))


@read_required
def review_result(request, pk: int, review_pk: int):
    case = _get_case_for_user(request.user, pk)
    review = get_object_or_404(
        DemocraticReview.objects.exclude(state=DemocraticReview.State.SCHEDULED), pk=review_pk, case=case
    )
    return _pdf(documents.review_result_notice(case, review))


@read_required
def return_letter(request, pk: int):
    case = _get_case_for_user(request.user, pk)
    if case.return_transfer_id is None:
        raise Http404("组织关系尚未转回原支部。")
    return _pdf(documents.return_letter(case))


@read_required
def transition_record(request, pk: int):
    case = _get_case_for_user(request.user, pk)
    if case.returned_on is None:
        raise Http404("尚未进入过渡期。")
    return _pdf(documents.transition_record(case))
