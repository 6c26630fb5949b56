"""Background and scheduled jobs on the PostgreSQL queue (Procrastinate; CONTRIBUTING says why).

One queue app — ``procrastinate.contrib.django.app`` — and each app's own ``tasks.py`` registering its jobs
with ``job`` / ``scheduled`` below (procrastinate's Django integration imports every installed app's
``tasks.py``); core never imports an app.

Every job runs through ``_run``: a ``TaskRun`` row records when it ran, what it did (the Chinese summary the
job returns) or the Chinese error that stopped it. A failed job is retried by the queue (``RETRY``) and can be
retried by an administrator (``retry``); jobs are written to be idempotent, so a second run does no harm.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from croniter import croniter
from django.db import close_old_connections, transaction
from django.utils import timezone
from procrastinate import RetryStrategy, exceptions
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.jobs import Status

from core.exceptions import DomainError
from core.models import TaskRun

logger = logging.getLogger(__name__)

# Three attempts, a minute apart: enough to ride out a restart of the database or a lock timeout.
RETRY = RetryStrategy(max_attempts=3, wait=60)


@dataclass(frozen=True)
class Scheduled:
    name: str
    label: str
    cron: str
    schedule: str  # the schedule in words, for the administrators' page
    func: Callable[[datetime], str] = field(compare=False, repr=False, default=lambda on: "")

    def next_run(self, after: datetime | None = None) -> datetime:
        """When the queue next runs it (the cron read in the town's time zone, as the workers read it)."""
        start = timezone.localtime(after or timezone.now())
        return croniter(self.cron, start).get_next(datetime)


# Filled by the apps' tasks.py as they are imported: the nightly round, in registration order (``last`` ones
# at the end).
scheduled_jobs: dict[str, Scheduled] = {}
_last: set[str] = set()


def error_text(exc: BaseException) -> str:
    """The Chinese message an administrator reads for a failed job."""
    if isinstance(exc, DomainError):
        return str(exc)
    detail = str(exc).strip() or exc.__class__.__name__
    return f"执行出错（{exc.__class__.__name__}）：{detail}"


def _run(context, name: str, label: str, func: Callable[..., str], *args, **kwargs) -> str:
    close_old_connections()
    requested_by_id = kwargs.pop("requested_by_id", None)
    job = context.job
    run = TaskRun.objects.create(
        task_name=name,
        label=label,
        job_id=job.id,
        attempt=job.attempts + 1,
        requested_by_id=requested_by_id,
    )
    try:
        summary = func(*args, **kwargs) or "已完成。"
    except Exception as exc:
        logger.exception("job %s (#%s) failed", name, job.id)
        run.state, run.error = TaskRun.State.FAILED, error_text(exc)
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "error", "finished_at"])
        raise
    finally:
        close_old_connections()
    run.state, run.summary, run.finished_at = TaskRun.State.SUCCEEDED, summary, timezone.now()
    run.save(update_fields=["state", "summary", "finished_at"])
    return summary


def job(name: str, label: str, *, retry=RETRY, lock: str | None = None, queueing_lock: str | None = None):
    """Register ``func`` (returning a Chinese summary) as the queue task ``name``, recorded as ``label``."""

    def decorate(func: Callable[..., str]):
        @functools.wraps(func)
        def task(context, *args, **kwargs):
            return _run(context, name, label, func, *args, **kwargs)

        return app.task(name=name, pass_context=True, retry=retry, lock=lock, queueing_lock=queueing_lock)(
            task
        )

    return decorate


