"""Every page the benchmark times makes a bounded number of queries that does not grow with the data (issue 9).

The demo town is generated once for the module (rolled back at the end); each test counts a page's queries,
doubles the rows behind it (bench.dataset.grow: members, meetings and rolls, floating members, ledger
entries, candidates, service matters) and counts again. An N+1 shows as a different count.
"""

import itertools

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import dataset
from bench import pages as bench_pages

# The most queries each page may make (what it makes today); the count must also stay the same as data grows.
# A signed-in page's roles, staff profile and centre name come with the user's query (core.auth_backend), and
# its permissions, when it asks, in one query.
MAX_QUERIES = {
    "floor": 6,
    "dashboard_clerk": 13,  # each app's counters side by side in one query (core.counting, issue 21); the meetings 2, arrears 1
    "dashboard_secretary": 12,  # the same; the dues lines: arrears with their money (kept tallies), six months unpaid (R-MB-15) beside the floating members and letters
    "search_name": 10,  # one INSERT logging the full-ID viewings (core.audit); the 导入 button asks the user's permissions (1)
    "search_id": 10,
    "member_page": 27,  # print buttons, the full-ID log INSERT, the dues section (base rows once; arrears and six months in one), the scanned materials (2), permissions (1)
    # with the planner's estimate (EXPLAIN) for the page links, and one INSERT logging the full-ID viewings; the
    # date hierarchy's first and last date and its years in one query (core.changelist.dates_and_years)
    "admin_changelist": 11,
    # … and the ids of the organisations of the category filtered on (core.changelist.RelatedChoicesListFilter)
    "admin_changelist_filtered": 12,
    "statistics": 24,  # member, conversion, recruitment and services blocks (recruitment 3, conversion 2, flows 1, services 5: issue 21)
    "statistics_year": 24,  # the same blocks over the whole year
    "case_list": 7,
    "case_page": 23,  # the scanned materials (2); with the ledger paginator's count; the busiest demo case has a failed and a scheduled review
    "pipeline_board": 16,  # ranked in one query; the file read only for the cards shown, of the stages shown
    "service_queue": 7,  # with the paginator's count
    "public_lookup": 8,  # the shared rate limit (core.rate_limits): read the slots, claim one in the cache table
    # the dues pages (issue 19): a page of a branch's members with their arrears (SQL), the month's amounts
    # due and payments (two queries), the branch's six-month flags (the rows' badges and the count) and totals
    "branch_dues": 14,
    "branch_dues_big": 13,
    "branch_dues_bases": 10,
    "dues_six_months": 9,
    "member_dues": 8,
}


class _Silent:
    def write(self, *args, **kwargs):
        pass


@pytest.fixture(scope="module")
def demo_town(django_db_setup, django_db_blocker):
    """A demo town of 120 members with every app's demo data, rolled back after the module."""
    from django.test import override_settings

    from members import demo

    with django_db_blocker.unblock(), override_settings(BENCH=True):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo.run(size=120, seed=9, stdout=_Silent())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def bench_urls(settings):
    """The floor view is mounted only with BENCH on: reload the URLconf with it."""
    import importlib

    from django.urls import clear_url_caches

    import config.urls

    settings.BENCH = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.BENCH = False
    importlib.reload(config.urls)
    clear_url_caches()


_requests = itertools.count()  # each request from its own address (the public lookup limits per IP)


def count_queries(page, ctx: dict) -> int:
    resolved = bench_pages.resolve(page, ctx)
    if resolved is None:
        pytest.skip(f"{page.key}: the page or its data is not there")
    url, data = resolved
    client = Client()
    user = bench_pages.user_for(page)
    if user.is_authenticated:
        bench_pages.sign_in(client, user)
    bench_pages.fetch(client, url, data, next(_requests))  # warm caches, as the benchmark does
    with CaptureQueriesContext(connection) as queries:
        response = bench_pages.fetch(client, url, data, next(_requests))
    assert response.status_code == 200, f"{page.key}: HTTP {response.status_code} for {url}"
    return len(queries)


# Pages with a known N+1 (marked xfail, strict, so that fixing one is noticed). None at the moment.
KNOWN_N_PLUS_ONE: set[str] = set()


def _param(page):
    marks = [pytest.mark.xfail(strict=True, reason="N+1: next step per card")] * (
        page.key in KNOWN_N_PLUS_ONE
    )
    return pytest.param(page, id=page.key, marks=marks)


@pytest.mark.parametrize("page", [_param(page) for page in bench_pages.PAGES])
def test_page_makes_a_bounded_number_of_queries_that_does_not_grow_with_the_data(
    demo_town, bench_urls, db, page
):
    ctx = bench_pages.context()  # the same member, case and search terms before and after
    before = count_queries(page, ctx)
    dataset.grow(factor=2)
    after = count_queries(page, ctx)
    assert after == before, f"{page.key}: {before} queries, then {after} with twice the rows (an N+1?)"
    assert after <= MAX_QUERIES[page.key], f"{page.key}: {after} queries, at most {MAX_QUERIES[page.key]}"
