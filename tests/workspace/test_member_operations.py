"""The member operation pages: floating members and certificates (R-MB-06), discipline and status (R-MB-02),
cancelling an introduction letter (R-MB-05). The right persona changes the record and is redirected; every other
persona gets 404/403 and changes nothing."""

from datetime import date

import pytest
from django.urls import reverse

from core.dates import local_today
from members.floating import certificate_issue
from members.models import (
    Discipline,
    FloatingCertificate,
    FloatingMember,
    Member,
    MemberStatusEvent,
    RelationTransfer,
)
from members.status import discipline_record
from members.transfers import transfer_start

pytestmark = pytest.mark.django_db

REFUSED = {"secretary_b": 404, "auditor": 403, "anonymous": 302}
TODAY = local_today().isoformat()


@pytest.fixture
def floating_a(member_a):
    return FloatingMember.objects.create(
        member=member_a,
        flowed_out_on=date(2025, 1, 1),
        destination="苏州",
        current_work="工厂",
        home_address="东村1号",
        contact_phone="139",
    )


@pytest.fixture
def certificate_a(floating_a, clerk):
    return certificate_issue(floating=floating_a, issued_on=local_today(), issued_by=clerk)


@pytest.fixture
def probation_a(member_a, clerk):
    return discipline_record(
        member=member_a,
        kind=Discipline.Kind.PROBATION,
        decided_on=date(2025, 6, 1),
        decided_by="镇纪委",
        reason="违反组织纪律",
        recorded_by=clerk,
    )


@pytest.fixture
def letter_a(member_a, branch_b, clerk):
    return transfer_start(
        member=member_a,
        direction="internal",
        to_organization=branch_b,
        issued_on=local_today(),
        created_by=clerk,
    )


REGISTER = {
    "direction": "out",
    "flowed_out_on": "2026-01-05",
    "destination": "江苏省苏州市",
    "current_work": "电子厂",
    "home_address": "东村1号",
    "contact_phone": "13900001111",
}


# Floating members and certificates (R-MB-06) ------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "clerk", "secretary_a"])
def test_branch_staff_register_a_floating_member_R_MB_06(persona, personas, as_user, member_a):
    response = as_user(personas[persona]).post(
        reverse("members:floating_register", args=[member_a.pk]), REGISTER
    )
    assert response["Location"] == reverse("members:detail", args=[member_a.pk])
    assert FloatingMember.objects.get().destination == "江苏省苏州市"


@pytest.mark.parametrize("persona", ["secretary_b", "auditor", "anonymous"])
def test_wrong_persona_cannot_register_a_floating_member_R_MB_06(persona, personas, as_user, member_a):
    response = as_user(personas[persona]).post(
        reverse("members:floating_register", args=[member_a.pk]), REGISTER
    )
    assert response.status_code == REFUSED[persona]
    assert not FloatingMember.objects.exists()


def test_floating_register_without_the_seven_facts_shows_errors_next_to_the_fields_R_MB_06(
    as_user, secretary_a, member_a
):
    response = as_user(secretary_a).post(
        reverse("members:floating_register", args=[member_a.pk]),
        {**REGISTER, "destination": "", "current_work": ""},
    )
    assert response.status_code == 200
    assert {"destination", "current_work"} <= set(response.context["form"].errors)
    assert not FloatingMember.objects.exists()


def test_return_takes_back_open_certificates_R_MB_06(as_user, secretary_a, member_a, certificate_a):
    response = as_user(secretary_a).post(
        reverse("members:floating_return", args=[member_a.pk]), {"returned_on": TODAY}
    )
    assert response.status_code == 302
    certificate_a.refresh_from_db()
    assert certificate_a.revoked_on == local_today()
    assert not FloatingMember.objects.get().is_active


def test_return_before_flowing_out_is_refused_next_to_the_date_R_MB_06(
    as_user, secretary_a, member_a, floating_a
):
    response = as_user(secretary_a).post(
        reverse("members:floating_return", args=[member_a.pk]), {"returned_on": "2024-12-31"}
    )
    assert "returned_on" in response.context["form"].errors
    floating_a.refresh_from_db()
    assert floating_a.is_active


