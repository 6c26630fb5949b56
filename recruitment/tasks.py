"""Recruitment's background jobs: the candidate's archive bundle (R-RC-23), started from the candidate page."""

from core.access import get_object_for_user, sees_full_id_numbers
from core.audit import log_id_number_view
from core.jobs import USER_RETRY, Outcome, job, origin_request, progress, requester, still_allowed


@job("recruitment.archive_pdf", "生成发展党员档案", retry=USER_RETRY)
def candidate_archive_job(candidate_id: int, asked_from: dict[str, str] | None = None) -> Outcome:
    """recruitment.documents.candidate_archive_pdf, as the print view, for a user who may still see the
    candidate; the full ID number on the cover is logged for roles that see it (R-MB-04)."""
    from recruitment import documents
    from recruitment.models import Candidate

    user = requester()
    with still_allowed("该发展对象的档案"):
        candidate = get_object_for_user(Candidate.objects.all(), user, pk=candidate_id)
    progress(0, None, "排版档案")
    pdf = documents.candidate_archive_pdf(candidate, user)
    if sees_full_id_numbers(user):
        log_id_number_view(user=user, person=candidate, request=origin_request(user, asked_from))
    return Outcome(
        summary=f"{candidate.name}的发展党员档案已生成。",
        file_name=documents.candidate_archive_name(candidate),
        content=pdf,
    )
