from django.urls import path

from members import dues_views, views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("export/", views.member_export, name="export"),
    path("import/", views.member_import, name="import"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/dues/", dues_views.dues_create, name="dues"),
    path("<int:pk>/dues/reduction/", dues_views.dues_reduction, name="dues_reduction"),
    path("<int:pk>/dues/lapse/", dues_views.dues_lapse, name="dues_lapse"),
    path(
        "<int:pk>/dues/<int:year>/statement.xlsx", dues_views.dues_statement_xlsx, name="dues_statement_xlsx"
    ),
    path("dues/six-months/", dues_views.dues_six_months, name="dues_six_months"),
    path("organizations/<int:pk>/dues/", dues_views.branch_dues, name="branch_dues"),
    path("organizations/<int:pk>/dues/bases/", dues_views.branch_dues_bases, name="branch_dues_bases"),
    path(
        "organizations/<int:pk>/dues/bases/import/", dues_views.branch_dues_import, name="branch_dues_import"
    ),
    path(
        "organizations/<int:pk>/dues/bases/<int:year>.xlsx",
        dues_views.branch_dues_template,
        name="branch_dues_template",
    ),
    path(
        "organizations/<int:pk>/dues/<int:year>/<int:month>/sheet.xlsx",
        dues_views.branch_dues_sheet_xlsx,
        name="branch_dues_sheet_xlsx",
    ),
    path("<int:pk>/contact/", views.floating_contact_create, name="contact"),
    path("<int:pk>/transfer/", views.transfer_create, name="transfer"),
    path("<int:pk>/status/", views.status_change_view, name="status_change"),
    path("<int:pk>/floating/register/", views.floating_register_view, name="floating_register"),
    path("<int:pk>/floating/return/", views.floating_return_view, name="floating_return"),
    path("<int:pk>/certificates/new/", views.certificate_issue_view, name="certificate_issue"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke_view, name="certificate_revoke"),
    path("<int:pk>/disciplines/new/", views.discipline_create, name="discipline_create"),
    path("disciplines/<int:pk>/restore/", views.discipline_restore_view, name="discipline_restore"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("transfers/<int:pk>/cancel/", views.transfer_cancel_view, name="transfer_cancel"),
    path("transfers/<int:pk>/accept/", views.transfer_accept_view, name="transfer_accept"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create_view, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
]
