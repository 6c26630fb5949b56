"""The pipeline board and the candidate page cost a fixed number of queries, however many candidates."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recruitment.models import Oath, ThoughtReport
from tests.recruitment import builders as b

pytestmark = pytest.mark.django_db


def _one_of_each_stage(branch):
    b.candidate(branch)
    b.activist(branch)
    b.target(branch)
    target = b.target(branch)
    b.pre_meeting_file(target, meeting_on=date(2025, 6, 20))  # pre-meeting records to read
    b.admitted(branch)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_board_queries_do_not_grow_with_the_number_of_candidates(
    client, clerk, branch_a, django_assert_max_num_queries
):
    client.force_login(clerk)
    url = reverse("recruitment:board")
    client.get(url)  # the first request of all creates the center profile
    _one_of_each_stage(branch_a)
    few = _queries(client, url)
    for _ in range(3):
        _one_of_each_stage(branch_a)
    page = client.get(url).content.decode()
    assert page.count("board-card") >= 20
    many = _queries(client, url)
    assert many == few, f"{few} queries for 5 candidates, {many} for 20"
    with django_assert_max_num_queries(35):
        client.get(url)


def test_candidate_page_queries_are_bounded(client, clerk, branch_a, django_assert_max_num_queries):
    client.force_login(clerk)
    c = b.admitted(branch_a)
    client.get(reverse("recruitment:board"))  # the first request of all creates the center profile
    few = _queries(client, reverse("recruitment:candidate", args=[c.pk]))
    for _ in range(4):
        b.add(ThoughtReport(candidate=c, submitted_on=date(2025, 9, 1)))
    b.add(Oath(candidate=c, taken_on=date(2025, 7, 15)))
    assert _queries(client, reverse("recruitment:candidate", args=[c.pk])) == few
    with django_assert_max_num_queries(35):
        client.get(reverse("recruitment:candidate", args=[c.pk]))
