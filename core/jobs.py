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
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from croniter import croniter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import (
    DEFAULT_DB_ALIAS,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
    transaction,
)
from django.http import Http404, HttpRequest
from django.utils import timezone
from procrastinate import RetryStrategy, exceptions
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.jobs import Status

from core.exceptions import DomainError
from core.models import TaskRun, job_files
from core.rules import cite

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

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
    """The Chinese message an administrator reads for a failed job: a refusal with its rule IDs read as the
    regulations behind them (core.rules.cite)."""
    if isinstance(exc, DomainError):
        return cite(str(exc))
    detail = str(exc).strip() or exc.__class__.__name__
    return f"执行出错（{exc.__class__.__name__}）：{detail}"


@dataclass
class Outcome:
    """What a job started from a page returns instead of a bare summary: where the user lands, the rows of
    its result (e.g. every bad row of an import) and an optional file, kept ``JOB_FILE_DAYS`` days."""

    summary: str
    url: str = ""
    details: dict = field(default_factory=dict)
    file_name: str = ""
    content: bytes | None = None


class _Progress:
    """The running job's progress, written through a connection of its own: the job's work may sit inside one
    long transaction (an all-or-nothing import) that nobody else sees until it commits, the progress must be
    seen at once. Writes at most every ``EVERY`` seconds, and whenever the stage changes."""

    EVERY = 0.25

    def __init__(self, run: TaskRun):
        self.run_id = run.pk
        self.requested_by_id = run.requested_by_id
        self.stage = run.stage
        self.written = 0.0
        self.connection: BaseDatabaseWrapper | None = None

    def update(self, done: int, total: int | None, stage: str | None) -> None:
        now = time.monotonic()
        changed = stage is not None and stage != self.stage
        if not changed and now - self.written < self.EVERY and (total is None or done < total):
            return
        self.stage = stage if stage is not None else self.stage
        self.written = now
        if self.connection is None:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_taskrun SET progress_done = %s, progress_total = COALESCE(%s, progress_total),"
                " stage = %s WHERE id = %s",
                [done, total, self.stage, self.run_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


_current: ContextVar[_Progress | None] = ContextVar("core_jobs_progress", default=None)


def progress(done: int, total: int | None = None, stage: str | None = None) -> None:
    """Report how far the running job got (``done`` of ``total``, the Chinese ``stage``); outside a job (the
    same function called by a request) it does nothing. Cheap enough to call for every row."""
    current = _current.get()
    if current is not None:
        current.update(done, total, stage)


def current_run_id() -> int | None:
    current = _current.get()
    return current.run_id if current is not None else None


def _begin(job, name: str, label: str, requested_by_id, task_run_id) -> TaskRun:
    """The run's row: the one ``start`` wrote when a user queued the job (its first attempt), else a new one."""
    now = timezone.now()
    with transaction.atomic():
        run = (
            TaskRun.objects.select_for_update().filter(pk=task_run_id, state=TaskRun.State.QUEUED).first()
            if task_run_id
            else None
        )
        if run is not None:
            run.state, run.started_at, run.attempt, run.stage = (
                TaskRun.State.RUNNING,
                now,
                job.attempts + 1,
                "",
            )
            run.job_id = job.id
            run.save(update_fields=["state", "started_at", "attempt", "stage", "job_id"])
            return run
        first = (
            TaskRun.objects.filter(job_id=job.id).order_by("pk").first()
        )  # a retry keeps the first's facts
        return TaskRun.objects.create(
            task_name=name,
            label=first.label if first else label,
            job_id=job.id,
            attempt=job.attempts + 1,
            requested_by_id=requested_by_id,
            queued_at=first.queued_at if first else None,
            started_at=now,
        )


def _run(context, name: str, label: str, func: Callable[..., str | Outcome], *args, **kwargs) -> str:
    close_old_connections()
    requested_by_id = kwargs.pop("requested_by_id", None)
    task_run_id = kwargs.pop("task_run_id", None)
    job = context.job
    run = _begin(job, name, label, requested_by_id, task_run_id)
    tracker = _Progress(run)
    token = _current.set(tracker)
    try:
        result = func(*args, **kwargs) or "已完成。"
    except Exception as exc:
        logger.exception("job %s (#%s) failed", name, job.id)
        run.state, run.error = TaskRun.State.FAILED, error_text(exc)
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "error", "finished_at"])
        raise
    finally:
        _current.reset(token)
        tracker.close()
        close_old_connections()
    run.refresh_from_db(fields=["progress_done", "progress_total", "stage"])
    if isinstance(result, Outcome):
        _keep_outcome(run, result)
        summary = result.summary
    else:
        summary = result
    run.state, run.summary, run.finished_at, run.stage = TaskRun.State.SUCCEEDED, summary, timezone.now(), ""
    if run.progress_total:
        run.progress_done = run.progress_total
    run.save()
    return summary


def _keep_outcome(run: TaskRun, outcome: Outcome) -> None:
    run.result_url, run.details = outcome.url, outcome.details
    if outcome.content is not None:
        if run.output:  # a second run of the same job replaces its file
            run.output.delete(save=False)
        run.output.save(f"{run.pk}-{_safe_name(outcome.file_name)}", ContentFile(outcome.content), save=False)
        run.output_name = outcome.file_name
        run.expires_at = timezone.now() + timedelta(days=settings.JOB_FILE_DAYS)


