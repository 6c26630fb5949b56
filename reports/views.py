"""Statistics pages (issue 8): thin views over the block registry, scoped like every other list."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core.access import staff_required
from core.dates import local_today
from core.jobs import start
from core.task_views import job_start_page
from members.analysis import quarterly_analysis
from reports.blocks import Scope, compute_block, compute_blocks, get_block_spec
from reports.charts import figure
from reports.documents import analysis_pdf
from reports.periods import FIRST_YEAR, PART_CHOICES, Period
from reports.xlsx import block_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _ascii_name(stem: str, period: Period, extension: str) -> str:
    return f"{stem}-{period.slug}.{extension}"


@staff_required
def statistics(request):
    scope = Scope.for_user(request.user)
    period = Period.from_query(request.GET)
    blocks = [(block, [figure(table) for table in block.tables]) for block in compute_blocks(scope, period)]
    this_year = local_today().year
    return render(
        request,
        "reports/statistics.html",
        {
            "scope": scope,
            "period": period,
            "blocks": blocks,
            "years": range(this_year, max(FIRST_YEAR, this_year - 10) - 1, -1),
            "parts": PART_CHOICES,
        },
    )


@staff_required
def block_xlsx(request, key: str):
    spec = get_block_spec(key)
    if spec is None:
        raise Http404("没有这个统计项目。")
    scope = Scope.for_user(request.user)
    period = Period.from_query(request.GET)
    block = compute_block(spec, scope, period)
    return _download(block_workbook(block, scope, period), XLSX, _ascii_name(key, period, "xlsx"))


def _analysis_organization(user):
    """The organisation whose analysis ``user`` prints (None: the whole town); 404 for a scoped account
    without one."""
    if Scope.for_user(user).is_town:
        return None
    organization = getattr(getattr(user, "staff_profile", None), "organization", None)
    if organization is None:
        raise Http404("您的账号未关联党组织。")
    return organization


def analysis_file(user, query) -> tuple[bytes, str]:
    """R-MB-10: the quarter's analysis (``query``: the page's query string) as a printed PDF, for ``user``'s
    scope — the download and the background job (reports.tasks) both call it."""
    period = Period.from_query(query)
    organization = _analysis_organization(user)
    analysis = quarterly_analysis(year=period.year, quarter=period.quarter, organization=organization)
    return analysis_pdf(analysis), f"quarterly-analysis-{period.year}-q{period.quarter}.pdf"


@require_safe
@staff_required
def analysis_download(request):
    """R-MB-10: the quarter's analysis as a printed PDF, for the user's scope — typeset by a job
    (``analysis_job``), never in a request: its address shows the button that starts the job."""
    period = Period.from_query(request.GET)
    _analysis_organization(request.user)  # the same refusal as the job's
    query = f"year={period.year}&part=q{period.quarter}"
    return job_start_page(
        request,
        title=f"打印{period.year}年第{period.quarter}季度党员教育管理分析",
        action=f"{reverse('reports:analysis_job')}?{query}",
        label="生成分析（PDF）",
        back_url=f"{reverse('reports:statistics')}?{query}",
    )


@require_POST
@staff_required
def analysis_job(request):
    """The same PDF typeset by a background job (reports.tasks.analysis_job); the page shows the bar."""
    from reports.tasks import analysis_job as task

    period = Period.from_query(request.GET)
    _analysis_organization(request.user)  # checked now, and again by the job
    label = f"生成{period.year}年第{period.quarter}季度党员教育管理分析"
    run = start(task, user=request.user, label=label, query=request.GET.urlencode())
    return redirect("core:my_job", run.pk)
