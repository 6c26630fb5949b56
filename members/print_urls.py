"""Printable documents of the members app, included under print/members/ (see config/urls.py)."""

from django.urls import path

from members import dues_views, print_views

app_name = "members_print"

urlpatterns = [
    path("transfers/<int:pk>/letter.pdf", print_views.introduction_letter, name="introduction_letter"),
    path(
        "certificates/<int:pk>/certificate.pdf", print_views.floating_certificate, name="floating_certificate"
    ),
    path("meetings/<int:pk>/minutes.pdf", print_views.meeting_minutes, name="meeting_minutes"),
    path("<int:pk>/archive.pdf", print_views.member_archive, name="member_archive"),
    path(
        "organizations/<int:pk>/dues/<int:year>/<int:month>/sheet.pdf",
        dues_views.branch_dues_sheet_pdf,
        name="dues_sheet",
    ),
    path("<int:pk>/dues/<int:year>/statement.pdf", dues_views.dues_statement_pdf, name="dues_statement"),
    path("<int:pk>/archive/job/", print_views.member_archive_job, name="member_archive_job"),
]
