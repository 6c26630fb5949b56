"""Run a job queued by a page (core.jobs.start) here, inside the test's transaction: the same task function a
worker runs (core.jobs._run: the TaskRun row, the Outcome's file), for tests about what a document holds or
logs. Tests about the queue itself run real workers (tests/jobs/test_queue.py: run_workers)."""

from types import SimpleNamespace

from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from core import jobs
from core.models import TaskRun


def run_inline(run: TaskRun, monkeypatch) -> TaskRun:
    """The job behind ``run``, run once as a worker would; the run afterwards (its summary, error or file)."""
    queued = ProcrastinateJob.objects.get(pk=run.job_id)
    task = app.tasks[queued.task_name]
    # A worker closes stale connections around a job; here that connection holds the test's transaction.
    monkeypatch.setattr(jobs, "close_old_connections", lambda: None)
    context = SimpleNamespace(job=SimpleNamespace(id=queued.pk, attempts=queued.attempts))
    try:
        task.func(context, **queued.args)
    except Exception:  # recorded on the run (state, Chinese error), as for a worker
        pass
    return TaskRun.objects.filter(job_id=queued.pk).order_by("-pk").first() or run


def run_started(response, monkeypatch) -> TaskRun:
    """The job a page's button queued (``response`` redirects to its 我的任务 page), run inline."""
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    return run_inline(TaskRun.objects.get(pk=pk), monkeypatch)


def file_of(client, run: TaskRun) -> bytes:
    """The job's file, downloaded as its owner does from 我的任务."""
    from django.urls import reverse

    response = client.get(reverse("core:my_job_file", args=[run.pk]))
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def job_file(client, url: str, monkeypatch) -> bytes:
    """Press the button posting to ``url`` (a view queuing a job), run the job, download its file."""
    run = run_started(client.post(url), monkeypatch)
    assert run.error == "", run.error
    return file_of(client, run)
