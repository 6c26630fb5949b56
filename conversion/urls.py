from django.urls import path

from conversion import views

app_name = "conversion"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("enrol/", views.case_enrol_view, name="case_enrol"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/tasks/new/", views.task_add, name="task_add"),
    path("<int:pk>/tasks/<int:task_pk>/close/", views.task_close, name="task_close"),
    path("<int:pk>/entries/<int:entry_pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("<int:pk>/referrals/<int:referral_pk>/decide/", views.referral_decide_view, name="referral_decide"),
    path("<int:pk>/reviews/new/", views.review_schedule_view, name="review_schedule"),
    path("<int:pk>/reviews/<int:review_pk>/roster/", views.review_roster, name="review_roster"),
    path("<int:pk>/reviews/<int:review_pk>/scores/", views.review_scores, name="review_scores"),
    path("<int:pk>/reviews/<int:review_pk>/conclude/", views.review_conclude_view, name="review_conclude"),
    path("<int:pk>/observations/new/", views.observation_add, name="observation_add"),
    path("<int:pk>/discipline-referrals/new/", views.discipline_referral_add, name="discipline_referral_add"),
    path("<int:pk>/close/", views.case_close_view, name="case_close"),
]
