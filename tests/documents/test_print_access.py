"""Print URLs apply the same access rules as the records they print (core.access)."""

from datetime import date

import pytest
from django.urls import reverse

from core.access import Role
from tests import factories
from tests.factories.members import (
    make_certificate,
    make_floating,
    make_meeting,
    make_named_member,
    make_transfer,
)
from tests.jobs.inline import job_file
from tests.pdfutils import pdf_compact_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(branch_a, center, clerk):
    member = make_named_member(branch_a, "吴敏")
    return make_transfer(member, center, issued_on=date(2026, 5, 8), created_by=clerk)


@pytest.fixture
def certificate(branch_a, clerk):
    return make_certificate(make_floating(make_named_member(branch_a, "郑强")), issued_on=date(2026, 3, 2))


@pytest.fixture
def meeting(branch_a, secretary_a):
    make_named_member(branch_a, "冯静")
    return make_meeting(branch_a, held_on=date(2026, 4, 1), recorded_by=secretary_a)


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_secretary_prints_the_letter_of_their_own_branch(client, secretary_a, letter):
    response = _get(client, secretary_a, reverse("members_print:introduction_letter", args=[letter.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert letter.letter_number in pdf_compact_text(response.content)


def test_secretary_of_another_branch_gets_404_for_the_letter(client, secretary_b, letter):
    response = _get(client, secretary_b, reverse("members_print:introduction_letter", args=[letter.pk]))

    assert response.status_code == 404


def test_receiving_side_may_print_the_letter_it_has_to_check(client, letter, center):
    center_secretary = factories.make_user(Role.SECRETARY, organization=center)

    response = _get(client, center_secretary, reverse("members_print:introduction_letter", args=[letter.pk]))

    assert response.status_code == 200


def test_auditor_may_print_but_an_outsider_may_not(client, auditor, letter):
    url = reverse("members_print:introduction_letter", args=[letter.pk])
    outsider = factories.make_user(None)

    assert _get(client, auditor, url).status_code == 200
    assert _get(client, outsider, url).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client, letter):
    response = client.get(reverse("members_print:introduction_letter", args=[letter.pk]))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona, status", [("secretary_a", 200), ("secretary_b", 404), ("clerk", 200)])
def test_certificate_print_follows_the_members_branch(client, request, certificate, persona, status):
    user = request.getfixturevalue(persona)
    url = reverse("members_print:floating_certificate", args=[certificate.pk])

    assert _get(client, user, url).status_code == status


@pytest.mark.parametrize("persona, status", [("secretary_a", 200), ("secretary_b", 404), ("auditor", 200)])
def test_minutes_print_follows_the_meetings_branch(client, request, meeting, persona, status):
    user = request.getfixturevalue(persona)
    url = reverse("members_print:meeting_minutes", args=[meeting.pk])

    assert _get(client, user, url).status_code == status


@pytest.mark.parametrize("persona, status", [("admin_user", 200), ("secretary_a", 200), ("secretary_b", 404)])
def test_archive_print_follows_the_members_branch_R_RC_23(
    client, request, branch_a, persona, status, monkeypatch
):
    member = make_named_member(branch_a, "褚红")
    user = request.getfixturevalue(persona)

    response = _get(client, user, reverse("members_print:member_archive", args=[member.pk]))

    assert response.status_code == status  # the address shows the button that queues the job …
    job_url = reverse("members_print:member_archive_job", args=[member.pk])
    if status == 200:  # … and the job's file is the bundle
        assert "褚红" in pdf_compact_text(job_file(client, job_url, monkeypatch))
    else:
        assert client.post(job_url).status_code == status
