"""Demo data for 我的任务 (core.registry.register_demo; idempotent): the clerk's jobs in every state the pages
show — queued, running with its bar, done with a file to download, an import refused with its bad rows, a
failed job with its Chinese error, a file past its time. Rows only: nothing is put in the queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone

from core.models import TaskRun

State = TaskRun.State


def generate(*, size: int, rng, stdout=None) -> str:
    clerk = User.objects.filter(username="clerk").first()
    if clerk is None:
        return "我的任务：没有演示账号 clerk，跳过。"
    now = timezone.now()
    keep = timedelta(days=settings.JOB_FILE_DAYS)
    rows: list[tuple[str, str, str, dict[str, Any]]] = [
        (
            "members.import_file",
            "导入党员（1200行）",
            State.QUEUED,
            {"stage": "排队等待中", "progress_total": 1200},
        ),
        (
            "members.import_file",
            "导入党员（3000行）",
            State.RUNNING,
            {"stage": "逐行检查", "progress_done": 1800, "progress_total": 3000},
        ),
        (
            "members.export_members",
            "导出党员名册",
            State.SUCCEEDED,
            {"summary": "已导出党员3名。", "output_name": "members-demo.csv", "expires_at": now + keep},
        ),
        (
            "members.import_file",
            "导入党员（800行）",
            State.SUCCEEDED,
            {
                "summary": "导入失败：共2处错误，未导入任何数据。",
                "details": {
                    "errors": [[5, "出生日期：日期格式不正确"], [17, "公民身份号码：校验位不正确"]],
                    "created": 0,
                    "updated": 0,
                    "skipped": 0,
                },
            },
        ),
        (
            "reports.analysis_pdf",
            "生成2026年第3季度党员教育管理分析",
            State.FAILED,
            {"error": "发起任务的账号已没有工作人员角色，任务未执行。"},
        ),
        (
            "services.records_csv",
            "导出2025年便民服务记录",
            State.SUCCEEDED,
            {
                "summary": "已导出2025年便民服务记录12件。",
                "output_name": "service-records-2025.csv",
                "expires_at": now - timedelta(days=1),
            },
        ),
    ]
    made = 0
    for n, (task, label, state, extra) in enumerate(rows):
        started = now - timedelta(minutes=10 * (len(rows) - n))
        run, created = TaskRun.objects.get_or_create(
            task_name=task,
            label=label,
            requested_by=clerk,
            defaults={
                "state": state,
                "queued_at": started,
                "started_at": started,
                "finished_at": started + timedelta(minutes=1)
                if state in (State.SUCCEEDED, State.FAILED)
                else None,
                **extra,
            },
        )
        if created:
            made += 1
            if run.output_name and run.expires_at and run.expires_at > now:
                run.output.save(
                    f"{run.pk}-{run.output_name}", ContentFile("姓名\n张三\n".encode("utf-8-sig")), save=True
                )
    return f"我的任务：新建演示任务{made}条（排队、执行中、已完成、失败、文件过期各状态）。"
