from django.urls import path

from services import views

app_name = "services"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("intake/", views.intake, name="intake"),
    path("matters/<int:pk>/", views.matter_detail, name="matter"),
    path("matters/<int:pk>/<slug:action>/", views.matter_action, name="matter_action"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/new/", views.appointment_new, name="appointment_new"),
    path("appointments/<int:pk>/close/", views.appointment_close, name="appointment_close"),
    path("accountability/", views.cases, name="cases"),
    path("accountability/<int:pk>/", views.case_detail, name="case"),
    path("statistics/", views.stats, name="stats"),
    path("records/", views.records, name="records"),
    path("records/<int:year>.csv", views.records_csv, name="records_csv"),
    path("records/<int:year>/job/", views.records_job, name="records_job"),
    path("records/<int:year>/archive/", views.records_archive, name="records_archive"),
    # Public pages, no login.
    path("guide/", views.public_catalog, name="public_catalog"),
    path("board/", views.public_board, name="public_board"),
    path("lookup/", views.public_lookup, name="public_lookup"),
]
