"""Bad input in the admin's forms is a form error, never a server error (core.admin_scope)."""

from datetime import date

import pytest
from django.urls import reverse

from core.models import StaffProfile
from core.rules import citation
from members.models import Member, RelationTransfer
from members.transfers import transfer_start
from tests import factories

pytestmark = pytest.mark.django_db


def _change_data(response) -> dict:
    """The change form's current values, inline formsets included, as the browser would send them back."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is not None:
                data[bound.html_name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def test_a_joined_on_after_the_read_only_full_member_date_is_a_form_error_naming_it_R_MB_03(
    client, admin_user, branch_a
):
    member = factories.make_member(branch_a, joined_on=date(2005, 7, 1), full_member_on=date(2006, 7, 1))
    client.force_login(admin_user)
    url = reverse("admin:members_member_change", args=[member.pk])
    data = _change_data(client.get(url)) | {"joined_on": "2007-07-01"}

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any("转正日期：" in e and citation("R-MB-03") in e for e in errors)  # the regulation, not the ID
    member.refresh_from_db()
    assert member.joined_on == date(2005, 7, 1)


def test_a_letter_is_read_only_in_the_admin_even_for_the_administrator_R_MB_05(
    client, admin_user, branch_a, branch_b
):
    """Letters are numbered and change only through members.transfers (issue, accept, cancel with a reason):
    the admin's change form — where a validity date or the member could be rewritten — is gone, and a
    numbered letter is never deleted (a gap-free series)."""
    letter = transfer_start(
        member=factories.make_member(branch_a),
        direction="internal",
        to_organization=branch_b,
        issued_on=date(2026, 11, 2),
        created_by=admin_user,
    )
    client.force_login(admin_user)
    url = reverse("admin:members_relationtransfer_change", args=[letter.pk])
    assert client.get(url).status_code == 200  # read only
    assert client.post(url, {"issued_on": "2027-06-01"}).status_code == 403
    delete = reverse("admin:members_relationtransfer_delete", args=[letter.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    letter.refresh_from_db()
    assert letter.issued_on == date(2026, 11, 2)


def test_an_autocomplete_field_posted_with_no_key_is_refused_on_the_form(client, admin_user):
    client.force_login(admin_user)
    before = StaffProfile.objects.count()

    response = client.post(reverse("admin:core_staffprofile_add"), {"user": "\x00", "organization": "abc"})

    assert response.status_code == 200
    assert {"user", "organization"} <= set(response.context["adminform"].form.errors)
    assert StaffProfile.objects.count() == before
    assert Member.objects.count() == 0 and RelationTransfer.objects.count() == 0
