"""Hostile input: HTML typed into a text field is shown as text on the page, never run (issue 10)."""

from datetime import date

import pytest
from django.urls import reverse

from conversion.ledger import task_assign
from recruitment.models import Talk
from services.contact import complaint_register
from tests import factories
from tests.factories import recruitment as builders
from tests.factories.conversion import OPENED, enrolled_case
from tests.factories.services import register

PAYLOAD = "<script>alert(1)</script><b>x</b>"


def assert_escaped(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_a_members_work_unit_and_notes_are_escaped_on_the_member_page(client, clerk, branch_a):
    member = factories.make_member(branch_a, work_unit=PAYLOAD, notes=PAYLOAD)
    assert_escaped(client, clerk, reverse("members:detail", args=[member.pk]))


@pytest.mark.django_db
def test_a_conversion_task_title_is_escaped_on_the_case_page_R_CV_03(client, clerk, center):
    case = enrolled_case(center, by=clerk)
    task_assign(case=case, title=PAYLOAD, assigned_on=OPENED, due_on=date(2026, 4, 1), assigned_by=clerk)
    assert_escaped(client, clerk, reverse("conversion:case_detail", args=[case.pk]))


@pytest.mark.django_db
def test_a_recruitment_talk_record_is_escaped_on_the_candidate_page(client, clerk, branch_a):
    candidate = builders.candidate(branch_a)
    builders.add(Talk(candidate=candidate, talked_on=candidate.applied_on, talker=PAYLOAD, summary=PAYLOAD))
    assert_escaped(client, clerk, reverse("recruitment:candidate", args=[candidate.pk]))


@pytest.mark.django_db
def test_a_service_matters_request_is_escaped_on_the_matter_page(client, clerk):
    matter = register(clerk, request=PAYLOAD)
    assert_escaped(client, clerk, reverse("services:matter", args=[matter.pk]))


@pytest.mark.django_db
def test_a_complaint_is_escaped_on_the_complaint_page(client, clerk):
    complaint = complaint_register(complainant_name="匿名", content=PAYLOAD, received_by=clerk)
    assert_escaped(client, clerk, reverse("services:complaint", args=[complaint.pk]))
