"""Members leave, they are not deleted (R-MB-02; issue 10 "destructive actions are soft")."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from members.models import Member
from members.records import member_create
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_admin_offers_no_way_to_delete_a_member_R_MB_02(client, admin_user, branch_a):
    member = factories.make_member(branch_a)
    client.force_login(admin_user)
    assert client.get(reverse("admin:members_member_delete", args=[member.pk])).status_code == 403
    response = client.post(
        reverse("admin:members_member_changelist"),
        {"action": "delete_selected", "_selected_action": [member.pk]},
    )
    assert "delete_selected" not in response.content.decode()
    assert Member.objects.filter(pk=member.pk).exists()


def test_a_member_with_a_status_history_cannot_vanish_even_through_the_orm_R_MB_02(branch_a, clerk):
    from datetime import date

    from core.idnumbers import make_id_number

    member = member_create(
        recorded_by=clerk,
        name="王五",
        gender=Member.Gender.MALE,
        birth_date=date(1980, 3, 4),
        id_number=make_id_number("320102", date(1980, 3, 4), 7),
        organization=branch_a,
        joined_on=date(2005, 7, 1),
        full_member_on=date(2006, 7, 1),
    )
    with pytest.raises(ProtectedError):
        member.delete()
    assert Member.objects.filter(pk=member.pk).exists()
