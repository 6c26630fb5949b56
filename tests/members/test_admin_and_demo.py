"""Admin changelists stay query-bounded and scoped; demo data is idempotent."""

import io
import random

import pytest

from core.idnumbers import validate_id_number
from members import demo
from members.models import Member, MemberStatusEvent
from members.search import name_initials
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
    app = "core" if model in ("organization", "calendaryear", "ruleprofile") else "members"
    assert client.get(f"/admin/{app}/{model}/").status_code == 200


def test_demo_data_is_idempotent_and_covers_every_member_status_R_MB_02():
    out = io.StringIO()
    demo.run(size=300, seed=1, stdout=out)
    generated = Member.objects.filter(
        candidate__isnull=True
    )  # the others were admitted in recruitment's demo
    assert generated.count() == 300
    assert set(Member.objects.values_list("status", flat=True)) == set(Member.Status.values)
    # Bulk-loaded members are complete records: the opening status event, the initials search uses.
    assert MemberStatusEvent.objects.filter(note__contains="建立党员档案").count() == 300
    for member in Member.objects.all():
        assert member.name_initials == name_initials(member.name), member.name
        assert validate_id_number(member.id_number) is None
    total = Member.objects.count()
    demo.run(size=300, seed=1, stdout=out)
    assert Member.objects.count() == total
    assert "未重复生成" in out.getvalue() and "Demo-2026" in out.getvalue()


def test_demo_initials_composed_from_surname_and_given_name_equal_whole_name_conversion():
    """The demo composes initials per part (speed); for the names it can draw that equals the real thing."""
    rng = random.Random(7)
    cache: dict[str, str] = {}
    for _ in range(3000):
        name = demo._name(rng, rng.choice([Member.Gender.MALE, Member.Gender.FEMALE]))
        assert demo._initials(name, 1, cache) == name_initials(name), name
