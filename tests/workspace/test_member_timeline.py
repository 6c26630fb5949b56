"""The member page's timeline (issue 9): the newest events first, at most TIMELINE_LIMIT before "更多"."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from core.dates import add_months
from members.models import DuesPayment, Meeting
from members.views import TIMELINE_LIMIT

pytestmark = pytest.mark.django_db


def _years_of_dues(member, months: int) -> None:
    start = date(2020, 1, 1)
    DuesPayment.objects.bulk_create(
        DuesPayment(member=member, month=m, amount=Decimal("2"), paid_on=m)
        for m in (add_months(start, n) for n in range(months))
    )


def _page(client, member, **params):
    return client.get(reverse("members:detail", args=[member.pk]), params)


def test_a_long_history_shows_the_newest_events_and_a_link_to_all_R_MB_07(as_user, clerk, member_a):
    _years_of_dues(member_a, TIMELINE_LIMIT + 10)
    response = _page(as_user(clerk), member_a)
    timeline = response.context["timeline"]
    assert len(timeline) == TIMELINE_LIMIT
    assert timeline[0].when == add_months(date(2020, 1, 1), TIMELINE_LIMIT + 9)  # the newest payment first
    html = response.content.decode()
    assert f"共{TIMELINE_LIMIT + 10}条" in html and "?timeline=all" in html
    everything = _page(as_user(clerk), member_a, timeline="all")
    assert len(everything.context["timeline"]) == TIMELINE_LIMIT + 10
    assert "?timeline=all" not in everything.content.decode()


def test_a_short_history_has_no_more_link_R_MB_07(as_user, clerk, member_a):
    _years_of_dues(member_a, 3)
    html = _page(as_user(clerk), member_a).content.decode()
    assert "交纳2020年3月党费" in html and "?timeline=all" not in html


def test_the_member_page_makes_the_same_queries_however_long_the_history_R_MB_08(
    as_user, clerk, member_a, branch_a, django_assert_max_num_queries
):
    """Transfers and disciplines are fetched once for the page and its timeline."""
    client = as_user(clerk)
    _years_of_dues(member_a, 2)
    _page(client, member_a)
    with django_assert_max_num_queries(100) as short:
        _page(client, member_a)
    DuesPayment.objects.filter(member=member_a).delete()
    _years_of_dues(member_a, 80)
    for n in range(30):
        meeting = Meeting.objects.create(
            organization=branch_a,
            kind=Meeting.Kind.PARTY_DAY,
            held_on=date(2024, 1, 1 + n % 28),
            topic="学习",
        )
        meeting.attendance.create(member=member_a, present=n % 2 == 0)
    with django_assert_max_num_queries(len(short.captured_queries)) as long:
        _page(client, member_a)
    assert len(long.captured_queries) == len(short.captured_queries)
