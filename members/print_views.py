"""Print views: each document as a PDF, with the same access rules as its record (core.access).

Everything is read in autocommit mode (no ATOMIC_REQUESTS), so rendering never holds a transaction.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core.access import get_object_for_user, sees_full_id_numbers, staff_required
from core.audit import log_full_id_number_shown
from core.jobs import origin, start
from core.pdf import pdf_response, render_document
from core.task_views import job_start_page
from members import documents
from members.models import FloatingCertificate, Meeting, Member, RelationTransfer

# A transfer concerns its sending side, its receiving side and the member's current organisation: the
# issuer keeps the stub, the receiver checks the letter. Any of the three scopes may print it.
_TRANSFER_SCOPES = ("from_organization", "to_organization", "member__organization")


def _transfer_for_user(user, pk: int) -> RelationTransfer:
    for organization_field in _TRANSFER_SCOPES:
        try:
            return get_object_for_user(RelationTransfer.objects.all(), user, organization_field, pk=pk)
        except Http404:
            continue
    raise Http404("没有找到该记录，或您无权查看。")


@staff_required
def introduction_letter(request, pk: int):
    transfer = _transfer_for_user(request.user, pk)
    document = documents.introduction_letter(transfer, full_id=sees_full_id_numbers(request.user))
    _log_full_id_number(request, transfer.member)
    return pdf_response(render_document(document), document.download_name)


@staff_required
def floating_certificate(request, pk: int):
    certificate = get_object_for_user(
        FloatingCertificate.objects.all(), request.user, "floating__member__organization", pk=pk
    )
    document = documents.floating_certificate(certificate, full_id=sees_full_id_numbers(request.user))
    _log_full_id_number(request, certificate.floating.member)
    return pdf_response(render_document(document), document.download_name)


@staff_required
def meeting_minutes(request, pk: int):
    meeting = get_object_for_user(Meeting.objects.all(), request.user, pk=pk)
    document = documents.meeting_minutes(meeting)
    return pdf_response(render_document(document), document.download_name)


@require_safe
@staff_required
def member_archive(request, pk: int):
    """R-RC-23: the member's whole file, one PDF — typeset by a job (``member_archive_job``), never in a
    request: its address shows the button that starts the job (the job logs the full ID number, R-MB-04)."""
    member = get_object_for_user(Member.objects.all(), request.user, pk=pk)
    return job_start_page(
        request,
        title=f"打印档案：{member.name}",
        action=reverse("members_print:member_archive_job", args=[member.pk]),
        label="打印档案（一人一档）",
        back_url=reverse("members:detail", args=[member.pk]),
    )


@require_POST
@staff_required
def member_archive_job(request, pk: int):
    """The same bundle typeset by a background job (members.tasks.member_archive_job): the page shows the bar,
    我的任务 keeps the file."""
    from members.tasks import member_archive_job as task

    member = get_object_for_user(Member.objects.all(), request.user, pk=pk)
    run = start(
        task,
        user=request.user,
        label=f"生成党员档案：{member.name}",
        member_id=member.pk,
        asked_from=origin(request),
    )
    return redirect("core:my_job", run.pk)


def _log_full_id_number(request, member) -> None:
    """The PDF carries the full ID number for roles that see it: log that viewing (R-MB-04)."""
    log_full_id_number_shown(request=request, person=member)
