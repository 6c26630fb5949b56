"""Admin changelists over many rows (core.changelist): the date hierarchy's first and last date and its years
from an index (issues 9 and 21) and row links without URL resolving give exactly what Django's own code gives."""

from datetime import date

import pytest
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.db import connection
from django.db.models import Count, Max, Min, Q, QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.changelist import IndexedYearsQuerySet, ids_in, years_with_rows
from core.models import Organization
from members.models import Member
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(branch_a, branch_b):
    """Joining dates with gaps between years, on the first and last day of a year, and none at all."""
    joined = [date(1949, 10, 1), date(1950, 1, 1), date(1950, 12, 31), date(1978, 6, 1), date(2025, 12, 31)]
    made = [factories.make_member(branch_a, joined_on=d, full_member_on=None) for d in joined]
    made.append(
        factories.make_member(branch_b, joined_on=date(2026, 1, 1), status=Member.Status.PROBATIONARY)
    )
    made.append(factories.make_member(branch_b, joined_on=None, full_member_on=None))
    branch_a.category = Organization.Category.ENTERPRISE
    branch_a.save(update_fields=["category"])
    return made


def _django_years(queryset, order="ASC"):
    return [d.year for d in QuerySet.dates(queryset, "joined_on", "year", order)]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": Member.Status.PROBATIONARY},
        {"status": Member.Status.PROBATIONARY, "organization__category": Organization.Category.VILLAGE},
        {"organization__category": Organization.Category.ENTERPRISE},
        {"organization__name__startswith": "第"},
        {"pk__in": []},
    ],
)
def test_years_from_the_index_are_the_years_django_lists(members, filters):
    queryset = Member.objects.filter(**filters)
    assert years_with_rows(queryset, "joined_on") == _django_years(queryset)
    assert years_with_rows(queryset, "joined_on", descending=True) == _django_years(queryset, "DESC")


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": Member.Status.PROBATIONARY, "organization__category": Organization.Category.VILLAGE},
        {
            "status": Member.Status.FULL,
            "organization__category": Organization.Category.VILLAGE,
        },  # a null date
        {"pk__in": []},
    ],
)
def test_years_after_the_first_and_last_date_are_djangos_and_ask_for_them_once(members, filters):
    queryset = IndexedYearsQuerySet(model=Member).filter(**filters)
    bounds = queryset.aggregate(first=Min("joined_on"), last=Max("joined_on"))
    assert bounds == Member.objects.filter(**filters).aggregate(first=Min("joined_on"), last=Max("joined_on"))
    with CaptureQueriesContext(connection) as queries:
        years = queryset.dates("joined_on", "year")
    assert years == list(QuerySet.dates(queryset, "joined_on", "year"))
    assert all("min(" not in q["sql"].lower() for q in queries.captured_queries)


@pytest.mark.parametrize(
    "aggregates",
    [
        {"n": Count("id")},
        {"first": Min("joined_on"), "last": Max("birth_date")},
        {"first": Min("joined_on", filter=Q(status="full")), "last": Max("joined_on")},
        {"first": Min("joined_on"), "last": Max("joined_on"), "n": Count("id")},
        {"first": Min("birth_date"), "last": Max("birth_date")},
    ],
)
def test_years_after_any_other_aggregate_are_djangos(members, aggregates):
    queryset = IndexedYearsQuerySet(model=Member).filter(status=Member.Status.FULL)
    queryset.aggregate(**aggregates)
    assert queryset.dates("joined_on", "year") == list(QuerySet.dates(queryset, "joined_on", "year"))


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status__exact": "probationary", "organization__category__exact": "village"},
        {"status__exact": "full"},
        {"status__exact": "full", "joined_on__year": "1950"},
        {"status__exact": "full", "organization__category__exact": "village"},  # only a member with no date
        {"organization__category__exact": "enterprise"},
        {"is_reserve_cadre__exact": "1"},
        {"status__exact": "deceased"},  # nobody
    ],
)
def test_the_admin_date_hierarchy_is_the_one_django_builds(client, admin_user, members, query):
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:members_member_changelist"), query).context["cl"]
    ours = date_hierarchy(changelist)
    changelist.queryset = QuerySet(model=Member, query=changelist.queryset.query.chain())
    assert ours == date_hierarchy(changelist)


@pytest.mark.parametrize("read_rows", [0, 2_000])  # the index's probes, then the rows' own dates (issue 21)
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "测试"},
        {"q": "测试", "status__exact": "full"},
        {"status__exact": "full", "organization__category__exact": "village"},  # only a member with no date
        {"status__exact": "deceased"},  # nobody
        {"status__exact": "full", "joined_on__year": "1950"},  # months: Django's
    ],
)
def test_the_date_hierarchy_is_djangos_from_one_query_along_the_index_or_from_a_few_rows(
    client, admin_user, members, query, read_rows, monkeypatch
):
    monkeypatch.setattr("core.changelist.READ_ROWS", read_rows)
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:members_member_changelist"), query).context["cl"]
    assert changelist.queryset.few_rows == (changelist.result_count <= read_rows)
    with CaptureQueriesContext(connection) as queries:
        ours = date_hierarchy(changelist)
    if "joined_on__year" not in query:  # the first and last date and the years together, in one query
        assert [q["sql"].count("hierarchy_day") > 0 for q in queries].count(True) == 1
        assert not any('MIN("members_member"' in q["sql"] for q in queries)
    changelist.queryset = QuerySet(model=Member, query=changelist.queryset.query.chain())
    assert ours == date_hierarchy(changelist)


