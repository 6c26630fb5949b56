"""Member search (members.search): any part of a name, pinyin initials, part of an ID number (R-MB-04) or phone,
each through an index, with the same results as the plain four-way ``icontains`` search it replaced (issue 9)."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from core.idnumbers import make_id_number
from core.models import IdNumberView
from members.models import Member
from members.search import search_members
from tests import factories

pytestmark = pytest.mark.django_db

NAMES = ["付波", "付波华", "王付波", "欧阳明华", "张三", "张", "李Anna", "anna王", "王_五", "赵%六", "钱 七"]


@pytest.fixture
def people(branch_a, branch_b):
    """Names of 1–4 characters (a fragment can be the whole name, its start, its middle or its end), Latin
    letters in either case, LIKE wildcards in names, ID numbers ending in X, phones with and without a dash."""
    members = []
    for n, name in enumerate(NAMES):
        born = date(1970 + n, 1 + n % 12, 1 + n)
        sequence = next(
            s for s in range(n * 10, n * 10 + 40) if make_id_number("320582", born, s).endswith("X")
        )
        members.append(
            factories.make_member(
                branch_a if n % 2 else branch_b,
                name=name,
                birth_date=born,
                id_number=make_id_number("320582", born, sequence if n % 3 == 0 else n),
                phone=["0512-66881234", "13900001111", "", "+86 139 0000 2222"][n % 4],
            )
        )
    return members


def reference_search(queryset, term: str):
    """The search as it was before issue 9: every column, ``icontains`` — the result ``search_members`` must keep."""
    q = term.strip()
    return queryset.filter(
        Q(name__icontains=q)
        | Q(name_initials__startswith=q.lower())
        | Q(id_number__icontains=q.upper())
        | Q(phone__contains=q)
    )


def boundary_terms(members: list[Member]) -> list[str]:
    terms = [
        *("付", "波", "付波", "波华", "阳明", "欧阳", "明华", "欧阳明华", "付波华", "王付波", "张三", "张"),
        *("an", "AN", "Anna", "nn", "李A", "a王", "fb", "FB", "zs", "oymh", "x", "X"),
        *("_", "%", "王_", "%六", "钱 ", " 七", "钱 七", "_五"),
        *("0512", "0512-6688", "-66", "+86", "139 0000", "1111", "13", "1", "00", "-", "+"),
        *("a1", "张3", "没有这个人", "ＡＢ", "  付波  "),
    ]
    for member in members:
        terms += [
            member.id_number,
            member.id_number.lower(),
            member.id_number[-6:],
            member.id_number[-6:].lower(),
        ]
        terms += [member.id_number[3:9], member.id_number[-2:], member.name_initials]
    return terms


def test_search_finds_exactly_what_the_plain_icontains_search_found_R_MB_04(people):
    """Old computation against new on the same members, for every kind of term and its boundaries (1, 2 and 3
    characters, whole names, Latin letters in both cases, LIKE wildcards, whole and partial ID numbers with X)."""
    everyone = Member.objects.all()
    for term in boundary_terms(people):
        expected = set(reference_search(everyone, term).values_list("pk", flat=True))
        assert set(search_members(everyone, term).values_list("pk", flat=True)) == expected, term


def test_a_two_character_fragment_finds_names_that_contain_it_anywhere(people):
    found = search_members(Member.objects.all(), "付波").values_list("name", flat=True)
    assert sorted(found) == sorted(["付波", "付波华", "王付波"])
    assert list(search_members(Member.objects.all(), "阳明").values_list("name", flat=True)) == ["欧阳明华"]


def test_a_term_with_a_nul_character_finds_nothing_instead_of_failing(client, admin_user, clerk, people):
    assert not search_members(Member.objects.all(), "付\x00波").exists()
    client.force_login(admin_user)
    assert client.get(reverse("admin:members_member_changelist"), {"q": "付\x00"}).status_code == 200
    client.force_login(clerk)
    assert client.get(reverse("members:list"), {"q": "付\x00"}).status_code == 200


def test_roles_with_masked_numbers_search_names_only_R_MB_04(people):
    member = people[0]
    assert not search_members(Member.objects.all(), member.id_number[-6:], numbers=False).exists()
    assert not search_members(Member.objects.all(), "13900001111", numbers=False).exists()
    assert search_members(Member.objects.all(), member.name, numbers=False).filter(pk=member.pk).exists()


def _plan(queryset) -> str:
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        # A tiny table: ask whether the indexes *can* serve the search, as a bitmap of index scans.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("term", "index"),
    [
        ("付波", "member_name_grams"),  # no trigram in 2 characters: the 1–2 character substring index
        ("付", "member_name_grams"),
        ("付波华", "member_name_trgm"),
        ("158353", "member_id_number_trgm"),
        ("158353", "member_phone_trgm"),
        ("zs", "members_member_name_initials"),
    ],
)
def test_every_kind_of_term_is_looked_up_through_an_index(people, term, index):
    plan = _plan(search_members(Member.objects.all(), term))
    assert index in plan
    assert "Seq Scan on members_member" not in plan


def test_a_whole_id_number_is_found_by_equality_through_the_unique_index_R_MB_04(people):
    """18 characters are contained in an ID number only if they are all of it: the number is matched whole,
    by the unique index, not by trigrams (the name and phone arms stay, so the result is the same)."""
    member = people[0]
    plan = _plan(search_members(Member.objects.all(), member.id_number.lower()))
    assert f"(id_number)::text = '{member.id_number}'::text" in plan
    assert "member_id_number_trgm" not in plan


def test_member_rows_are_autovacuumed_after_a_thousand_writes_so_searches_stay_flat():
    """Issue 21: the GIN indexes' pending lists (every written, rolled-back or deleted row) are read by each
    search until a vacuum merges them; migration members.0014 lets autovacuum come after 1,000 such rows
    instead of after 20% of the roll (10,000 in a town of 50,000)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'members_member'")
        options = set(cursor.fetchone()[0] or [])
    assert {
        "autovacuum_vacuum_threshold=1000",
        "autovacuum_vacuum_scale_factor=0",
        "autovacuum_vacuum_insert_threshold=1000",
        "autovacuum_vacuum_insert_scale_factor=0",
    } <= options


