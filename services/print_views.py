"""Service-desk documents as PDFs, with the desk's access rules (services.access): administrators, clerks and
auditors print; branch secretaries get 403 as on the desk pages. A document the matter does not have (a
return notice for a matter that was not returned) is a 404.

Everything is read in autocommit mode (no ATOMIC_REQUESTS), so rendering never holds a transaction.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from core.access import sees_full_id_numbers, staff_required
from core.pdf import Document, pdf_response, render_document
from services import documents
from services.access import DESK_ROLES
from services.models import AccountabilityCase, Matter

desk_reader = staff_required(roles=DESK_ROLES)


def _pdf(document: Document):
    return pdf_response(render_document(document), document.download_name)


def _matter_document(request, pk: int, url_name: str, builder):
    # Matters are not scoped by organisation: every desk role sees every matter (services.access).
    matter = get_object_or_404(Matter, pk=pk)
    if f"services_print:{url_name}" not in documents.matter_documents(matter):
        raise Http404("该办件没有这份文书。")
    return _pdf(builder(matter))


@desk_reader
def acceptance_notice(request, pk: int):
    return _matter_document(request, pk, "acceptance_notice", documents.acceptance_notice)


@desk_reader
def supplement_notice(request, pk: int):
    return _matter_document(request, pk, "supplement_notice", documents.supplement_notice)


@desk_reader
def return_notice(request, pk: int):
    return _matter_document(request, pk, "return_notice", documents.return_notice)


@desk_reader
def petition_reply(request, pk: int):
    full_phone = sees_full_id_numbers(request.user)
    return _matter_document(
        request, pk, "petition_reply", lambda matter: documents.petition_reply(matter, full_phone=full_phone)
    )


@desk_reader
def completion_notice(request, pk: int):
    return _matter_document(request, pk, "completion_notice", documents.completion_notice)


@desk_reader
def accountability_decision(request, pk: int):
    case = get_object_or_404(AccountabilityCase, pk=pk, state=AccountabilityCase.State.DECIDED)
    return _pdf(documents.accountability_decision(case))
