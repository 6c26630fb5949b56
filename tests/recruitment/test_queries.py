"""The pipeline board and the candidate page cost a fixed number of queries, however many candidates."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recruitment import views
from recruitment.models import Oath, ThoughtReport
from tests.factories import recruitment as b

pytestmark = pytest.mark.django_db

BOARD_QUERIES = 29  # a column per stage: every kind of record a card reads is fetched once
STAGE_LIST_QUERIES = 23


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
    with django_assert_max_num_queries(BOARD_QUERIES):
        client.get(url)


def test_board_and_stage_list_queries_stay_flat_beyond_the_cards_shown(
    client, clerk, branch_a, monkeypatch, django_assert_max_num_queries
):
    """More candidates than a column shows, or than a page lists: the same queries (issue 9)."""
    monkeypatch.setattr(views, "BOARD_CARDS", 2)
    monkeypatch.setattr(views, "STAGE_PAGE_SIZE", 2)
    client.force_login(clerk)
    board, stage = reverse("recruitment:board"), reverse("recruitment:stage_list", args=["target"])
    client.get(board)  # the first request of all creates the center profile
    _one_of_each_stage(branch_a)
    few = _queries(client, board), _queries(client, stage)
    for _ in range(3):
        _one_of_each_stage(branch_a)
    page = client.get(board).content.decode()
    assert page.count('class="board-card') == 8 and "查看全部（8）" in page
    assert _queries(client, board) == few[0]
    assert _queries(client, stage) == few[1]
    with django_assert_max_num_queries(STAGE_LIST_QUERIES):
        client.get(stage + "?page=2")


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


def _awaiting_approval(branch, meeting_on):
    """A development target whose admission passed the branch meeting on ``meeting_on`` (R-RC-14)."""
    from members.models import Member
    from recruitment import votes

    c = b.target(branch)
    b.pre_meeting_file(c, meeting_on=meeting_on)
    people = list(Member.objects.filter(organization=branch, status=Member.Status.FULL))
    votes.vote_record(
        meeting=b.meeting(branch, meeting_on, present=people),
        candidate=c,
        proposal="admit",
        yes=len(people),
        no=0,
        abstain=0,
        recorded_by=None,
    )
    return c


def test_board_queries_do_not_grow_with_targets_met_on_different_days_R_RC_09(client, clerk, branch_a):
    """Each target's introducers are checked on its meeting day (R-RC-09, R-MB-02): one query for all days."""
    client.force_login(clerk)
    url = reverse("recruitment:board")
    client.get(url)
    _awaiting_approval(branch_a, date(2025, 6, 20))
    client.get(url)  # the calendar years these dates touch are read once, then cached
    few = _queries(client, url)
    for day in (date(2025, 6, 21), date(2025, 6, 23), date(2025, 6, 24)):
        _awaiting_approval(branch_a, day)
    client.get(url)
    assert _queries(client, url) == few