def test_a_return_note_past_the_activity_limit_is_refused_on_the_form_and_nothing_changes_R_MB_06(
    as_user, secretary_a, member_a, floating_a, certificate_a
):
    FloatingMember.objects.filter(pk=floating_a.pk).update(activity_participation="参" * 1990)
    response = as_user(secretary_a).post(
        reverse("members:floating_return", args=[member_a.pk]), {"returned_on": TODAY, "note": "返" * 50}
    )
    assert response.status_code == 200
    assert "最多还能写6字" in " ".join(response.context["form"].non_field_errors())
    floating_a.refresh_from_db()
    certificate_a.refresh_from_db()
    assert floating_a.is_active and len(floating_a.activity_participation) == 1990
    assert certificate_a.revoked_on is None


@pytest.mark.parametrize("persona", ["secretary_b", "auditor", "anonymous"])
def test_wrong_persona_cannot_record_a_return_R_MB_06(persona, personas, as_user, member_a, floating_a):
    response = as_user(personas[persona]).post(
        reverse("members:floating_return", args=[member_a.pk]), {"returned_on": TODAY}
    )
    assert response.status_code == REFUSED[persona]
    floating_a.refresh_from_db()
    assert floating_a.is_active


@pytest.mark.parametrize("persona", ["admin", "clerk", "secretary_a"])
def test_branch_staff_issue_a_numbered_certificate_R_MB_06(persona, personas, as_user, member_a, floating_a):
    response = as_user(personas[persona]).post(
        reverse("members:certificate_issue", args=[member_a.pk]), {"issued_on": TODAY, "valid_months": 12}
    )
    assert response.status_code == 302
    assert FloatingCertificate.objects.get().number


@pytest.mark.parametrize("persona", ["secretary_b", "auditor", "anonymous"])
def test_wrong_persona_cannot_issue_a_certificate_R_MB_06(persona, personas, as_user, member_a, floating_a):
    response = as_user(personas[persona]).post(
        reverse("members:certificate_issue", args=[member_a.pk]), {"issued_on": TODAY, "valid_months": 12}
    )
    assert response.status_code == REFUSED[persona]
    assert not FloatingCertificate.objects.exists()


def test_second_valid_certificate_shows_the_domain_error_R_MB_06(
    as_user, secretary_a, member_a, certificate_a
):
    response = as_user(secretary_a).post(
        reverse("members:certificate_issue", args=[member_a.pk]), {"issued_on": TODAY, "valid_months": 12}
    )
    assert "仍在有效期内" in response.content.decode()
    assert FloatingCertificate.objects.count() == 1


def test_member_who_is_not_floating_has_no_certificate_page(as_user, secretary_a, member_a):
    assert (
        as_user(secretary_a).get(reverse("members:certificate_issue", args=[member_a.pk])).status_code == 404
    )


def test_certificate_is_revoked_with_a_reason_R_MB_06(as_user, secretary_a, certificate_a):
    url = reverse("members:certificate_revoke", args=[certificate_a.pk])
    response = as_user(secretary_a).post(url, {"revoked_on": TODAY, "reason": ""})
    assert "reason" in response.context["form"].errors
    response = as_user(secretary_a).post(url, {"revoked_on": TODAY, "reason": "证件遗失"})
    assert response.status_code == 302
    certificate_a.refresh_from_db()
    assert certificate_a.revoke_reason == "证件遗失"


@pytest.mark.parametrize("persona", ["secretary_b", "auditor", "anonymous"])
def test_wrong_persona_cannot_revoke_a_certificate_R_MB_06(persona, personas, as_user, certificate_a):
    response = as_user(personas[persona]).post(
        reverse("members:certificate_revoke", args=[certificate_a.pk]),
        {"revoked_on": TODAY, "reason": "遗失"},
    )
    assert response.status_code == REFUSED[persona]
    certificate_a.refresh_from_db()
    assert certificate_a.revoked_on is None


# Discipline and status (R-MB-02) ------------------------------------------------------------------------

DISCIPLINE = {
    "kind": "warning",
    "decided_on": "2026-01-05",
    "decided_by": "东村党支部",
    "reason": "无故不参加组织生活",
}


@pytest.mark.parametrize("persona", ["admin", "clerk"])
def test_administrator_and_clerk_record_a_discipline_R_MB_02(persona, personas, as_user, member_a):
    response = as_user(personas[persona]).post(
        reverse("members:discipline_create", args=[member_a.pk]), DISCIPLINE
    )
    assert response.status_code == 302
    assert Discipline.objects.get().kind == Discipline.Kind.WARNING


