"""Jobs through the real queue (Procrastinate on PostgreSQL), a worker run in the test process.

The worker opens its own connections, so these tests commit (transactional_db) like production does.
"""

import asyncio
import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.periodic import PeriodicDeferrer

from core import jobs
from core.exceptions import DomainError
from core.models import Reminder, TaskRun
from tests.factories import recruitment as b

pytestmark = pytest.mark.django_db(transaction=True)

FAILING = {"times": 0}


@pytest.fixture(autouse=True)
def _empty_queue(transactional_db):
    """The queue's tables are not Django-managed, so the flush between transactional tests leaves them:
    start each test with an empty queue."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_periodic_defers, procrastinate_events, "
            "procrastinate_workers CASCADE"
        )


@jobs.job("tests.echo", "测试：回声", retry=False)
def echo(word: str) -> str:
    return f"收到：{word}"


@jobs.job("tests.flaky", "测试：偶发失败", retry=RetryStrategy(max_attempts=2, wait=0))
def flaky() -> str:
    if not TaskRun.objects.filter(task_name="tests.flaky", state=TaskRun.State.FAILED).exists():
        raise ConnectionError("数据库连接中断")
    return "第二次成功。"


@jobs.job("tests.broken", "测试：出错", retry=False)
def broken() -> str:
    if FAILING["times"] > 0:
        FAILING["times"] -= 1
        raise DomainError("介绍信编号已用完，请联系管理员。")
    return "修好后成功。"


def due_jobs() -> int:
    return ProcrastinateJob.objects.filter(status="todo", scheduled_at__lte=timezone.now()).count() + (
        ProcrastinateJob.objects.filter(status="todo", scheduled_at__isnull=True).count()
    )


def run_workers(count: int = 1) -> None:
    """Run ``count`` workers side by side until no job is due (a worker with wait=False stops as soon as it
    finds nothing to fetch, which can be while a sibling's job is about to be retried)."""
    for _ in range(5):
        _run_workers(count)
        if not due_jobs():
            return


def _in_own_loop(make_coroutine) -> None:
    """``asyncio.run`` in a thread of its own: after a browser test, Playwright keeps an event loop running in
    the test's thread, where ``asyncio.run`` refuses to start."""
    failures: list[BaseException] = []

    def target():
        try:
            asyncio.run(make_coroutine())
        except BaseException as exc:  # re-raised in the test's thread
            failures.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def _run_workers(count: int) -> None:
    async def go():
        with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
            async with worker_app.open_async():
                await asyncio.gather(
                    *(
                        worker_app.run_worker_async(
                            wait=False,
                            install_signal_handlers=False,
                            listen_notify=False,
                            name=f"worker-{n}",
                            concurrency=2,
                            fetch_job_polling_interval=0.05,
                        )
                        for n in range(count)
                    )
                )

    _in_own_loop(go)


# Each test here commits and costs a database flush (seconds on a busy machine): few tests, each telling a story.


def test_a_job_runs_once_and_records_its_result_even_with_two_workers_on_the_queue():
    job_id = echo.defer(word="你好")
    run_workers()
    run = TaskRun.objects.get(job_id=job_id)
    assert (run.state, run.summary, run.label) == (TaskRun.State.SUCCEEDED, "收到：你好", "测试：回声")
    assert run.finished_at >= run.started_at

    ids = [echo.defer(word=str(n)) for n in range(12)]
    run_workers(count=2)
    echoes = TaskRun.objects.filter(task_name="tests.echo").exclude(job_id=job_id)
    assert sorted(echoes.values_list("job_id", flat=True)) == sorted(ids)


def test_a_scheduled_job_runs_once_per_moment_and_once_at_a_time_R_SV_10():
    """Two deferrers (and the worker's own) reaching the same tick of the 15-minute overdue round queue one
    job; a second 「立即执行」 while one waits is refused."""
    periodic = app.periodic_registry.periodic_tasks[("services.mark_overdue", "services.mark_overdue")]
    tick = int(timezone.now().timestamp()) // 900 * 900  # the latest */15 tick

    async def defer_from_two_workers():
        with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
            async with worker_app.open_async():
                for _ in range(2):
                    await PeriodicDeferrer(registry=worker_app.periodic_registry).defer_jobs(
                        [(periodic, tick)]
                    )

    _in_own_loop(defer_from_two_workers)
    jobs.run_now("conversion.close_transitions")
    with pytest.raises(DomainError, match="已在队列中等待执行"):
        jobs.run_now("conversion.close_transitions")
    run_workers()
    runs = TaskRun.objects.filter(
        task_name__in=["conversion.close_transitions", "services.mark_overdue"]
    ).order_by("task_name")
    assert [(r.task_name, r.state, r.summary) for r in runs] == [
        ("conversion.close_transitions", TaskRun.State.SUCCEEDED, "没有过渡期届满的案件。"),
        ("services.mark_overdue", TaskRun.State.SUCCEEDED, "没有新的超期办件。"),
    ]


def test_a_failed_job_is_retried_by_the_queue_and_by_an_administrator_with_its_error_in_chinese():
    job_id = flaky.defer()
    run_workers()
    runs = TaskRun.objects.filter(job_id=job_id).order_by("attempt")
    assert [(r.attempt, r.state) for r in runs] == [(1, TaskRun.State.FAILED), (2, TaskRun.State.SUCCEEDED)]
    assert runs[0].error == "执行出错（ConnectionError）：数据库连接中断"

    FAILING["times"] = 1
    job_id = broken.defer()
    run_workers()
    failed = TaskRun.objects.get(job_id=job_id)
    assert (failed.state, failed.error) == (TaskRun.State.FAILED, "介绍信编号已用完，请联系管理员。")
    jobs.retry(failed)
    with pytest.raises(DomainError):
        jobs.retry(failed)  # already back in the queue
    run_workers()
    latest = TaskRun.objects.filter(job_id=job_id).latest("started_at")
    assert (latest.state, latest.summary) == (TaskRun.State.SUCCEEDED, "修好后成功。")
    assert latest.attempt > failed.attempt


@override_settings(REMINDER_EMAIL=True)
def test_the_reminders_round_deferred_twice_for_one_tick_runs_once_and_emails_once(branch_a, secretary_a):
    """Two workers, the hourly reminders job deferred twice for the same moment: one run, one email."""
    b.candidate(
        branch_a, applied_on=date(2026, 10, 1), name="陈小明"
    )  # the talk was due in November (R-RC-02)
    secretary_a.email = "zhang@example.cn"
    secretary_a.save(update_fields=["email"])
    periodic = app.periodic_registry.periodic_tasks[("core.reminders", "core.reminders")]
    tick = int(timezone.now().timestamp()) // 3600 * 3600 + 300

    async def defer_twice():
        with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
            async with worker_app.open_async():
                for _ in range(2):
                    await PeriodicDeferrer(registry=worker_app.periodic_registry).defer_jobs(
                        [(periodic, tick)]
                    )

    _in_own_loop(defer_twice)
    run_workers(count=2)
    run = TaskRun.objects.get(task_name="core.reminders")
    assert run.summary == "新提醒1条；发送邮件1封、短信0条。"
    assert [m.to for m in mail.outbox] == [["zhang@example.cn"]]
    assert Reminder.objects.get().text.startswith("陈小明的入党谈话已于")