def scheduled(name: str, label: str, *, cron: str, schedule: str, last: bool = False):
    """A job of the nightly round. ``func(on: datetime)`` gets the moment it was scheduled for. ``last``: run
    after the others when the round is run at once (``run_scheduled``) — the reminders, which read their marks.

    Runs once even with many workers on many hosts: the queue keeps one periodic job per task and timestamp
    (whichever worker defers it first wins), the queueing lock refuses a second one waiting beside it, and
    the lock keeps two from running at the same time.
    """

    def decorate(func: Callable[[datetime], str]):
        def at_timestamp(timestamp: int) -> str:
            return func(datetime.fromtimestamp(timestamp, tz=timezone.get_current_timezone()))

        task = job(name, label, lock=name, queueing_lock=name)(functools.wraps(func)(at_timestamp))
        app.periodic(cron=cron, periodic_id=name)(task)
        scheduled_jobs[name] = Scheduled(name=name, label=label, cron=cron, schedule=schedule, func=func)
        if not last:  # keep the jobs registered with ``last`` at the end, whatever is registered after them
            for later in [n for n in scheduled_jobs if n in _last]:
                scheduled_jobs[later] = scheduled_jobs.pop(later)
        else:
            _last.add(name)
        return task

    return decorate


def run_now(name: str, *, requested_by=None) -> int:
    """Queue one run of the scheduled job ``name`` now (an administrator's 「立即执行」); its queue id."""
    if name not in scheduled_jobs:
        raise DomainError("没有这个定时任务。")
    try:
        with transaction.atomic():  # a refused defer must not spoil the caller's transaction
            return app.configure_task(name, queueing_lock=name, lock=name).defer(
                timestamp=int(timezone.now().timestamp()),
                requested_by_id=getattr(requested_by, "pk", None),
            )
    except exceptions.AlreadyEnqueued as exc:
        raise DomainError(f"「{scheduled_jobs[name].label}」已在队列中等待执行，无需重复提交。") from exc


def run_inline(name: str, *, on: datetime | None = None, requested_by=None) -> TaskRun:
    """Run the scheduled job ``name`` here and now, without the queue (``manage.py run_scheduled``): the same
    function the workers run, recorded as a ``TaskRun`` like theirs. Refused while a worker runs it."""
    if name not in scheduled_jobs:
        raise DomainError(f"没有这个定时任务：{name}。")
    one = scheduled_jobs[name]
    if ProcrastinateJob.objects.filter(lock=name, status=Status.DOING.value).exists():
        raise DomainError(f"「{one.label}」正在执行，请稍后再试。")
    run = TaskRun.objects.create(
        task_name=name, label=one.label, requested_by_id=getattr(requested_by, "pk", None)
    )
    try:
        summary = one.func(on or timezone.now()) or "已完成。"
    except Exception as exc:
        run.state, run.error, run.finished_at = TaskRun.State.FAILED, error_text(exc), timezone.now()
        run.save(update_fields=["state", "error", "finished_at"])
        raise
    run.state, run.summary, run.finished_at = TaskRun.State.SUCCEEDED, summary, timezone.now()
    run.save(update_fields=["state", "summary", "finished_at"])
    return run


def retry(run: TaskRun) -> TaskRun:
    """Put the failed job behind ``run`` back in the queue, to run now (an administrator's retry)."""
    if run.state != TaskRun.State.FAILED:
        raise DomainError("只有失败的任务可以重新执行。")
    if run.job_id is None:  # run by hand on the server (run_scheduled), not taken from the queue
        raise DomainError("这次是在服务器上直接执行的，请用“立即执行”重新提交。")
    if not ProcrastinateJob.objects.filter(pk=run.job_id, status=Status.FAILED.value).exists():
        raise DomainError("该任务已不在失败状态（可能已重新执行或已被清理）。")
    app.job_manager.retry_job_by_id(run.job_id, retry_at=timezone.now())
    return run


def last_runs() -> list[tuple[Scheduled, TaskRun | None, datetime]]:
    """Each scheduled job with its latest run and its next run, for the administrators' page."""
    latest = {
        run.task_name: run
        for run in TaskRun.objects.filter(task_name__in=list(scheduled_jobs))
        .order_by("task_name", "-started_at")
        .distinct("task_name")  # the latest of each: DISTINCT ON, however many runs are kept
    }
    now = timezone.now()
    return [(one, latest.get(name), one.next_run(now)) for name, one in scheduled_jobs.items()]
