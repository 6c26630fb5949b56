"""The member-list export: scoped, and masked for roles that do not see full ID numbers (R-MB-04)."""

import pytest
import tablib
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _rows(response):
    data = tablib.Dataset().load(response.content, format="xlsx")
    return [dict(zip(data.headers, row, strict=True)) for row in data]


def test_export_of_a_secretary_holds_only_her_branch_with_masked_id_numbers_R_MB_04(
    as_user, secretary_a, member_a, member_b
):
    response = as_user(secretary_a).get(reverse("members:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = _rows(response)
    assert [r["姓名"] for r in rows] == ["张三"]
    assert rows[0]["公民身份号码"] != member_a.id_number and "*" in rows[0]["公民身份号码"]


def test_export_of_the_clerk_holds_every_member_in_full_R_MB_04(as_user, clerk, member_a, member_b):
    rows = _rows(as_user(clerk).get(reverse("members:export")))
    assert {r["姓名"] for r in rows} == {"张三", "李四"}
    assert member_a.id_number in {r["公民身份号码"] for r in rows}


def test_export_follows_the_search(as_user, clerk, member_a, member_b):
    rows = _rows(as_user(clerk).get(reverse("members:export"), {"q": "ls"}))
    assert [r["姓名"] for r in rows] == ["李四"]


def test_anonymous_cannot_export(as_user, member_a):
    response = as_user(None).get(reverse("members:export"))
    assert response.status_code == 302


def test_user_without_role_cannot_export(db, as_user, member_a):
    from tests import factories

    assert as_user(factories.make_user(None)).get(reverse("members:export")).status_code == 403
