"""Printable documents of the service desk, included under print/services/ (see config/urls.py)."""

from django.urls import path

from services import print_views

app_name = "services_print"

urlpatterns = [
    path("matters/<int:pk>/acceptance.pdf", print_views.acceptance_notice, name="acceptance_notice"),
    path("matters/<int:pk>/supplement.pdf", print_views.supplement_notice, name="supplement_notice"),
    path("matters/<int:pk>/return.pdf", print_views.return_notice, name="return_notice"),
    path("matters/<int:pk>/petition-reply.pdf", print_views.petition_reply, name="petition_reply"),
    path("matters/<int:pk>/completion.pdf", print_views.completion_notice, name="completion_notice"),
    path(
        "accountability/<int:pk>/decision.pdf",
        print_views.accountability_decision,
        name="accountability_decision",
    ),
]
