"""The statistics page: scope, period, permissions and a bounded number of queries (issue 8)."""

from datetime import date

import pytest
from django.urls import reverse

from members.models import Meeting, Member
from reports.blocks import Block, Table, register_block, registered_blocks
from reports.periods import Period
from tests import factories

URL = reverse("reports:statistics")
Q1 = {"year": 2026, "part": "q1"}


def blocks_of(response):
    return {block.key: block for block, _ in response.context["blocks"]}


def table(block, title):
    return next(t for t in block.tables if t.title == title)


def test_administrator_sees_the_whole_town(client, admin_user, quarter):
    client.force_login(admin_user)
    response = client.get(URL, Q1)
    assert response.status_code == 200
    members = blocks_of(response)["members"]
    assert dict(table(members, "各党组织党员数").rows) == {"东村党支部": 3, "西村党支部": 1}
    assert "全镇" in response.content.decode()
    assert "<svg" in response.content.decode()


def test_secretary_page_counts_only_their_branch_and_never_names_another(client, secretary_a, quarter):
    client.force_login(secretary_a)
    response = client.get(URL, Q1)
    blocks = blocks_of(response)
    assert table(blocks["members"], "党员总数及类别").rows[0] == ("党员总数", 3)
    assert [row[0] for row in table(blocks["dues"], "党费收缴（元）").rows] == ["东村党支部"]
    assert [row[0] for row in table(blocks["meetings"], "各支部三会一课").rows] == ["东村党支部"]
    assert "西村" not in response.content.decode()


def test_secretary_b_sees_only_branch_b(client, secretary_b, quarter):
    client.force_login(secretary_b)
    response = client.get(URL, Q1)
    blocks = blocks_of(response)
    assert table(blocks["members"], "党员总数及类别").rows[0] == ("党员总数", 1)
    assert "东村" not in response.content.decode()


@pytest.mark.parametrize("persona", ["admin_user", "clerk", "auditor", "secretary_a"])
def test_every_staff_role_may_open_the_page(client, persona, request, branch_a):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 200


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_user_without_a_role_is_refused(client, db):
    client.force_login(factories.make_user(None, username="outsider"))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("reports:block_xlsx", args=["members"])).status_code == 403
    assert client.get(reverse("reports:analysis_pdf")).status_code == 403


def test_period_selector_chooses_year_quarter_or_month():
    assert Period.from_query({"year": "2026", "part": "q1"}) == Period("quarter", 2026, 1)
    assert Period.from_query({"year": "2025", "part": "year"}).bounds == (
        date(2025, 1, 1),
        date(2025, 12, 31),
    )
    assert Period.from_query({"year": "2024", "part": "m2"}).end == date(2024, 2, 29)
    today = date(2026, 11, 22)
    assert Period.from_query({"year": "abc"}, today) == Period("quarter", 2026, 4)
    assert Period.from_query({"year": "2026", "part": "q9"}, today) == Period("quarter", 2026, 4)
    assert Period.from_query({"year": "1900"}, today) == Period("quarter", 2026, 4)
    assert Period("month", 2026, 5).label == "2026年5月"
    assert Period("quarter", 2026, 3).label == "2026年第三季度"


def test_month_and_year_periods_change_the_figures(client, admin_user, quarter):
    client.force_login(admin_user)
    january = blocks_of(client.get(URL, {"year": 2026, "part": "m1"}))
    assert dict(table(january["flows"], "党员增减变动").rows)["新发展党员"] == 0
    year = blocks_of(client.get(URL, {"year": 2026, "part": "year"}))
    assert dict(table(year["flows"], "党员增减变动").rows)["新发展党员"] == 1


def _add_branch_with_members(n):
    branch = factories.make_branch()
    group = factories.make_party_group(branch)
    for _ in range(n):
        member = factories.make_member(
            branch, joined_on=date(2026, 1, 5), full_member_on=None, status="probationary"
        )
        Meeting.objects.create(
            organization=group, kind=Meeting.Kind.GROUP_MEETING, held_on=date(2026, 2, 1), topic="学习"
        )
        member.dues_payments.create(month=date(2026, 1, 1), amount=2, paid_on=date(2026, 1, 2))


def test_the_number_of_queries_does_not_grow_with_the_data(
    client, admin_user, quarter, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.get(URL, Q1)  # warm caches (session, roles)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(URL, Q1)
    for _ in range(3):
        _add_branch_with_members(4)
    assert len(small) <= 25, len(small)
    with django_assert_max_num_queries(len(small)):
        response = client.get(URL, Q1)
    assert table(blocks_of(response)["members"], "党员总数及类别").rows[0] == ("党员总数", 16)
    assert Member.objects.count() == 17


def test_another_app_adds_a_block_with_one_call(client, admin_user, branch_a):
    def demo(scope, period):
        return Block(tables=[Table("示例", ("项目", "数"), [("期间", period.label)], chart="none")])

    register_block("demo_extra", "示例统计", demo, order=99)
    try:
        client.force_login(admin_user)
        response = client.get(URL, Q1)
        assert blocks_of(response)["demo_extra"].tables[0].rows == [("期间", "2026年第一季度")]
        xlsx = client.get(reverse("reports:block_xlsx", args=["demo_extra"]), Q1)
        assert xlsx.status_code == 200
    finally:
        from reports import blocks

        blocks._blocks.pop("demo_extra")
    assert "demo_extra" not in [spec.key for spec in registered_blocks()]


def test_statistics_nav_item_is_registered(client, admin_user, db):
    client.force_login(admin_user)
    assert "统计分析" in client.get(reverse("core:dashboard")).content.decode()
