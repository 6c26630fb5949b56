"""后台任务: the administrators' page of the queue — the nightly round's last runs, recent jobs, retries."""

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from core import jobs
from core.access import Role, staff_required
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
