from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("export/", views.member_export, name="export"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/dues/", views.dues_create, name="dues"),
    path("<int:pk>/contact/", views.floating_contact_create, name="contact"),
    path("<int:pk>/transfer/", views.transfer_create, name="transfer"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("transfers/<int:pk>/accept/", views.transfer_accept_view, name="transfer_accept"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create_view, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
]
