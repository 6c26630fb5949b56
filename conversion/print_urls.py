"""Printable documents of conversion management, included under print/conversion/ (see config/urls.py)."""

from django.urls import path

from conversion import print_views

app_name = "conversion_print"

urlpatterns = [
    path("<int:pk>/enrolment.pdf", print_views.enrolment_decision, name="enrolment_decision"),
    path("<int:pk>/ledger.pdf", print_views.ledger_statement, name="ledger_statement"),
    path("<int:pk>/reviews/<int:review_pk>/sheet.pdf", print_views.review_sheet, name="review_sheet"),
    path("<int:pk>/reviews/<int:review_pk>/result.pdf", print_views.review_result, name="review_result"),
    path("<int:pk>/return.pdf", print_views.return_letter, name="return_letter"),
    path("<int:pk>/transition.pdf", print_views.transition_record, name="transition_record"),
]
