from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("analysis.pdf", views.analysis_download, name="analysis_pdf"),
    path("analysis/job/", views.analysis_job, name="analysis_job"),
    path("<slug:key>.xlsx", views.block_xlsx, name="block_xlsx"),
]
