"""Reports' background job: the quarterly analysis PDF (R-MB-10), started from the statistics page."""

from django.http import QueryDict

from core.jobs import USER_RETRY, Outcome, job, progress, requester, still_allowed


@job("reports.analysis_pdf", "生成季度党员教育管理分析", retry=USER_RETRY)
def analysis_job(query: str) -> Outcome:
    """reports.views.analysis_file, as the download, in the user's scope as it is when the job runs."""
    from reports.views import analysis_file

    user = requester()
    progress(0, None, "统计并排版")
    with still_allowed("该统计范围"):
        pdf, filename = analysis_file(user, QueryDict(query))
    return Outcome(summary="季度分析已生成。", file_name=filename, content=pdf)
