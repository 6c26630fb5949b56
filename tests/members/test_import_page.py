"""导入 (members:import): a small file is imported in the request, all or nothing, every bad row listed; a big
one is queued as a job (tests/jobs/test_user_jobs.py runs it). Who may import: members.importing.may_import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from core.models import TaskRun
from members.models import Member
from tests.jobs.test_user_jobs import csv_bytes, member_rows

pytestmark = pytest.mark.django_db


def _post(client, rows, kind="members"):
    upload = SimpleUploadedFile("党员.csv", csv_bytes(rows))
    return client.post(reverse("members:import"), {"kind": kind, "file": upload})


def test_a_small_file_is_imported_in_the_request_and_a_bad_row_imports_nothing(client, branch_a, clerk):
    client.force_login(clerk)
    assert "导入" in client.get(reverse("members:list")).content.decode()
    bad = list(member_rows(3))
    bad[2][3] = "110101199001011234"  # a wrong check digit
    page = _post(client, bad)
    assert (
        page.status_code == 200
        and "第4行" in page.content.decode()
        and "未导入任何数据" in page.content.decode()
    )
    assert not Member.objects.exists()
    response = _post(client, member_rows(3))
    assert response.status_code == 302 and Member.objects.count() == 3
    assert not TaskRun.objects.exists()


@override_settings(JOB_ROWS_THRESHOLD=2)
def test_a_file_above_the_threshold_is_queued_and_the_page_lands_on_the_job(client, branch_a, clerk):
    client.force_login(clerk)
    response = _post(client, member_rows(3))
    run = TaskRun.objects.get()
    assert response["Location"] == reverse("core:my_job", args=[run.pk])
    assert (run.state, run.label, run.progress_total) == (TaskRun.State.QUEUED, "导入党员（3行）", 3)
    assert not Member.objects.exists()  # the job imports it
    page = client.get(response["Location"]).content.decode()
    assert "job_progress.js" in page and "<progress" in page and "style=" not in page


def test_who_may_import_what(client, branch_a, secretary_a, auditor, admin_user):
    client.force_login(auditor)
    assert client.post(reverse("members:import")).status_code == 403
    client.force_login(secretary_a)  # their own members only (the import checks each row), no organisations
    choices = client.get(reverse("members:import")).context["form"].fields["kind"].choices
    assert [value for value, _ in choices] == ["members"]
    refused = _post(client, member_rows(1), kind="organizations")  # not a choice for them
    assert refused.status_code == 200 and refused.context["form"].errors["kind"]
    outside = _post(client, member_rows(1, org="西村党支部"))  # a new member: the center's to enter
    assert "不在您管理的党组织中" in outside.content.decode() and not Member.objects.exists()
    client.force_login(admin_user)
    choices = client.get(reverse("members:import")).context["form"].fields["kind"].choices
    assert [value for value, _ in choices] == ["members", "organizations"]
