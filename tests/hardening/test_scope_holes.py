"""The scope holes of issue 15, one test each: a letter accepted for a member no longer in the sending branch,
an empty scope that granted every branch, masked numbers rebuilt by searching, numbered documents deleted, and
foreign-key choices of another branch in the admin."""

from datetime import date

import pytest
from django.urls import reverse

from core.access import Role
from members.exceptions import MemberError
from members.floating import certificate_issue
from members.models import DuesPayment, Member, RelationTransfer
from members.transfers import transfer_accept, transfer_start
from recruitment.models import Candidate
from tests import factories
from tests.factories.members import make_floating

pytestmark = pytest.mark.django_db


def _staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_a_letter_is_not_accepted_for_a_member_who_is_no_longer_in_the_sending_branch_R_MB_05(
    branch_a, branch_b, clerk
):
    """A letter pointed (in the admin, before it was read-only) at another branch's member moved that member
    into the receiving branch on acceptance."""
    letter = transfer_start(
        member=factories.make_member(branch_a),
        direction="internal",
        to_organization=branch_b,
        issued_on=date(2026, 3, 1),
        created_by=clerk,
    )
    elsewhere = factories.make_member(factories.make_branch("南村党支部"))
    RelationTransfer.objects.filter(pk=letter.pk).update(member=elsewhere)
    with pytest.raises(MemberError, match="不在转出组织"):
        transfer_accept(transfer=letter, accepted_on=date(2026, 3, 5), accepted_by=clerk)
    elsewhere.refresh_from_db()
    assert elsewhere.organization != branch_b


def test_a_secretary_of_a_party_group_registers_candidates_in_no_branch(client, branch_a, branch_b):
    """An empty or non-branch scope grants nothing: it was ``organizations or every branch``."""
    group = factories.make_party_group(branch_a)
    secretary = factories.make_user(Role.SECRETARY, organization=group, username="group_secretary")
    client.force_login(secretary)
    response = client.get(reverse("recruitment:candidate_create"))
    assert list(response.context["form"].fields["organization"].queryset) == []
    client.post(
        reverse("recruitment:candidate_create"),
        {"name": "乙申请人", "gender": "M", "birth_date": "1995-01-01", "organization": branch_b.pk,
         "applied_on": "2026-03-01"},
    )  # fmt: skip
    assert not Candidate.objects.exists()


@pytest.mark.parametrize("persona", ["secretary_a", "auditor"])
def test_a_role_that_sees_masked_numbers_cannot_find_a_member_by_id_digits_R_MB_04(
    client, request, persona, branch_a
):
    member = factories.make_member(branch_a, name="王测试")
    user = _staff(request.getfixturevalue(persona))
    client.force_login(user)
    hidden = member.id_number[6:14]  # the birth date digits the mask hides
    listed = client.get(reverse("members:list"), {"q": hidden})
    assert member.name not in listed.content.decode()
    for params in ({"id_number__startswith": member.id_number[:10]}, {"id_number__regex": "^3201"},
                   {"q": hidden}):  # fmt: skip
        response = client.get(reverse("admin:members_member_changelist"), params)
        assert response.status_code in (200, 400)
        assert member.name not in response.content.decode()
    # Search fields through relations (the member's ID number on a dues payment) are names only too.
    factories.make_member(branch_a)
    response = client.get(reverse("admin:members_memberstatusevent_changelist"), {"q": member.id_number})
    assert member.name not in response.content.decode()


def test_issued_letters_and_certificates_are_never_deleted_in_the_admin(
    client, admin_user, branch_a, branch_b
):
    """They keep their number: cancelled or revoked (作废) through their operations, never deleted."""
    letter = transfer_start(
        member=factories.make_member(branch_a),
        direction="internal",
        to_organization=branch_b,
        issued_on=date(2026, 3, 1),
        created_by=admin_user,
    )
    floating = make_floating(factories.make_member(branch_a))
    certificate = certificate_issue(floating=floating, issued_on=date(2026, 3, 2), issued_by=admin_user)
    client.force_login(admin_user)
    for name, record in (("relationtransfer", letter), ("floatingcertificate", certificate)):
        url = reverse(f"admin:members_{name}_delete", args=[record.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
        changelist = reverse(f"admin:members_{name}_changelist")
        client.post(changelist, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"})
        assert type(record).objects.filter(pk=record.pk).exists()


def test_a_secretary_cannot_pick_another_branchs_member_in_an_admin_form(client, secretary_b, branch_a):
    """Foreign-key choices are scoped: another branch's member posted as a key is not a valid choice."""
    member = factories.make_member(branch_a)
    client.force_login(_staff(secretary_b))
    response = client.post(
        reverse("admin:members_annualreview_add"),
        {"member": member.pk, "year": "2025", "result": "qualified"},
    )
    assert response.status_code in (200, 403)
    assert not member.annual_reviews.exists()
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "annualreview", "field_name": "member", "term": member.name},
    )
    assert member.name not in autocomplete.content.decode()
    assert not DuesPayment.objects.exists() and Member.objects.filter(organization=branch_a).count() == 1


def test_an_annual_review_added_in_the_admin_goes_through_its_operation_R_MB_09(client, admin_user, branch_a):
    """review_record refuses a year before the member joined; the admin's add used to save it as typed."""
    from django.contrib.messages import get_messages

    member = factories.make_member(branch_a, joined_on=date(2005, 7, 1))
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:members_annualreview_add"),
        {"member": member.pk, "year": "2001", "result": "qualified"},
    )
    assert response.status_code == 302
    assert "尚未入党" in str(list(get_messages(response.wsgi_request))[0])
    assert not member.annual_reviews.exists()
    client.post(
        reverse("admin:members_annualreview_add"),
        {"member": member.pk, "year": "2025", "result": "qualified"},
    )
    assert member.annual_reviews.get().recorded_by == admin_user


@pytest.mark.parametrize("persona", ["admin_user", "auditor"])
def test_the_service_matter_admin_never_shows_a_citizens_full_id_number_R_MB_04(
    client, request, persona, clerk
):
    """The auditor saw a citizen's full ID number there, unlogged: the admin shows it masked to everyone (the
    desk pages are where a matter is worked)."""
    from datetime import datetime

    from core.dates import SHANGHAI
    from core.idnumbers import make_id_number
    from services import desk

    number = make_id_number("320102", date(1970, 3, 4), 7)
    matter = desk.matter_register(
        kind="promised", applicant_name="丙办事人", applicant_id_number=number, applicant_phone="13812345678",
        request="开具证明", first_contact=clerk, at=datetime(2026, 11, 2, 10, tzinfo=SHANGHAI),
    )  # fmt: skip
    client.force_login(_staff(request.getfixturevalue(persona)))
    html = client.get(reverse("admin:services_matter_change", args=[matter.pk])).content.decode()
    assert "丙办事人" in html
    assert number not in html and "13812345678" not in html
    assert number[-4:] in html
