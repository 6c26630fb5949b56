"""The member-list export: posted by the list's button, scoped, and masked for roles that do not see full ID
numbers (R-MB-04)."""

import pytest
import tablib
from django.test import override_settings
from django.urls import reverse

from core.models import IdNumberView, TaskRun

pytestmark = pytest.mark.django_db


def _rows(response):
    data = tablib.Dataset().load(response.content, format="xlsx")
    return [dict(zip(data.headers, row, strict=True)) for row in data]


def test_export_of_a_secretary_holds_only_her_branch_with_masked_id_numbers_R_MB_04(
    as_user, secretary_a, member_a, member_b
):
    response = as_user(secretary_a).post(reverse("members:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = _rows(response)
    assert [r["姓名"] for r in rows] == ["张三"]
    assert rows[0]["公民身份号码"] != member_a.id_number and "*" in rows[0]["公民身份号码"]


def test_export_of_the_clerk_holds_every_member_in_full_R_MB_04(as_user, clerk, member_a, member_b):
    rows = _rows(as_user(clerk).post(reverse("members:export")))
    assert {r["姓名"] for r in rows} == {"张三", "李四"}
    assert member_a.id_number in {r["公民身份号码"] for r in rows}


def test_export_follows_the_search(as_user, clerk, member_a, member_b):
    rows = _rows(as_user(clerk).post(reverse("members:export") + "?q=ls"))
    assert [r["姓名"] for r in rows] == ["李四"]


def test_anonymous_cannot_export(as_user, member_a):
    response = as_user(None).post(reverse("members:export"))
    assert response.status_code == 302


def test_user_without_role_cannot_export(db, as_user, member_a):
    from tests import factories

    assert as_user(factories.make_user(None)).post(reverse("members:export")).status_code == 403


@override_settings(JOB_ROWS_THRESHOLD=0)
def test_the_export_is_a_posted_button_and_its_address_only_leads_back_to_the_list_R_MB_04(
    as_user, clerk, member_a, member_b
):
    """A GET changes nothing: the list's 导出Excel is a form posting (with its CSRF token) to the export, which
    queues a job for a big list; the export's address, opened directly, goes back to the list with the same
    search and neither queues a job nor logs an ID number."""
    client = as_user(clerk)
    page = client.get(reverse("members:list"), {"q": "ls"}).content.decode()
    action = reverse("members:export") + "?q=ls"
    assert f'<form method="post" action="{action}"' in page and "csrfmiddlewaretoken" in page
    assert f'href="{action}"' not in page

    logged = IdNumberView.objects.count()  # the list page itself shows (and logs) the full numbers

    response = client.get(action)

    assert response.status_code == 302 and response["Location"] == reverse("members:list") + "?q=ls"
    assert not TaskRun.objects.exists() and IdNumberView.objects.count() == logged
    response = client.post(action)
    run = TaskRun.objects.get(task_name="members.export_members")
    assert response["Location"] == reverse("core:my_job", args=[run.pk])
