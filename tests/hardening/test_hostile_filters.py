"""Filters and page parameters no row can match, or no date can hold, are an empty page or a 404 — never a
server error (found by the sweep in test_hostile_forms.py)."""

import pytest
from django.urls import reverse

from core.paginator import EstimatedCountPaginator
from members.models import Member

pytestmark = pytest.mark.django_db


def test_the_admin_paginator_counts_zero_for_a_filter_no_row_can_match():
    """An id beyond bigint is an empty result before any SQL is run; EXPLAIN cannot be asked for it."""
    paginator = EstimatedCountPaginator(Member.objects.filter(organization__id=10**30).order_by("pk"), 50)
    assert paginator.count == 0


def test_the_member_changelist_filtered_by_an_impossible_organisation_is_empty(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:members_member_changelist"), {"organization__id__exact": "9" * 30})
    assert response.status_code == 200


@pytest.mark.parametrize("year", ["99999999999999999999", "-2147483649", "0", "1999", "2101"])
def test_the_development_plan_page_for_a_year_no_plan_can_have_is_404_R_RC_24(client, clerk, year):
    client.force_login(clerk)
    assert client.get(reverse("recruitment:plans"), {"year": year}).status_code == 404


def test_the_development_plan_page_shows_the_years_a_plan_can_have_R_RC_24(client, clerk):
    client.force_login(clerk)
    for year in ("2000", "2026", "2100"):
        assert client.get(reverse("recruitment:plans"), {"year": year}).status_code == 200
