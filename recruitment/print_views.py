"""Print views: each recruitment document as a PDF, with the same access rules as the candidate's file
(core.access scoped by the candidate's organisation: another branch's record is a 404; auditors may print).

Everything is read in autocommit mode (no ATOMIC_REQUESTS), so rendering never holds a transaction.
"""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core.access import get_object_for_user, staff_required
from core.jobs import origin, start
from core.pdf import pdf_response, render_document
from core.task_views import job_start_page
from recruitment import documents
from recruitment.document_numbers import FILED_ACTIONS
from recruitment.models import (
    Approval,
    Candidate,
    CandidateVote,
    PoliticalReview,
    PreReview,
    PublicNotice,
    StageChange,
    Talk,
)

_SCOPE = "candidate__organization"


def _print(document):
    return pdf_response(render_document(document), document.download_name)


@staff_required
def talk_record(request, pk: int):
    return _print(documents.talk_record(get_object_for_user(Talk.objects.all(), request.user, _SCOPE, pk=pk)))


@staff_required
def filing_report(request, pk: int):
    changes = StageChange.objects.filter(action__in=FILED_ACTIONS)
    return _print(documents.filing_report(get_object_for_user(changes, request.user, _SCOPE, pk=pk)))


@staff_required
def political_review(request, pk: int):
    review = get_object_for_user(PoliticalReview.objects.all(), request.user, _SCOPE, pk=pk)
    return _print(documents.political_review(review))


@staff_required
def public_notice(request, pk: int):
    notice = get_object_for_user(PublicNotice.objects.all(), request.user, _SCOPE, pk=pk)
    return _print(documents.public_notice(notice))


@staff_required
def pre_review(request, pk: int):
    review = get_object_for_user(PreReview.objects.all(), request.user, _SCOPE, pk=pk)
    return _print(documents.pre_review(review))


@staff_required
def branch_resolution(request, pk: int):
    vote = get_object_for_user(CandidateVote.objects.all(), request.user, _SCOPE, pk=pk)
    return _print(documents.branch_resolution(vote))


@staff_required
def approval_opinion(request, pk: int):
    approval = get_object_for_user(
        Approval.objects.all(), request.user, "vote__candidate__organization", pk=pk
    )
    return _print(documents.approval_opinion(approval))


@staff_required
def archive_checklist(request, pk: int):
    candidate = get_object_for_user(Candidate.objects.all(), request.user, pk=pk)
    return _print(documents.archive_checklist(candidate))


@require_safe
@staff_required
def candidate_archive(request, pk: int):
    """R-RC-23: the candidate's whole recruitment file, one PDF (cover, contents, outline) — typeset by a job
    (``candidate_archive_job``), never in a request: its address shows the button that starts the job (the
    job logs the full ID number on the cover, R-MB-04)."""
    candidate = get_object_for_user(Candidate.objects.all(), request.user, pk=pk)
    return job_start_page(
        request,
        title=f"打印发展党员档案：{candidate.name}",
        action=reverse("recruitment_print:candidate_archive_job", args=[candidate.pk]),
        label="打印全部档案",
        back_url=reverse("recruitment:candidate", args=[candidate.pk]),
    )


@require_POST
@staff_required
def candidate_archive_job(request, pk: int):
    """The same bundle typeset by a background job (recruitment.tasks.candidate_archive_job)."""
    from recruitment.tasks import candidate_archive_job as task

    candidate = get_object_for_user(Candidate.objects.all(), request.user, pk=pk)
    run = start(
        task,
        user=request.user,
        label=f"生成发展党员档案：{candidate.name}",
        candidate_id=candidate.pk,
        asked_from=origin(request),
    )
    return redirect("core:my_job", run.pk)
