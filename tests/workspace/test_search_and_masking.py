"""Member search and ID-number masking (R-MB-04)."""

import pytest
from django.urls import reverse

from core.idnumbers import mask_id_number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("words", ["张", "zs", "ZS", "13900001111", "0000111"])
def test_member_is_found_by_name_initials_or_phone(words, as_user, clerk, member_a, member_b):
    response = as_user(clerk).get(reverse("members:list"), {"q": words})
    assert [m.name for m in response.context["page_obj"]] == ["张三"]


def test_member_is_found_by_part_of_the_id_number(as_user, clerk, member_a, member_b):
    response = as_user(clerk).get(reverse("members:list"), {"q": member_a.id_number[-6:]})
    assert [m.name for m in response.context["page_obj"]] == ["张三"]


def test_search_results_are_paginated(as_user, clerk, branch_a):
    from tests import factories

    for _ in range(30):
        factories.make_member(branch_a)
    response = as_user(clerk).get(reverse("members:list"), {"page": 2})
    assert response.context["page_obj"].number == 2
    assert len(response.context["page_obj"]) == 5


@pytest.mark.parametrize("persona", ["secretary_a", "auditor"])
def test_id_numbers_are_masked_for_secretaries_and_auditors_R_MB_04(persona, personas, as_user, member_a):
    for url in (reverse("members:list"), reverse("members:detail", args=[member_a.pk])):
        html = as_user(personas[persona]).get(url).content.decode()
        assert member_a.id_number not in html
        assert mask_id_number(member_a.id_number) in html


@pytest.mark.parametrize("persona", ["admin", "clerk"])
def test_id_numbers_are_shown_in_full_to_admin_and_clerk_R_MB_04(persona, personas, as_user, member_a):
    html = as_user(personas[persona]).get(reverse("members:detail", args=[member_a.pk])).content.decode()
    assert member_a.id_number in html
