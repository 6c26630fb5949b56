"""The 工作台: the members app's items, counted for the user's scope."""

from datetime import date

import pytest
from django.urls import reverse

from core.access import Role
from core.dates import add_months, local_today
from core.registry import dashboard_for
from members.dues import last_due_month
from members.models import DuesPayment, Meeting, RelationTransfer
from tests import factories

pytestmark = pytest.mark.django_db


def _count(user, label_part):
    return next(i.count for i in dashboard_for(user) if label_part in i.label)


def test_branch_missing_its_monthly_committee_meeting_is_counted_until_one_is_held_R_MB_08(
    secretary_a, branch_a, branch_b
):
    assert _count(secretary_a, "支部委员会") == 1
    Meeting.objects.create(
        organization=branch_a, kind=Meeting.Kind.COMMITTEE_MEETING, held_on=local_today(), topic="学习"
    )
    assert _count(secretary_a, "支部委员会") == 0


def test_admin_counts_every_branch_secretary_only_her_own_R_MB_08(
    admin_user, secretary_a, branch_a, branch_b
):
    assert _count(admin_user, "支部委员会") == 2
    assert _count(secretary_a, "支部委员会") == 1


def test_members_without_last_months_dues_are_in_arrears_R_MB_07(
    secretary_a, secretary_b, member_a, member_b
):
    assert _count(secretary_a, "党费") == 1
    today = local_today()
    month = date(last_due_month(today).year, 1, 1)  # the arrears window: the year of the last month due
    while month < today.replace(day=1):  # every month owed up to last month
        DuesPayment.objects.create(member=member_a, month=month, amount=2, paid_on=today)
        month = add_months(month, 1)
    assert _count(secretary_a, "党费") == 0
    assert _count(secretary_b, "党费") == 1


def test_letter_past_its_validity_is_counted_for_both_sides_R_MB_05(
    secretary_a, secretary_b, member_a, branch_a, branch_b, db
):
    factories_letter = RelationTransfer.objects.create(
        member=member_a,
        direction="internal",
        from_organization=branch_a,
        to_organization=branch_b,
        letter_year=2025,
        letter_sequence=1,
        letter_number="党关介〔2025〕1号",
        issued_on=date(2025, 1, 2),
        valid_until=date(2025, 2, 1),
    )
    assert factories_letter.is_overdue()
    assert _count(secretary_a, "介绍信") == 1
    assert _count(secretary_b, "介绍信") == 1
    outsider = factories.make_user(Role.SECRETARY, organization=factories.make_branch())
    assert _count(outsider, "介绍信") == 0


def test_dashboard_page_links_each_item_to_where_it_is_fixed(as_user, secretary_a, branch_a):
    response = as_user(secretary_a).get(reverse("core:dashboard"))
    html = response.content.decode()
    assert "党员管理" in html
    assert f"{reverse('members:organizations')}?missing=committee_meeting" in html
    # The link leads to the branches that need the meeting.
    listed = as_user(secretary_a).get(reverse("members:organizations"), {"missing": "committee_meeting"})
    assert [o.pk for o in listed.context["page_obj"]] == [branch_a.pk]


def test_dashboard_counts_take_a_fixed_number_of_queries(
    secretary_a, branch_a, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.make_member(branch_a)
    with CaptureQueriesContext(connection) as few:
        dashboard_for(secretary_a)
    for _ in range(10):
        factories.make_member(branch_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        dashboard_for(secretary_a)
    assert len(few.captured_queries) <= 25
