"""Phones are masked for secretaries and auditors on every page, PDF and export, as in the member list
(139****5678); administrators and clerks see them in full (issue 15). Hostile month values on the desk's
statistics page are ignored, never a server error."""

from datetime import date

import pytest
from django.urls import reverse

from members import documents
from tests import factories
from tests.factories.members import make_certificate, make_floating, make_named_member
from tests.factories.services import at, register
from tests.pdfutils import pdf_compact_text

pytestmark = pytest.mark.django_db

FULL, MASKED = "13912345678", "139****5678"


@pytest.fixture
def member(branch_a):
    return factories.make_member(branch_a, name="王小明", phone=FULL)


@pytest.mark.parametrize("persona", ["secretary_a", "auditor"])
def test_the_member_page_masks_the_phone_as_the_list_does(client, request, member, persona):
    client.force_login(request.getfixturevalue(persona))
    detail = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    listing = client.get(reverse("members:list")).content.decode()
    assert MASKED in detail and FULL not in detail
    assert MASKED in listing and FULL not in listing


def test_a_clerk_sees_the_full_phone_on_the_member_page(client, clerk, member):
    client.force_login(clerk)
    assert FULL in client.get(reverse("members:detail", args=[member.pk])).content.decode()


def test_the_member_record_in_the_file_masks_the_phone_for_a_masked_role(member):
    assert documents.member_record(member, full_id=False).context["phone"] == MASKED
    assert documents.member_record(member, full_id=True).context["phone"] == FULL


def test_a_secretary_prints_the_floating_certificate_with_the_contact_masked(client, secretary_a, branch_a):
    floating = make_floating(make_named_member(branch_a, "郑强"))
    floating.contact_phone = FULL
    floating.save(update_fields=["contact_phone"])
    certificate = make_certificate(floating, issued_on=date(2026, 3, 2))
    client.force_login(secretary_a)
    page = client.get(reverse("members:detail", args=[floating.member.pk])).content.decode()
    assert FULL not in page
    pdf = client.get(reverse("members_print:floating_certificate", args=[certificate.pk]))
    text = pdf_compact_text(pdf.content)
    assert MASKED in text and FULL not in text


def test_the_desk_shows_an_applicants_phone_masked_to_the_auditor_and_in_full_to_the_clerk(
    client, clerk, auditor
):
    matter = register(clerk, when=at(2026, 3, 2), applicant_phone=FULL)
    url = reverse("services:matter", args=[matter.pk])
    client.force_login(auditor)
    page = client.get(url).content.decode()
    assert MASKED in page and FULL not in page
    client.force_login(clerk)
    assert FULL in client.get(url).content.decode()


@pytest.mark.parametrize(
    "month",
    ["9999-12", "0001-01", "2026-13", "2026-0", "x", "2026-11-1", "-1-1", "99999999999999999999-1", "\x00"],
)
def test_hostile_months_on_the_desk_statistics_are_ignored(client, clerk, month):
    client.force_login(clerk)
    assert client.get(reverse("services:stats"), {"month": month}).status_code == 200


def test_a_full_width_month_is_read(client, clerk):
    client.force_login(clerk)
    page = client.get(reverse("services:stats"), {"month": "２０２５-０３"}).content.decode()
    assert "2025" in page
