from django.contrib.auth import views as auth_views
from django.urls import path

from core import attachment_views, audit_views, reminder_views, task_views, two_factor_views, views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.health, name="health"),
    # Auditor's pages (core/audit_views.py): history of any record, ID-number viewings.
    # Two-factor sign-in (core/two_factor.py).
    path("accounts/two-factor/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", two_factor_views.two_factor_enrol, name="two_factor_enrol"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor_views.two_factor_recovery,
        name="two_factor_recovery",
    ),
    path("audit/", audit_views.audit_index, name="audit_index"),
    path("audit/id-number-views/", audit_views.id_number_views, name="audit_id_number_views"),
    path("audit/<str:model_label>/", audit_views.model_changes, name="audit_model"),
    path("audit/<str:model_label>/<str:pk>/", audit_views.record_history, name="audit_record"),
    # Scanned materials (core/attachments.py): upload to a record, open (scope-checked, logged), void.
    path(
        "files/<str:owner_label>/<int:owner_pk>/upload/",
        attachment_views.attachment_upload,
        name="attachment_upload",
    ),
    path("files/<int:pk>/", attachment_views.attachment_open, name="attachment_open"),
    path("files/<int:pk>/void/", attachment_views.attachment_void, name="attachment_void"),
    # The queue's page for administrators (core/task_views.py): the nightly round, recent jobs, retries.
    path("tasks/", task_views.task_index, name="task_index"),
    path("tasks/run/<str:name>/", task_views.task_run_now, name="task_run_now"),
    path("tasks/runs/<int:pk>/retry/", task_views.task_retry, name="task_retry"),
    # Each person's reminders (core/reminder_views.py).
    path("reminders/", reminder_views.reminder_list, name="reminders"),
    path("reminders/read/", reminder_views.reminder_read, name="reminders_read"),
    path("reminders/<int:pk>/read/", reminder_views.reminder_read, name="reminder_read"),
    path("reminders/settings/", reminder_views.reminder_preferences, name="reminder_preferences"),
    # 我的任务: the jobs a user started (core.jobs.start), the progress bar's status, the result file.
    path("jobs/", task_views.my_jobs, name="my_jobs"),
    path("jobs/<int:pk>/", task_views.my_job, name="my_job"),
    path("jobs/<int:pk>/status/", task_views.my_job_status, name="my_job_status"),
    path("jobs/<int:pk>/file/", task_views.my_job_file, name="my_job_file"),
]

# Authentication pages keep Django's global names (login, logout, password_change…).
auth_urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", two_factor_views.PasswordChange.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
