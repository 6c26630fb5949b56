"""The member forms: the right persona changes the record; every other persona gets 404/403 and changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from core.dates import local_today
from members.models import Attendance, DuesPayment, FloatingContact, FloatingMember, Meeting, RelationTransfer
from tests import factories

pytestmark = pytest.mark.django_db

REFUSED = {"secretary_b": 404, "auditor": 403, "anonymous": 302}


def _dues_post(member):
    return {"months": ["2026-01-01"], "paid_on": "2026-02-01"}


@pytest.mark.parametrize("persona", ["secretary_b", "auditor", "anonymous"])
def test_wrong_persona_cannot_record_dues_and_nothing_changes_R_MB_07(persona, personas, as_user, member_a):
    response = as_user(personas[persona]).post(
        reverse("members:dues", args=[member_a.pk]), _dues_post(member_a)
    )
    assert response.status_code == REFUSED[persona]
    assert not DuesPayment.objects.exists()


@pytest.mark.parametrize("persona", ["admin", "clerk", "secretary_a"])
def test_staff_of_the_branch_record_dues_and_are_redirected_R_MB_07(persona, personas, as_user, member_a):
    response = as_user(personas[persona]).post(
        reverse("members:dues", args=[member_a.pk]), _dues_post(member_a)
    )
    assert response.status_code == 302
    payment = DuesPayment.objects.get()
    assert (payment.month, payment.amount) == (date(2026, 1, 1), Decimal("2.00"))


def test_dues_for_a_month_already_paid_shows_the_error_next_to_the_month_R_MB_07(
    as_user, secretary_a, member_a
):
    client = as_user(secretary_a)
    client.post(reverse("members:dues", args=[member_a.pk]), _dues_post(member_a))
    response = client.post(reverse("members:dues", args=[member_a.pk]), _dues_post(member_a))
    assert response.status_code == 200
    assert response.context["form"].errors["months"]  # January is no longer offered: it is paid
    assert DuesPayment.objects.count() == 1


def test_meeting_with_roll_is_recorded_by_the_branch_secretary_R_MB_08(
    as_user, secretary_a, branch_a, member_a
):
    absent = factories.make_member(branch_a, name="王五")
    client = as_user(secretary_a)
    response = client.post(
        reverse("members:meeting_create"),
        {
            "organization": branch_a.pk,
            "kind": Meeting.Kind.MEMBER_MEETING,  # every member is on its roll (a committee's: the committee)
            "held_on": "2026-03-04",
            "topic": "学习",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("members:meeting", args=[meeting.pk])
    response = client.post(response["Location"], {"present": [str(member_a.pk)]})
    assert response.status_code == 302
    roll = dict(Attendance.objects.values_list("member_id", "present"))
    assert roll == {member_a.pk: True, absent.pk: False}


def test_secretary_cannot_record_a_meeting_for_another_branch_R_MB_08(as_user, secretary_b, branch_a):
    response = as_user(secretary_b).post(
        reverse("members:meeting_create"),
        {
            "organization": branch_a.pk,
            "kind": Meeting.Kind.COMMITTEE_MEETING,
            "held_on": "2026-03-04",
            "topic": "学习",
        },
    )
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_meeting_form_shows_a_domain_error_in_chinese_R_MB_08(as_user, secretary_a, branch_a):
    response = as_user(secretary_a).post(
        reverse("members:meeting_create"),
        {
            "organization": branch_a.pk,
            "kind": Meeting.Kind.GROUP_MEETING,
            "held_on": "2026-03-04",
            "topic": "学习",
        },
    )
    assert "党小组会应由党小组召开" in response.content.decode()
    assert not Meeting.objects.exists()


def test_meeting_date_in_the_future_is_refused_next_to_the_field(as_user, secretary_a, branch_a):
    response = as_user(secretary_a).post(
        reverse("members:meeting_create"),
        {
            "organization": branch_a.pk,
            "kind": Meeting.Kind.COMMITTEE_MEETING,
            "held_on": "2999-01-01",
            "topic": "x",
        },
    )
    assert "held_on" in response.context["form"].errors


@pytest.mark.parametrize("persona", ["secretary_b", "auditor", "anonymous"])
def test_wrong_persona_cannot_write_a_roll_R_MB_08(persona, personas, as_user, branch_a, member_a):
    meeting = Meeting.objects.create(
        organization=branch_a, kind=Meeting.Kind.COMMITTEE_MEETING, held_on=date(2026, 3, 4), topic="学习"
    )
    response = as_user(personas[persona]).post(reverse("members:meeting", args=[meeting.pk]), {"present": []})
    assert response.status_code == REFUSED[persona]
    assert not Attendance.objects.exists()


def _floating(member):
    return FloatingMember.objects.create(
        member=member,
        flowed_out_on=date(2025, 1, 1),
        destination="苏州",
        current_work="工厂",
        home_address="东村1号",
        contact_phone="139",
    )


def test_contact_with_a_floating_member_updates_last_contact_R_MB_06(as_user, secretary_a, member_a):
    floating = _floating(member_a)
    today = local_today().isoformat()
    response = as_user(secretary_a).post(
        reverse("members:contact", args=[member_a.pk]),
        {"contacted_on": today, "method": "phone", "reached": "on"},
    )
    assert response.status_code == 302
    floating.refresh_from_db()
    assert floating.last_contacted_on == local_today()


@pytest.mark.parametrize("persona", ["secretary_b", "auditor", "anonymous"])
def test_wrong_persona_cannot_log_a_contact_R_MB_06(persona, personas, as_user, member_a):
    _floating(member_a)
    response = as_user(personas[persona]).post(
        reverse("members:contact", args=[member_a.pk]), {"contacted_on": "2026-01-01", "method": "phone"}
    )
    assert response.status_code == REFUSED[persona]
    assert not FloatingContact.objects.exists()


def _start(client, member, to):
    return client.post(
        reverse("members:transfer", args=[member.pk]),
        {
            "direction": "internal",
            "to_organization": to.pk,
            "issued_on": local_today().isoformat(),
            "valid_days": 30,
        },
    )


def test_transfer_is_started_by_one_branch_and_accepted_by_the_other_R_MB_05(
    as_user, secretary_a, secretary_b, member_a, branch_b
):
    assert _start(as_user(secretary_a), member_a, branch_b).status_code == 302
    transfer = RelationTransfer.objects.get()
    url = reverse("members:transfer_accept", args=[transfer.pk])
    # The sending secretary sees the letter but cannot accept it for the receiver.
    assert as_user(secretary_a).post(url, {"accepted_on": local_today().isoformat()}).status_code == 404
    assert as_user(secretary_b).post(url, {"accepted_on": local_today().isoformat()}).status_code == 302
    member_a.refresh_from_db()
    assert member_a.organization == branch_b


@pytest.mark.parametrize("persona", ["secretary_b", "auditor", "anonymous"])
def test_wrong_persona_cannot_start_a_transfer_R_MB_05(persona, personas, as_user, member_a, branch_b):
    assert _start(as_user(personas[persona]), member_a, branch_b).status_code == REFUSED[persona]
    assert not RelationTransfer.objects.exists()


def test_second_pending_transfer_shows_the_domain_error_R_MB_05(as_user, clerk, member_a, branch_b, center):
    client = as_user(clerk)
    _start(client, member_a, branch_b)
    response = _start(client, member_a, center)
    assert "已有一份待接收的组织关系介绍信" in response.content.decode()
    assert RelationTransfer.objects.count() == 1


def test_auditor_cannot_accept_a_transfer(as_user, clerk, auditor, member_a, branch_b):
    _start(as_user(clerk), member_a, branch_b)
    transfer = RelationTransfer.objects.get()
    url = reverse("members:transfer_accept", args=[transfer.pk])
    assert as_user(auditor).post(url, {"accepted_on": local_today().isoformat()}).status_code == 403
    transfer.refresh_from_db()
    assert transfer.state == RelationTransfer.State.PENDING
