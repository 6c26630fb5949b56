from django.urls import path

from recruitment import views

app_name = "recruitment"

urlpatterns = [
    path("", views.board, name="board"),
    path("stage/<slug:stage>/", views.stage_list, name="stage_list"),
    path("new/", views.candidate_create, name="candidate_create"),
    path("plans/", views.plans, name="plans"),
    path("plans/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/", views.candidate_detail, name="candidate"),
    path("<int:pk>/records/<slug:kind>/", views.record_add, name="record_add"),
    path("<int:pk>/do/<slug:action>/", views.transition, name="transition"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/meeting/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_pk>/vote/<int:pk>/", views.vote_add, name="vote_add"),
    path("votes/<int:vote_pk>/approval/", views.approval_add, name="approval_add"),
    path("approvals/<int:approval_pk>/filing/", views.approval_filing, name="approval_filing"),
]
