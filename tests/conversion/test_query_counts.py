"""The case list and the case page cost a fixed number of queries, however many cases or ledger entries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conversion.ledger import ledger_reverse
from tests.factories.conversion import bring_to, enrolled_case, record_tasks

pytestmark = pytest.mark.django_db

# Measured with these data (session, user, roles, cases, count, …); a per-row query would add 25+ or 200+.
LIST_QUERIES = 10
# the print buttons (one query for the printable documents), the ledger page count and the scanned materials (2)
PAGE_QUERIES = 21


def test_case_list_query_count_does_not_grow_with_the_number_of_cases(
    client, clerk, center, django_assert_max_num_queries
):
    branch_cases = [enrolled_case(center, by=clerk) for _ in range(3)]
    record_tasks(branch_cases[0], completed=False, count=5, by=clerk)  # below 3: awaiting the committee
    client.force_login(clerk)
    with django_assert_max_num_queries(LIST_QUERIES):
        few = client.get(reverse("conversion:case_list"))
    for _ in range(30):  # more than a page
        enrolled_case(center, by=clerk)
    with django_assert_max_num_queries(LIST_QUERIES):
        many = client.get(reverse("conversion:case_list"))
    assert few.status_code == many.status_code == 200
    assert len(many.context["cases"]) == 25 and many.context["page_obj"].paginator.count == 33
    second = client.get(reverse("conversion:case_list"), {"page": 2})
    assert len(second.context["cases"]) == 8


def test_case_page_with_200_ledger_entries_costs_a_fixed_number_of_queries(
    client, clerk, center, django_assert_max_num_queries
):
    case = enrolled_case(center, by=clerk)
    record_tasks(case, completed=True, count=2, by=clerk)
    ledger_reverse(entry=case.entries.first(), reason="录错", recorded_by=clerk)
    client.force_login(clerk)
    url = reverse("conversion:case_detail", args=[case.pk])
    with django_assert_max_num_queries(PAGE_QUERIES):
        client.get(url)
    record_tasks(case, completed=True, count=98, by=clerk)
    bring_to(case, Decimal("5"), by=clerk)  # ~100 more, back down
    assert case.entries.count() >= 200
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200 and "冲正" in response.content.decode()
    # The ledger is shown a page at a time, newest first, each entry with its stored running balance.
    shown = list(response.context["entries"])
    newest = case.entries.order_by("-pk")[:50]
    assert [e.pk for e in shown] == [e.pk for e in newest]
    assert response.context["page_obj"].paginator.count == case.entries.count()