def test_the_changelist_queryset_lists_years_as_dates_and_leaves_months_to_django(members):
    queryset = IndexedYearsQuerySet(model=Member)
    assert queryset.dates("joined_on", "year") == [date(y, 1, 1) for y in (1949, 1950, 1978, 2025, 2026)]
    assert list(queryset.dates("joined_on", "month")) == list(Member.objects.dates("joined_on", "month"))


def test_the_admin_date_hierarchy_shows_every_joining_year(client, admin_user, members):
    client.force_login(admin_user)
    html = client.get(reverse("admin:members_member_changelist")).content.decode()
    for year in (1949, 1950, 1978, 2025, 2026):
        assert f"?joined_on__year={year}" in html


def test_row_links_carry_the_filters_as_django_would_add_them(client, admin_user, members):
    client.force_login(admin_user)
    url = reverse("admin:members_member_changelist")
    response = client.get(url, {"status__exact": "full", "q": "测试"})
    changelist = response.context["cl"]
    html = response.content.decode()
    preserved = response.context["preserved_filters"]
    assert preserved
    for member in changelist.result_list:
        change_url = reverse("admin:members_member_change", args=[member.pk])
        expected = add_preserved_filters({"preserved_filters": preserved, "opts": Member._meta}, change_url)
        assert changelist.url_for_result(member) == expected
        assert f'href="{expected.replace("&", "&amp;")}"' in html


@pytest.mark.parametrize(
    "query",
    [
        {"organization__category__exact": "enterprise"},
        {"organization__category__exact": "village", "status__exact": "probationary"},
        {"organization__category__exact": "other"},  # organisations without members
        {"organization__category__exact": "nonsense"},  # no organisation
        {"organization__category__isnull": "True"},
        {"organization__category__exact": "village", "q": "测试"},
    ],
)
def test_the_category_filter_lists_the_members_django_lists(client, admin_user, members, query):
    """By the organisations' ids (RelatedChoicesListFilter): the rows, their order and count of Django's join."""
    factories.make_member(factories.make_branch("南村党支部", code="SOUTH"), joined_on=date(2001, 5, 1))
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as queries:
        changelist = client.get(reverse("admin:members_member_changelist"), query).context["cl"]
    lookups = {name.removesuffix("__exact"): value for name, value in query.items() if name != "q"}
    lookups = {
        name: value == "True" if name.endswith("__isnull") else value for name, value in lookups.items()
    }
    expected = Member.objects.filter(**lookups)
    if "q" in query:
        expected = expected.filter(name__contains=query["q"])
    assert changelist.result_count == expected.count()
    assert list(changelist.result_list) == list(expected.order_by("organization_id", "name", "-pk")[:25])
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if 'SELECT COUNT(*) AS "__count" FROM "members_member"' in q["sql"]
    ]
    assert counts or not expected.exists()  # no organisation of the category: nothing to count
    assert all('JOIN "members_organization"' not in sql for sql in counts)


def test_the_category_filter_shows_its_choices_as_django_does(client, admin_user, members):
    client.force_login(admin_user)
    response = client.get(
        reverse("admin:members_member_changelist"), {"organization__category__exact": "enterprise"}
    )
    html = response.content.decode()
    for value, label in Organization.Category.choices:
        assert f"?organization__category__exact={value}" in html
        assert label in html
    spec = next(s for s in response.context["cl"].filter_specs if s.field_path == "organization__category")
    assert [c["selected"] for c in spec.choices(response.context["cl"])] == [
        value == "enterprise" for value in [None, *Organization.Category.values]
    ]


def test_ids_in_runs_finds_the_rows_of_the_in_list_and_plans_ranges_not_values(town):
    """Issue 21: 300 village branches are a few ranges of consecutive ids, not 300 values to estimate."""
    made = [factories.make_branch(f"第{i}党支部", code=f"B{i:02}") for i in range(12)]
    ids = sorted(o.pk for o in made)
    for chosen in [ids, ids[:5] + ids[7:], ids[::2], ids[1:3] + ids[4:10] + [ids[11]], ids[:1], []]:
        found = Organization.objects.filter(ids_in("id", chosen))
        assert sorted(found.values_list("pk", flat=True)) == chosen
    sql = str(Organization.objects.filter(ids_in("id", ids[:5] + ids[7:])).query)
    assert " IN (" not in sql and sql.count(">=") == 2
    single = str(Organization.objects.filter(ids_in("id", [ids[0], ids[2], ids[3]])).query)
    assert " IN (" in single and ">=" not in single  # runs of fewer than three stay values
