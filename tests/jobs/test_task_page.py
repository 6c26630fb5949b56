"""后台任务: administrators see when each scheduled job last ran and what it did, and retry a failed one."""

import pytest
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from core.models import TaskRun

pytestmark = pytest.mark.django_db


def test_the_administrator_sees_each_scheduled_job_with_its_last_run_and_error_in_chinese(client, admin_user):
    TaskRun.objects.create(
        task_name="services.mark_overdue",
        label="认定超期办件",
        state=TaskRun.State.SUCCEEDED,
        summary="认定超期2件：A、B。",
    )
    TaskRun.objects.create(
        task_name="conversion.close_transitions",
        label="过渡期届满结案",
        state=TaskRun.State.FAILED,
        error="执行出错（OperationalError）：数据库连接中断",
    )
    client.force_login(admin_user)
    page = client.get(reverse("core:task_index")).content.decode()
    for text in [
        "认定超期办件",
        "每15分钟",
        "认定超期2件：A、B。",
        "过渡期届满结案",
        "数据库连接中断",
        "重新执行",
    ]:
        assert text in page
    assert "标记失联流动党员" in page and "尚未执行" in page


def test_run_now_queues_the_job_once_and_a_second_click_is_refused_in_chinese(client, admin_user):
    client.force_login(admin_user)
    url = reverse("core:task_run_now", args=["services.mark_overdue"])
    queued = ProcrastinateJob.objects.filter(task_name="services.mark_overdue", status="todo").count()
    client.post(url)
    page = client.post(url, follow=True).content.decode()
    assert "已在队列中等待执行" in page
    assert (
        ProcrastinateJob.objects.filter(task_name="services.mark_overdue", status="todo").count()
        == queued + 1
    )


def test_a_run_that_has_not_failed_cannot_be_retried(client, admin_user):
    run = TaskRun.objects.create(task_name="tests.echo", label="测试", state=TaskRun.State.SUCCEEDED)
    client.force_login(admin_user)
    page = client.post(reverse("core:task_retry", args=[run.pk]), follow=True).content.decode()
    assert "只有失败的任务可以重新执行" in page


def test_only_administrators_open_the_task_page(client, clerk):
    queued = ProcrastinateJob.objects.count()
    client.force_login(clerk)
    assert client.get(reverse("core:task_index")).status_code == 403
    assert client.post(reverse("core:task_run_now", args=["services.mark_overdue"])).status_code == 403
    assert ProcrastinateJob.objects.count() == queued


def test_the_demo_shows_my_jobs_in_every_state_and_runs_twice_harmlessly(client):
    import random

    from core import demo
    from core.access import Role
    from tests import factories

    clerk = factories.make_user(Role.CLERK, username="clerk")
    demo.generate(size=10, rng=random.Random(1))
    demo.generate(size=10, rng=random.Random(1))
    runs = TaskRun.objects.filter(requested_by=clerk)
    assert runs.count() == 6
    assert set(runs.values_list("state", flat=True)) == set(TaskRun.State.values)
    client.force_login(clerk)
    page = client.get(reverse("core:my_jobs")).content.decode()
    for text in ["排队中", "执行中", "60%", "下载", "已过期", "导入失败：共2处错误", "已没有工作人员角色"]:
        assert text in page, text
    refused = runs.get(label="导入党员（800行）")
    detail = client.get(reverse("core:my_job", args=[refused.pk])).content.decode()
    assert "第17行：公民身份号码：校验位不正确" in detail
