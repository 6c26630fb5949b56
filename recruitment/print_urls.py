"""Printable documents of the recruitment file, included under print/recruitment/ (see config/urls.py)."""

from django.urls import path

from recruitment import print_views

app_name = "recruitment_print"

urlpatterns = [
    path("talks/<int:pk>/record.pdf", print_views.talk_record, name="talk_record"),
    path("filings/<int:pk>/report.pdf", print_views.filing_report, name="filing_report"),
    path("reviews/<int:pk>/conclusion.pdf", print_views.political_review, name="political_review"),
    path("notices/<int:pk>/notice.pdf", print_views.public_notice, name="public_notice"),
    path("pre-reviews/<int:pk>/opinion.pdf", print_views.pre_review, name="pre_review"),
    path("votes/<int:pk>/resolution.pdf", print_views.branch_resolution, name="branch_resolution"),
    path("approvals/<int:pk>/opinion.pdf", print_views.approval_opinion, name="approval_opinion"),
    path("<int:pk>/checklist.pdf", print_views.archive_checklist, name="archive_checklist"),
    path("<int:pk>/archive.pdf", print_views.candidate_archive, name="candidate_archive"),
    path("<int:pk>/archive/job/", print_views.candidate_archive_job, name="candidate_archive_job"),
]