def _safe_name(name: str) -> str:
    stem = "".join(ch if ch.isascii() and (ch.isalnum() or ch in ".-_") else "-" for ch in name)
    return stem.strip("-.") or "file"


def job(name: str, label: str, *, retry=RETRY, lock: str | None = None, queueing_lock: str | None = None):
    """Register ``func`` (returning a Chinese summary, or an ``Outcome``) as the queue task ``name``, recorded
    as ``label``."""

    def decorate(func: Callable[..., str | Outcome]):
        @functools.wraps(func)
        def task(context, *args, **kwargs):
            return _run(context, name, label, func, *args, **kwargs)

        labels[name] = label
        return app.task(name=name, pass_context=True, retry=retry, lock=lock, queueing_lock=queueing_lock)(
            task
        )

    return decorate


labels: dict[str, str] = {}


def start(task, *, user, label: str = "", total: int | None = None, **kwargs) -> TaskRun:
    """Queue ``task`` for ``user`` (who has passed the page's permission and scope checks — the job checks them
    again when it runs: the user may have lost the right meanwhile). Returns the run the page follows
    (``core:my_job``) until it is done. ``kwargs`` are the job's arguments (JSON: ids, not objects)."""
    # The row first (the job finds it by its id), then the job: whichever connection the queue defers through
    # (a worker in the same process swaps it), the row is there before any worker can take the job.
    now = timezone.now()
    run = TaskRun.objects.create(
        task_name=task.name,
        label=label or labels.get(task.name, task.name),
        requested_by=user,
        state=TaskRun.State.QUEUED,
        queued_at=now,
        started_at=now,
        progress_total=total,
        stage="排队等待中",
    )
    try:
        job_id = task.defer(requested_by_id=user.pk, task_run_id=run.pk, **kwargs)
    except Exception:
        run.delete()
        raise
    TaskRun.objects.filter(pk=run.pk, job_id__isnull=True).update(job_id=job_id)
    run.job_id = job_id
    return run


# Retry a job started from a page only when the database or the disk failed it: a refusal (DomainError — the
# user lost the right, the file is bad) would be refused again.
USER_RETRY = RetryStrategy(
    max_attempts=3, wait=30, retry_exceptions={OperationalError, InterfaceError, OSError}
)


def requester(*, staff: bool = True):
    """The user who started the running job, still active (and, with ``staff``, still holding a role): the job
    checks permission and scope again with them — they may have lost the right since they queued it."""
    from django.contrib.auth import get_user_model

    from core.access import roles_of

    current = _current.get()
    user_id = current.requested_by_id if current is not None else None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise DomainError("发起任务的账号已停用或不存在，任务未执行。")
    if staff and not roles_of(user):
        raise DomainError("发起任务的账号已没有工作人员角色，任务未执行。")
    return user


@contextmanager
def still_allowed(what: str = "该记录"):
    """Inside a job: the record lookups and permission checks the page made (``get_object_for_user`` …),
    made again; a refusal becomes the job's Chinese error instead of a 404 / 403."""
    try:
        yield
    except (Http404, PermissionDenied) as exc:
        raise DomainError(f"您已无权访问{what}（权限或管理范围已变更），任务未执行。") from exc


def origin(request: HttpRequest) -> dict[str, str]:
    """Where a job was asked from — the client's address as the request saw it and the path — passed with
    its arguments (JSON), so the log rows the job writes (a full ID number shown, R-MB-04) name them as the
    request would have."""
    meta: dict[str, str] = {
        key: str(request.META[key]) for key in ("REMOTE_ADDR", "HTTP_X_FORWARDED_FOR") if key in request.META
    }
    return {**meta, "PATH": request.get_full_path()}


def origin_request(user, asked_from: dict[str, str] | None) -> HttpRequest | None:
    """A stand-in for the request that queued the running job (``origin``'s answer), for the functions that
    log from a request; None when the job was queued without one."""
    if not asked_from:
        return None
    request = HttpRequest()
    request.user = user
    path, _, query = asked_from.get("PATH", "").partition("?")
    request.path = request.path_info = path
    request.META.update({k: v for k, v in asked_from.items() if k != "PATH"}, QUERY_STRING=query)
    return request


def keep_upload(data: bytes, suffix: str) -> str:
    """Keep an uploaded file's bytes for the job that reads it (the request is gone by then); the name to pass
    to the job. Deleted with the expired files (``purge_expired_files``)."""
    return job_files().save(f"uploads/{uuid.uuid4().hex}.{suffix}", ContentFile(data))


def read_upload_kept(name: str) -> bytes:
    storage = job_files()
    if not storage.exists(name):
        raise DomainError("上传的文件已过保留期限被删除，请重新上传。")
    with storage.open(name, "rb") as handle:
        return handle.read()


def purge_expired_files(now: datetime | None = None) -> int:
    """Delete the jobs' files whose time is up, and uploads older than ``JOB_FILE_DAYS``; how many."""
    now = now or timezone.now()
    removed = 0
    for run in TaskRun.objects.filter(expires_at__lte=now).exclude(output=""):
        run.output.delete(save=False)
        TaskRun.objects.filter(pk=run.pk).update(output="")
        removed += 1
    storage = job_files()
    cutoff = now - timedelta(days=settings.JOB_FILE_DAYS)
    if storage.exists("uploads"):
        for name in storage.listdir("uploads")[1]:
            path = f"uploads/{name}"
            if storage.get_modified_time(path) <= cutoff:
                storage.delete(path)
                removed += 1
    return removed


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
