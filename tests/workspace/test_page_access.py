"""Who may open which staff page: each persona on every list, detail and form (404 outside the scope)."""

from datetime import date

import pytest
from django.urls import reverse

from members.models import Meeting
from tests import factories

pytestmark = pytest.mark.django_db

# Expected status of a GET per persona: 200 shown, 302 login redirect, 403 forbidden, 404 hidden.
IN_BRANCH_A = {
    "admin": 200,
    "clerk": 200,
    "secretary_a": 200,
    "secretary_b": 404,
    "auditor": 200,
    "anonymous": 302,
}
EVERY_STAFF = {
    "admin": 200,
    "clerk": 200,
    "secretary_a": 200,
    "secretary_b": 200,
    "auditor": 200,
    "anonymous": 302,
}
WRITE_IN_BRANCH_A = {**IN_BRANCH_A}


@pytest.fixture
def meeting_a(branch_a, secretary_a):
    return Meeting.objects.create(
        organization=branch_a, kind=Meeting.Kind.COMMITTEE_MEETING, held_on=date(2026, 3, 4), topic="学习会"
    )


@pytest.fixture
def urls(member_a, meeting_a, branch_a):
    floating = factories_floating(member_a)
    return {
        "list": (reverse("members:list"), EVERY_STAFF),
        "dashboard": (reverse("core:dashboard"), EVERY_STAFF),
        "meetings": (reverse("members:meetings"), EVERY_STAFF),
        "transfers": (reverse("members:transfers"), EVERY_STAFF),
        "organizations": (reverse("members:organizations"), EVERY_STAFF),
        "detail": (reverse("members:detail", args=[member_a.pk]), IN_BRANCH_A),
        "organization": (reverse("members:organization", args=[branch_a.pk]), IN_BRANCH_A),
        "meeting": (reverse("members:meeting", args=[meeting_a.pk]), IN_BRANCH_A),
        "dues form": (reverse("members:dues", args=[member_a.pk]), WRITE_IN_BRANCH_A),
        "transfer form": (reverse("members:transfer", args=[member_a.pk]), WRITE_IN_BRANCH_A),
        "contact form": (reverse("members:contact", args=[floating.member_id]), WRITE_IN_BRANCH_A),
    }


def factories_floating(member):
    from members.models import FloatingMember

    return FloatingMember.objects.create(
        member=member,
        flowed_out_on=date(2025, 1, 1),
        destination="苏州",
        current_work="工厂",
        home_address="东村1号",
        contact_phone="13900001111",
    )


@pytest.mark.parametrize(
    "page",
    [
        "list",
        "dashboard",
        "meetings",
        "transfers",
        "organizations",
        "detail",
        "organization",
        "meeting",
        "dues form",
        "transfer form",
        "contact form",
    ],
)
def test_each_persona_gets_the_expected_answer_on_every_page(page, urls, personas, as_user):
    url, expected = urls[page]
    for persona, user in personas.items():
        response = as_user(user).get(url)
        assert response.status_code == expected[persona], f"{persona} on {page}: {response.status_code}"
        if expected[persona] == 302:
            assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_is_refused(db, as_user):
    outsider = factories.make_user(None, username="outsider")
    assert as_user(outsider).get(reverse("members:list")).status_code == 403


def test_secretary_lists_only_members_of_her_branch(as_user, secretary_b, member_a, member_b):
    response = as_user(secretary_b).get(reverse("members:list"))
    names = [m.name for m in response.context["page_obj"]]
    assert names == ["李四"]


def test_secretary_cannot_find_another_branch_member_by_id_number(as_user, secretary_b, member_a):
    response = as_user(secretary_b).get(reverse("members:list"), {"q": member_a.id_number})
    assert list(response.context["page_obj"]) == []


def test_meeting_list_of_a_secretary_hides_other_branches(as_user, secretary_b, meeting_a):
    response = as_user(secretary_b).get(reverse("members:meetings"))
    assert list(response.context["page_obj"]) == []


def test_organization_list_of_a_secretary_shows_only_her_branch(as_user, secretary_a, branch_a, branch_b):
    response = as_user(secretary_a).get(reverse("members:organizations"))
    assert [o.pk for o in response.context["page_obj"]] == [branch_a.pk]