def test_the_staff_list_finds_a_member_by_two_or_three_characters_or_the_last_six_id_digits(
    client, clerk, people
):
    client.force_login(clerk)
    target = people[3]  # 欧阳明华
    for term in ("阳明", "欧阳明", target.id_number[-6:], "oymh"):
        page = client.get(reverse("members:list"), {"q": term}).context["page_obj"]
        assert [m.pk for m in page] == [target.pk], term


def test_the_staff_list_filters_by_organisation_from_its_select(client, clerk, people, branch_a):
    client.force_login(clerk)
    response = client.get(reverse("members:list"), {"organization": branch_a.pk})
    assert {m.organization_id for m in response.context["page_obj"]} == {branch_a.pk}
    html = response.content.decode()
    assert f'<option value="{branch_a.pk}" selected>{branch_a.name}</option>' in html
    assert '<option value="">全部党组织</option>' in html


def test_the_organisation_select_escapes_its_labels_as_format_html_would():
    """members.forms.QuickSelect (issue 21): one string for 300 options, escaped as conditional_escape does."""
    from django.forms.utils import flatatt
    from django.utils.functional import lazy
    from django.utils.html import format_html, format_html_join
    from django.utils.safestring import mark_safe

    from members.forms import QuickSelect

    choices = [
        ("", "全部党组织"),
        (1, "东村<&\"'>党支部"),
        (2, mark_safe("<b>已转义</b>")),
        (3, lazy(str, str)("<西村>")),
    ]
    widget = QuickSelect(choices=choices)
    expected = format_html(
        "<select{}>{}</select>",
        flatatt({"aria-label": "党组织", "name": "organization"}),
        format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, mark_safe(" selected") if key == 1 else "", label) for key, label in choices),
        ),
    )
    assert widget.render("organization", 1, {"aria-label": "党组织"}) == expected
    assert "东村&lt;&amp;&quot;&#x27;&gt;党支部" in expected and "<b>已转义</b>" in expected


def test_an_unknown_organisation_is_a_chinese_error_and_filters_nothing(client, clerk, people):
    client.force_login(clerk)
    response = client.get(reverse("members:list"), {"organization": "999999"})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert len(response.context["page_obj"]) == len(people)


def test_a_secretary_chooses_only_among_their_own_organisations(
    client, secretary_a, people, branch_a, branch_b
):
    client.force_login(secretary_a)
    html = client.get(reverse("members:list")).content.decode()
    assert f'<option value="{branch_a.pk}">' in html
    assert f'<option value="{branch_b.pk}">' not in html
    response = client.get(reverse("members:list"), {"organization": branch_b.pk})
    assert "选择一个有效的选项" in response.content.decode()


def test_the_admin_changelist_searches_the_same_way(client, admin_user, people):
    client.force_login(admin_user)
    target = people[3]
    for term in ("阳明", target.id_number[-6:]):
        response = client.get(reverse("admin:members_member_changelist"), {"q": term})
        assert [m.pk for m in response.context["cl"].result_list] == [target.pk], term
    IdNumberView.objects.all().delete()


def test_a_staff_user_with_masked_numbers_cannot_find_members_by_id_number_in_the_admin_R_MB_04(
    client, people, branch_a
):
    from django.contrib.auth.models import Permission

    from core.access import Role

    user = factories.make_user(Role.SECRETARY, organization=branch_a, username="staff_secretary")
    user.is_staff = True  # let into the admin, as an administrator might
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_member"))
    client.force_login(user)
    target = next(m for m in people if m.organization_id == branch_a.pk)
    url = reverse("admin:members_member_changelist")
    assert not client.get(url, {"q": target.id_number[-6:]}).context["cl"].result_list
    assert [m.pk for m in client.get(url, {"q": target.name}).context["cl"].result_list] == [target.pk]