@pytest.mark.parametrize("persona", ["secretary_a", "secretary_b", "auditor"])
def test_secretaries_and_auditors_cannot_record_a_discipline_R_MB_02(persona, personas, as_user, member_a):
    """Discipline is decided above the branch: even the member's own secretary may not record or lift it."""
    client = as_user(personas[persona])
    assert client.get(reverse("members:discipline_create", args=[member_a.pk])).status_code == 403
    assert (
        client.post(reverse("members:discipline_create", args=[member_a.pk]), DISCIPLINE).status_code == 403
    )
    assert not Discipline.objects.exists()


def test_expulsion_recorded_on_the_page_ends_membership_R_MB_02(as_user, clerk, member_a):
    as_user(clerk).post(
        reverse("members:discipline_create", args=[member_a.pk]), {**DISCIPLINE, "kind": "expulsion"}
    )
    member_a.refresh_from_db()
    assert member_a.status == Member.Status.EXPELLED
    assert MemberStatusEvent.objects.get().to_state == Member.Status.EXPELLED


def test_rights_are_restored_after_probation_R_MB_02(as_user, clerk, probation_a):
    response = as_user(clerk).post(
        reverse("members:discipline_restore", args=[probation_a.pk]), {"restored_on": TODAY}
    )
    assert response.status_code == 302
    probation_a.refresh_from_db()
    assert probation_a.rights_restored_on == local_today()


def test_restoring_rights_before_the_decision_is_refused_next_to_the_date_R_MB_02(
    as_user, clerk, probation_a
):
    response = as_user(clerk).post(
        reverse("members:discipline_restore", args=[probation_a.pk]), {"restored_on": "2025-05-31"}
    )
    assert "restored_on" in response.context["form"].errors
    probation_a.refresh_from_db()
    assert probation_a.rights_restored_on is None


@pytest.mark.parametrize("persona", ["secretary_a", "secretary_b", "auditor", "anonymous"])
def test_only_administrator_and_clerk_restore_rights_R_MB_02(persona, personas, as_user, probation_a):
    response = as_user(personas[persona]).post(
        reverse("members:discipline_restore", args=[probation_a.pk]), {"restored_on": TODAY}
    )
    assert response.status_code == {**REFUSED, "secretary_a": 403, "secretary_b": 403}[persona]
    probation_a.refresh_from_db()
    assert probation_a.rights_restored_on is None


STATUS = {"to_status": "deceased", "effective_on": "2026-01-05", "reason": "病故"}


@pytest.mark.parametrize("persona", ["admin", "clerk", "secretary_a"])
def test_status_change_is_a_dated_event_R_MB_02(persona, personas, as_user, member_a):
    response = as_user(personas[persona]).post(reverse("members:status_change", args=[member_a.pk]), STATUS)
    assert response.status_code == 302
    event = MemberStatusEvent.objects.get()
    assert (event.to_state, event.effective_on, event.note) == ("deceased", date(2026, 1, 5), "病故")


@pytest.mark.parametrize("persona", ["secretary_b", "auditor", "anonymous"])
def test_wrong_persona_cannot_change_a_status_R_MB_02(persona, personas, as_user, member_a):
    response = as_user(personas[persona]).post(reverse("members:status_change", args=[member_a.pk]), STATUS)
    assert response.status_code == REFUSED[persona]
    member_a.refresh_from_db()
    assert member_a.status == Member.Status.FULL
    assert not MemberStatusEvent.objects.exists()


def test_expulsion_is_not_offered_as_a_plain_status_change_R_MB_02(as_user, clerk, member_a):
    response = as_user(clerk).post(
        reverse("members:status_change", args=[member_a.pk]), {**STATUS, "to_status": "expelled"}
    )
    assert "to_status" in response.context["form"].errors
    assert not MemberStatusEvent.objects.exists()


def test_a_deceased_member_cannot_change_status_again_R_MB_02(as_user, clerk, member_a):
    client = as_user(clerk)
    client.post(reverse("members:status_change", args=[member_a.pk]), STATUS)
    response = client.post(
        reverse("members:status_change", args=[member_a.pk]), {**STATUS, "to_status": "removed"}
    )
    assert "不能从" in response.content.decode()
    assert MemberStatusEvent.objects.count() == 1


