from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core.urls import auth_urlpatterns

admin.site.site_header = "党员服务转化中心 管理后台"
admin.site.site_title = "党员服务转化中心"
admin.site.index_title = "后台管理"
# The sidebar repeats the index's list of every model on every admin page: a fifth of a changelist's rendering
# time with 50,000 members (issue 9). The index and the breadcrumbs remain the way around.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/", admin.site.urls),
    *auth_urlpatterns,
    path("", include("core.urls")),
    path("members/", include("members.urls")),
    path("print/members/", include("members.print_urls")),
    path("conversion/", include("conversion.urls")),
    path("print/conversion/", include("conversion.print_urls")),
    path("recruitment/", include("recruitment.urls")),
    path("print/recruitment/", include("recruitment.print_urls")),
    path("services/", include("services.urls")),
    path("print/services/", include("services.print_urls")),
    path("reports/", include("reports.urls")),
]

if settings.BENCH:  # the benchmark's floor view (bench/run.py); off unless BENCH=1
    urlpatterns.append(path("bench/", include("bench.urls")))
