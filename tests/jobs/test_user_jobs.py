"""Long work started from a page, through the real queue (core.jobs.start): progress, result, 我的任务, files.

Each test commits (the worker has its own connections): few tests, each telling a story.
"""

import os
from datetime import date, timedelta

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core import jobs
from core.access import Role
from core.idnumbers import make_id_number
from core.models import TaskRun
from members.importing import import_members
from members.member_import import CHECKING, WRITING
from members.models import Member, MemberStatusEvent
from members.tasks import export_members_job, start_import
from tests import factories
from tests.jobs.test_queue import _empty_queue, run_workers  # noqa: F401 (the fixture empties the queue)

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = ["姓名", "性别", "出生日期", "公民身份号码", "所在党组织", "党员状态", "入党日期", "转正日期"]


def member_rows(count: int, *, first: int = 0, org: str = "东村党支部"):
    """``count`` valid rows with distinct ID numbers: a birth date per thousand, a sequence within it."""
    for n in range(first, first + count):
        born = date(1950, 1, 1) + timedelta(days=n // 1000)
        yield [
            f"党员{n}",
            "男",
            born.isoformat(),
            make_id_number("320102", born, n % 1000),
            org,
            "正式党员",
            "2005-07-01",
            "2006-07-01",
        ]


def csv_bytes(rows) -> bytes:
    data = tablib.Dataset(*rows, headers=HEADERS)
    return data.export("csv").encode("utf-8-sig")


def test_a_10000_row_import_through_the_job_reports_progress_and_ends_as_the_direct_import(
    branch_a, clerk, client, monkeypatch
):
    content = csv_bytes(member_rows(10_000))
    direct = import_members(file=content, file_format="csv", user=clerk, dry_run=True)
    assert direct.ok and direct.created == 10_000

    seen: list[tuple[int, int | None, str | None]] = []
    outside: list[int] = []
    real_update = jobs._Progress.update

    def spy(self, done, total, stage):
        seen.append((done, total, stage))
        written = self.written
        real_update(self, done, total, stage)
        if stage == WRITING and done and self.written != written and not outside:
            # Mid-write, inside the import's one transaction: another connection already sees the progress
            # (of the first part-way report written — reports are throttled, and the COPY can be quicker).
            other = connections.create_connection(DEFAULT_DB_ALIAS)
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT progress_done FROM core_taskrun WHERE id = %s", [self.run_id])
                    outside.append(cursor.fetchone()[0])
            finally:
                other.close()

    monkeypatch.setattr(jobs._Progress, "update", spy)
    run = start_import(user=clerk, kind="members", data=content, file_format="csv", rows=10_000)
    assert (run.state, run.progress_total, run.requested_by) == (TaskRun.State.QUEUED, 10_000, clerk)
    client.force_login(clerk)
    queued = client.get(reverse("core:my_job_status", args=[run.pk])).json()
    assert (queued["state_label"], queued["finished"], queued["percent"]) == ("排队中", False, 0)

    run_workers()

    run.refresh_from_db()
    assert run.state == TaskRun.State.SUCCEEDED, run.error
    assert run.summary == "导入完成：新增10000条，更新0条，无变化0条。"
    assert (run.details["created"], run.details["updated"], run.details["errors"]) == (10_000, 0, [])
    assert (run.progress_done, run.progress_total, run.percent) == (10_000, 10_000, 100)
    stages = [stage for _, _, stage in seen]
    assert stages[0] == "读取文件" and CHECKING in stages and stages[-1] == WRITING
    checked = [done for done, _, stage in seen if stage == CHECKING]
    assert checked == sorted(checked) and checked[-1] == 9_999 and len(checked) > 10_000
    assert outside and outside[0] > 0
    assert Member.objects.count() == MemberStatusEvent.objects.count() == 10_000
    assert run.queued_at <= run.started_at <= run.finished_at

    status = client.get(reverse("core:my_job_status", args=[run.pk])).json()
    assert (status["finished"], status["percent"], status["url"]) == (True, 100, f"/jobs/{run.pk}/")
    page = client.get(reverse("core:my_job", args=[run.pk])).content.decode()
    assert "导入完成：新增10000条" in page and "job_progress.js" not in page

    # The same file again, directly: nothing changes — the job wrote exactly what the direct import would.
    again = import_members(file=content, file_format="csv", user=clerk)
    assert (again.created, again.updated, again.skipped) == (0, 0, 10_000)


def test_bad_rows_two_workers_a_lost_right_retried_by_the_administrator_in_chinese(
    branch_a, clerk, admin_user, client
):
    bad = list(member_rows(3))
    bad[1][2] = "1999-13-40"  # no such date
    bad_file = csv_bytes(bad)
    direct = import_members(file=bad_file, file_format="csv", user=clerk, dry_run=True)
    runs = [
        start_import(user=clerk, kind="members", data=bad_file, file_format="csv", rows=3),
        *(
            start_import(
                user=clerk,
                kind="members",
                data=csv_bytes(member_rows(5, first=100 * n)),
                file_format="csv",
                rows=5,
            )
            for n in range(1, 5)
        ),
    ]
    # The admin's import of a file above the threshold queues the same job instead of its preview.
    client.force_login(admin_user)
    with override_settings(JOB_ROWS_THRESHOLD=4):
        response = client.post(
            "/admin/members/member/import/",
            {
                "resource": "0",
                "format": "1",
                "import_file": SimpleUploadedFile("m.csv", csv_bytes(member_rows(5, first=600))),
            },
        )
    runs.append(TaskRun.objects.get(requested_by=admin_user, task_name="members.import_file"))
    assert response["Location"] == reverse("core:my_job", args=[runs[-1].pk])
    run_workers(count=2)
    # Two workers on one queue: each job ran exactly once.
    imports = TaskRun.objects.filter(
        task_name="members.import_file"
    )  # not a periodic job the worker deferred
    assert sorted(imports.values_list("job_id", flat=True)) == sorted(r.job_id for r in runs)
    assert set(imports.values_list("attempt", flat=True)) == {1}
    failed_import = TaskRun.objects.get(pk=runs[0].pk)
    assert failed_import.state == TaskRun.State.SUCCEEDED  # the job ran; the import refused the file
    assert [tuple(e) for e in failed_import.details["errors"]] == direct.errors and direct.errors
    assert failed_import.summary == direct.summary
    assert Member.objects.count() == 25
    client.force_login(clerk)
    page = client.get(reverse("core:my_job", args=[runs[0].pk])).content.decode()
    assert f"第{direct.errors[0][0]}行：" in page and "未导入任何数据" in page

    # The clerk loses the right between queueing and running: the job checks again and refuses, in Chinese.
    lost = start_import(
        user=clerk, kind="members", data=csv_bytes(member_rows(2, first=900)), file_format="csv", rows=2
    )
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    run_workers()
    lost.refresh_from_db()
    assert (lost.state, lost.error) == (TaskRun.State.FAILED, "发起任务的账号已停用或不存在，任务未执行。")
    assert lost.attempt == 1  # a refusal is not retried by the queue
    client.force_login(admin_user)
    assert "发起任务的账号已停用或不存在" in client.get(reverse("core:task_index")).content.decode()
    clerk.is_active = True
    clerk.save(update_fields=["is_active"])
    response = client.post(reverse("core:task_retry", args=[lost.pk]))
    assert response.status_code == 302
    run_workers()
    client.force_login(clerk)
    status = client.get(reverse("core:my_job_status", args=[lost.pk])).json()
    assert (status["state_label"], status["finished"]) == ("已完成", True), status
    assert Member.objects.count() == 27
    mine = client.get(reverse("core:my_jobs")).content.decode()
    assert mine.count(">导入党员（") == 6  # one line per job, the retried one by its latest attempt


@override_settings(JOB_ROWS_THRESHOLD=2)
def test_a_big_export_is_a_file_only_its_owner_downloads_until_it_expires(branch_a, clerk, client):
    for _ in range(3):
        factories.make_member(organization=branch_a)
    other = factories.make_user(Role.CLERK, username="other_clerk")
    admin = factories.make_user(Role.ADMIN, username="another_admin", is_superuser=True)
    client.force_login(clerk)
    response = client.post(reverse("members:export"))
    run = TaskRun.objects.get(task_name="members.export_members")
    assert response.status_code == 302 and response["Location"] == reverse("core:my_job", args=[run.pk])
    run_workers()
    run.refresh_from_db()
    assert (run.state, run.summary) == (TaskRun.State.SUCCEEDED, "已导出党员3名。"), run.error
    assert run.output_name.endswith(".xlsx") and run.expires_at > timezone.now() + timedelta(days=6)
    download = client.get(reverse("core:my_job_file", args=[run.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"PK")
    assert "下载" in client.get(reverse("core:my_jobs")).content.decode()

    client.force_login(other)  # another user: not the page, not the status, not the file, not in their list
    for name in ["core:my_job", "core:my_job_status", "core:my_job_file"]:
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    assert "导出党员名册" not in client.get(reverse("core:my_jobs")).content.decode()
    client.force_login(admin)  # the administrator sees the job, the file stays its owner's
    assert client.get(reverse("core:my_job", args=[run.pk])).status_code == 200
    assert client.get(reverse("core:my_job_file", args=[run.pk])).status_code == 404

    # The admin's export above the threshold: the admin's own export, filtered and scoped, by a job.
    client.force_login(admin)
    factories.make_member(organization=factories.make_branch("西村党支部", code="WEST"), name="西村党员")
    chosen = {f"memberresource_{name}": "on" for name in ("name", "id_number")}
    url = reverse("admin:members_member_export") + f"?organization__id__exact={branch_a.pk}"
    response = client.post(url, {"format": "1", "resource": "0", **chosen})
    admin_run = TaskRun.objects.get(task_name="members.admin_export")
    assert response["Location"] == reverse("core:my_job", args=[admin_run.pk])
    run_workers()
    admin_run.refresh_from_db()
    assert (admin_run.state, admin_run.summary) == (TaskRun.State.SUCCEEDED, "已导出党员3条。"), (
        admin_run.error
    )
    exported = b"".join(client.get(reverse("core:my_job_file", args=[admin_run.pk])).streaming_content)
    text = exported.decode("utf-8-sig")
    assert text.count("\n") >= 3 and "西村党员" not in text and admin_run.output_name.endswith(".csv")

    path = run.output.path
    TaskRun.objects.filter(pk=run.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    jobs.run_now("core.purge_job_files")
    run_workers()
    assert TaskRun.objects.filter(task_name="core.purge_job_files").get().summary == "删除过期文件1个。"
    assert os.path.exists(admin_run.output.path)  # not expired yet
    assert not os.path.exists(path)
    client.force_login(clerk)
    assert client.get(reverse("core:my_job_file", args=[run.pk])).status_code == 404
    assert "已过期" in client.get(reverse("core:my_jobs")).content.decode()
    assert export_members_job.name == "members.export_members"


def test_bundles_reports_records_and_the_calendar_run_as_jobs_and_land_on_their_result_R_SV_07(
    branch_a, clerk, admin_user, client
):
    """Each page's button queues the job (the same function the download calls), the job leaves its file in
    我的任务; the calendar notice loads the year and makes its deadlines final."""
    from core import dates
    from core.models import CalendarDay, CalendarYear
    from tests.factories.services import at, register
    from tests.pdfutils import pdf_text

    member = factories.make_member(organization=branch_a, name="档案测试人")
    register(clerk, when=at(2026, 3, 2), applicant_name="办事人甲")
    client.force_login(clerk)
    started = [
        client.post(reverse("members_print:member_archive_job", args=[member.pk])),
        client.post(reverse("services:records_job", args=[2026])),
        client.post(reverse("reports:analysis_job") + "?year=2026&part=q1"),
    ]
    assert [r.status_code for r in started] == [302, 302, 302]
    run_workers()
    runs = {run.task_name: run for run in TaskRun.objects.filter(requested_by=clerk)}
    assert {name: run.state for name, run in runs.items()} == dict.fromkeys(
        ["members.archive_pdf", "services.records_csv", "reports.analysis_pdf"], TaskRun.State.SUCCEEDED
    ), {name: run.error for name, run in runs.items()}
    archive = runs["members.archive_pdf"]
    assert started[0]["Location"] == reverse("core:my_job", args=[archive.pk])
    assert archive.output_name == "党员档案-档案测试人.pdf"
    pdf = b"".join(client.get(reverse("core:my_job_file", args=[archive.pk])).streaming_content)
    assert "档案测试人" in pdf_text(pdf)
    records = b"".join(
        client.get(reverse("core:my_job_file", args=[runs["services.records_csv"].pk])).streaming_content
    )
    assert "办事人甲" in records.decode("utf-8-sig") and runs["services.records_csv"].summary.endswith(
        "1件。"
    )
    analysis = runs["reports.analysis_pdf"]
    assert analysis.output_name == "quarterly-analysis-2026-q1.pdf"
    assert "分析" in pdf_text(
        b"".join(client.get(reverse("core:my_job_file", args=[analysis.pk])).streaming_content)
    )

    # The calendar notice: checked in the request, loaded (and deadlines recomputed) by the job.
    client.force_login(admin_user)
    csv = "日期,类型,名称\n2030-01-01,节假日,元旦\n2030-01-05,调休上班日,元旦调休\n".encode()
    assert dates.deadline(date(2029, 12, 31), days=1).provisional
    response = client.post(
        "/admin/core/calendaryear/import-notice/",
        {"year": 2030, "source": "国办发明电", "file": SimpleUploadedFile("n.csv", csv)},
    )
    load = TaskRun.objects.get(task_name="core.load_calendar")
    assert response["Location"] == reverse("core:my_job", args=[load.pk])
    assert not CalendarYear.objects.filter(year=2030).exists()
    run_workers()
    load.refresh_from_db()
    assert load.summary == "已载入2030年：节假日1天，调休上班日1天；相关期限已重新计算。", load.error
    assert client.get(reverse("core:my_job_status", args=[load.pk])).json()["url"] == (
        "/admin/core/calendaryear/"
    )
    assert CalendarDay.objects.get(date=date(2030, 1, 5)).kind == "workday"
    dates.invalidate_calendar_cache()
    assert dates.deadline(date(2029, 12, 31), days=1) == dates.Deadline(date(2030, 1, 2), provisional=False)