# Cancelling an introduction letter (R-MB-05) ------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "clerk", "secretary_a"])
def test_issuing_side_cancels_a_pending_letter_with_a_reason_R_MB_05(
    persona, personas, as_user, member_a, letter_a
):
    response = as_user(personas[persona]).post(
        reverse("members:transfer_cancel", args=[letter_a.pk]), {"reason": "本人暂不外出"}
    )
    assert response.status_code == 302
    letter_a.refresh_from_db()
    assert letter_a.state == RelationTransfer.State.CANCELLED
    assert "本人暂不外出" in letter_a.reason
    member_a.refresh_from_db()
    assert member_a.organization_id == letter_a.from_organization_id


@pytest.mark.parametrize("persona", ["secretary_b", "auditor", "anonymous"])
def test_receiving_side_auditor_and_anonymous_cannot_cancel_a_letter_R_MB_05(
    persona, personas, as_user, letter_a
):
    """The receiving secretary (branch B) accepts the letter but may not withdraw it: 404."""
    response = as_user(personas[persona]).post(
        reverse("members:transfer_cancel", args=[letter_a.pk]), {"reason": "x"}
    )
    assert response.status_code == REFUSED[persona]
    letter_a.refresh_from_db()
    assert letter_a.state == RelationTransfer.State.PENDING


def test_cancelling_without_a_reason_shows_the_error_next_to_the_field_R_MB_05(
    as_user, secretary_a, letter_a
):
    response = as_user(secretary_a).post(
        reverse("members:transfer_cancel", args=[letter_a.pk]), {"reason": ""}
    )
    assert "reason" in response.context["form"].errors
    letter_a.refresh_from_db()
    assert letter_a.state == RelationTransfer.State.PENDING


# What each persona is shown ---------------------------------------------------------------------------


def test_member_page_shows_print_buttons_for_archive_letter_and_certificate(
    as_user, secretary_a, member_a, certificate_a, letter_a
):
    html = as_user(secretary_a).get(reverse("members:detail", args=[member_a.pk])).content.decode()
    assert (
        reverse("members_print:member_archive_job", args=[member_a.pk]) in html
    )  # built as a background job
    assert reverse("members_print:introduction_letter", args=[letter_a.pk]) in html
    assert reverse("members_print:floating_certificate", args=[certificate_a.pk]) in html
    assert reverse("members:transfer_cancel", args=[letter_a.pk]) in html
    assert reverse("members:discipline_create", args=[member_a.pk]) not in html


def test_auditor_sees_print_buttons_but_no_write_buttons(
    as_user, auditor, member_a, certificate_a, probation_a
):
    html = as_user(auditor).get(reverse("members:detail", args=[member_a.pk])).content.decode()
    assert reverse("members_print:floating_certificate", args=[certificate_a.pk]) in html
    for name, arg in [
        ("members:certificate_revoke", certificate_a.pk),
        ("members:discipline_restore", probation_a.pk),
        ("members:status_change", member_a.pk),
        ("members:floating_return", member_a.pk),
    ]:
        assert reverse(name, args=[arg]) not in html


def test_transfer_list_offers_accept_only_to_the_receiver_and_cancel_only_to_the_issuer_R_MB_05(
    as_user, secretary_a, secretary_b, letter_a
):
    accept = reverse("members:transfer_accept", args=[letter_a.pk])
    cancel = reverse("members:transfer_cancel", args=[letter_a.pk])
    letter = reverse("members_print:introduction_letter", args=[letter_a.pk])
    sender = as_user(secretary_a).get(reverse("members:transfers")).content.decode()
    receiver = as_user(secretary_b).get(reverse("members:transfers")).content.decode()
    assert (accept in sender, cancel in sender, letter in sender) == (False, True, True)
    assert (accept in receiver, cancel in receiver, letter in receiver) == (True, False, True)


def test_meeting_page_has_a_print_button_for_the_minutes(as_user, secretary_a, branch_a):
    from members.models import Meeting

    meeting = Meeting.objects.create(
        organization=branch_a, kind=Meeting.Kind.COMMITTEE_MEETING, held_on=date(2026, 3, 4), topic="学习"
    )
    html = as_user(secretary_a).get(reverse("members:meeting", args=[meeting.pk])).content.decode()
    assert reverse("members_print:meeting_minutes", args=[meeting.pk]) in html
