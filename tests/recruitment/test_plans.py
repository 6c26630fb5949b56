"""The annual development plan page (R-RC-24): plan against admissions, over-plan flagged."""

from datetime import date

import pytest
from django.urls import reverse

from recruitment import records
from recruitment.models import DevelopmentPlan
from recruitment.rules import plan_figures
from tests.factories import recruitment as b

pytestmark = pytest.mark.django_db


def test_admissions_beyond_the_plan_are_flagged_on_the_plan_page_R_RC_24(client, clerk, branch_a, branch_b):
    records.plan_save(organization=branch_a, year=2025, quota=1)
    records.plan_save(organization=branch_b, year=2025, quota=3)
    b.admitted(branch_a, approved_on=date(2025, 7, 10))
    b.admitted(branch_a, approved_on=date(2025, 7, 10))
    figure = plan_figures(year=2025)[branch_a.pk]
    assert (figure.quota, figure.admitted, figure.over) == (1, 2, True)
    assert not plan_figures(year=2025)[branch_b.pk].over
    client.force_login(clerk)
    page = client.get(reverse("recruitment:plans"), {"year": 2025}).content.decode()
    east = page.split("东村党支部")[1].split("</tr>")[0]
    west = page.split("西村党支部")[1].split("</tr>")[0]
    assert "超计划" in east and "2人" in east
    assert "超计划" not in west and "计划内" in west


def test_clerk_sets_a_plan_and_changing_it_keeps_one_plan_per_year_R_RC_24(client, clerk, branch_a):
    client.force_login(clerk)
    for quota in (2, 4):
        data = {"organization": branch_a.pk, "year": 2026, "quota": quota, "note": ""}
        assert client.post(reverse("recruitment:plan_edit"), data).status_code == 302
    plan = DevelopmentPlan.objects.get(organization=branch_a, year=2026)
    assert plan.quota == 4 and plan.history.count() == 2


def test_secretary_sees_own_plan_only_and_cannot_edit_R_RC_24(client, secretary_a, branch_a, branch_b):
    records.plan_save(organization=branch_a, year=2026, quota=2)
    records.plan_save(organization=branch_b, year=2026, quota=5)
    client.force_login(secretary_a)
    page = client.get(reverse("recruitment:plans"), {"year": 2026}).content.decode()
    assert "东村党支部" in page and "西村党支部" not in page and "制定或调整计划" not in page
    data = {"organization": branch_b.pk, "year": 2026, "quota": 9}
    assert client.post(reverse("recruitment:plan_edit"), data).status_code == 403
