"""后台任务: the administrators' page of the queue — the nightly round's last runs, recent jobs, retries — and
我的任务: each user's own jobs, their progress bar, result and file."""

from django import forms
from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core import jobs
from core.access import Role, is_admin, staff_required
from core.models import TaskRun
from core.operations import flash_form_errors, run_form

admin_required = staff_required(roles={Role.ADMIN}, write=True)
RECENT = 50


@require_safe
@admin_required
def task_index(request):
    recent = TaskRun.objects.select_related("requested_by")[:RECENT]
    return render(request, "core/tasks/index.html", {"scheduled": jobs.last_runs(), "recent": recent})


@require_POST
@admin_required
def task_run_now(request, name: str):
    form = forms.Form(request.POST)
    label = jobs.scheduled_jobs[name].label if name in jobs.scheduled_jobs else name
    if (
        run_form(
            request,
            form,
            lambda data: jobs.run_now(name, requested_by=request.user),
            success=f"已提交「{label}」，稍后刷新本页查看结果。",
        )
        is None
    ):
        flash_form_errors(request, form)
    return redirect("core:task_index")


@require_POST
@admin_required
def task_retry(request, pk: int):
    run = get_object_or_404(TaskRun, pk=pk)
    form = forms.Form(request.POST)
    if run_form(request, form, lambda data: jobs.retry(run), success=f"已重新提交「{run.label}」。") is None:
        flash_form_errors(request, form)
    return redirect("core:task_index")


# --- 我的任务: the jobs a user started from a page, their progress, their result and file ---------------------

MY_RECENT = 30


def _latest_per_job(runs) -> list[TaskRun]:
    """One row per queued job: its latest attempt (a retried job has a row per attempt)."""
    seen: dict[object, TaskRun] = {}
    for run in runs:
        seen.setdefault(run.job_id or f"run-{run.pk}", run)
    return list(seen.values())


def _my_run(request, pk: int, *, owner_only: bool = False) -> TaskRun:
    """The job ``pk`` as its latest attempt, if ``request.user`` started it (or, unless ``owner_only``, is the
    administrator); any other user gets 404 — not even whether it exists."""
    run = get_object_or_404(TaskRun, pk=pk)
    mine = run.requested_by_id == request.user.pk
    if not mine and (owner_only or not is_admin(request.user)):
        raise Http404("没有这个任务。")
    if run.job_id is not None:
        run = TaskRun.objects.filter(job_id=run.job_id).order_by("-pk").first() or run
    return run


@require_safe
@staff_required
def my_jobs(request):
    runs = TaskRun.objects.filter(requested_by=request.user).order_by("-pk")[: MY_RECENT * 3]
    return render(
        request, "core/jobs/mine.html", {"runs": _latest_per_job(runs)[:MY_RECENT], "now": timezone.now()}
    )


@require_safe
@staff_required
def my_job(request, pk: int):
    run = _my_run(request, pk)
    return render(
        request,
        "core/jobs/detail.html",
        {
            "run": run,
            "pk": pk,
            "file_available": run.file_available(),
            "mine": run.requested_by_id == request.user.pk,
        },
    )


@require_safe
@staff_required
def my_job_status(request, pk: int):
    """The progress bar's JSON (static/js/job_progress.js polls it)."""
    run = _my_run(request, pk)
    response = JsonResponse(
        {
            "state": run.state,
            "state_label": run.get_state_display(),
            "done": run.progress_done,
            "total": run.progress_total,
            "percent": run.percent,
            "stage": run.stage,
            "finished": run.is_finished,
            "url": run.result_url or reverse("core:my_job", args=[pk]),
            "error": run.error,
            "summary": run.summary,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def job_start_page(request, *, title: str, action: str, label: str, back_url: str):
    """What the address of a large document (an archive bundle, the quarterly analysis, a year's records)
    shows when it is opened directly: the button that posts to ``action`` — the view that queues its job, as
    the record's page does. A GET changes nothing; the caller has made the page's access checks."""
    context = {
        "title": title,
        "action": action,
        "label": label,
        "back_url": back_url,
        "keep_days": settings.JOB_FILE_DAYS,
    }
    return render(request, "core/jobs/start_page.html", context)


@require_safe
@staff_required
def my_job_file(request, pk: int):
    """The job's file, for the user who started it, while it is kept."""
    run = _my_run(request, pk, owner_only=True)
    if not run.file_available():
        raise Http404("文件已过保留期限或不存在。")
    try:
        handle = run.output.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件已过保留期限或不存在。") from exc
    return FileResponse(handle, as_attachment=True, filename=run.output_name or run.output.name or "")
