"""Floating members (R-MB-06): the 七个掌握, contact log, lost contact, numbered certificates."""

from datetime import date

import pytest
from django.test import override_settings

from core.models import NumberSequence
from members.exceptions import MemberError
from members.floating import (
    certificate_issue,
    certificate_revoke,
    contact_overdue,
    floating_log_contact,
    floating_register,
    floating_return,
    lost_contact,
    mark_lost_contact,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _register(member, clerk, flowed_out_on=date(2026, 1, 10)):
    return floating_register(
        member=member,
        direction="out",
        flowed_out_on=flowed_out_on,
        destination="江苏省苏州市",
        current_work="某电子厂 技术员",
        home_address="东村3组12号",
        contact_phone="13900000001",
        recorded_by=clerk,
    )


def test_registration_requires_the_seven_facts_R_MB_06(branch_a, clerk):
    member = factories.make_member(branch_a)
    with pytest.raises(MemberError) as exc:
        floating_register(
            member=member,
            direction="out",
            flowed_out_on=date(2026, 1, 10),
            destination="",
            current_work="",
            home_address="东村",
            contact_phone="139",
            recorded_by=clerk,
        )
    assert "R-MB-06" in str(exc.value)
    assert len(exc.value.problems) == 2


@override_settings(FLOATING_CONTACT_WARNING_DAYS=90, FLOATING_LOST_CONTACT_DAYS=180)
def test_member_not_reached_for_180_days_is_lost_contact_R_MB_06(branch_a, clerk):
    floating = _register(factories.make_member(branch_a), clerk)
    on = date(2026, 7, 10)  # 181 days after 10 January
    assert floating in lost_contact(on)
    assert floating in contact_overdue(on)
    assert floating not in lost_contact(date(2026, 7, 9))
    assert floating not in contact_overdue(date(2026, 4, 10))  # exactly 90 days: not yet overdue
    assert floating in contact_overdue(date(2026, 4, 11))


@override_settings(FLOATING_LOST_CONTACT_DAYS=180)
def test_failed_contact_keeps_lost_contact_and_reaching_the_member_clears_it_R_MB_06(branch_a, clerk):
    floating = _register(factories.make_member(branch_a), clerk)
    on = date(2026, 8, 1)
    assert mark_lost_contact(on=on) == 1
    floating_log_contact(
        floating=floating, contacted_on=on, method="phone", reached=False, note="无人接听", recorded_by=clerk
    )
    floating.refresh_from_db()
    assert floating.lost_contact_since == on and floating in lost_contact(on)
    floating_log_contact(
        floating=floating, contacted_on=on, method="wechat", reached=True, note="已联系", recorded_by=clerk
    )
    floating.refresh_from_db()
    assert floating.last_contacted_on == on and floating.lost_contact_since is None
    assert floating not in lost_contact(on)
    assert floating.contacts.count() == 2


def test_certificates_are_numbered_gap_free_per_year_R_MB_06(branch_a, clerk):
    first = _register(factories.make_member(branch_a), clerk)
    second = _register(factories.make_member(branch_a), clerk)
    a = certificate_issue(floating=first, issued_on=date(2026, 2, 1), issued_by=clerk)
    b = certificate_issue(floating=second, issued_on=date(2026, 2, 2), issued_by=clerk)
    assert (a.sequence, b.sequence) == (1, 2)
    assert a.number == "流党证〔2026〕001号"
    assert a.valid_until == date(2027, 2, 1)
    assert NumberSequence.objects.get(series="floating_certificate", year=2026).last == 2


def test_a_valid_certificate_must_be_revoked_before_another_is_issued_R_MB_06(branch_a, clerk):
    floating = _register(factories.make_member(branch_a), clerk)
    cert = certificate_issue(floating=floating, issued_on=date(2026, 2, 1), issued_by=clerk)
    with pytest.raises(MemberError):
        certificate_issue(floating=floating, issued_on=date(2026, 3, 1), issued_by=clerk)
    certificate_revoke(certificate=cert, revoked_on=date(2026, 3, 1), reason="遗失", revoked_by=clerk)
    again = certificate_issue(floating=floating, issued_on=date(2026, 3, 1), issued_by=clerk)
    assert again.sequence == 2


def test_return_takes_back_certificates_and_allows_a_later_registration_R_MB_06(branch_a, clerk):
    member = factories.make_member(branch_a)
    floating = _register(member, clerk)
    cert = certificate_issue(floating=floating, issued_on=date(2026, 2, 1), issued_by=clerk)
    floating_return(floating=floating, returned_on=date(2026, 6, 1), recorded_by=clerk)
    cert.refresh_from_db()
    assert cert.revoked_on == date(2026, 6, 1)
    assert floating not in lost_contact(date(2027, 6, 1))
    with pytest.raises(MemberError):
        certificate_issue(floating=floating, issued_on=date(2026, 6, 2), issued_by=clerk)
    again = _register(member, clerk, flowed_out_on=date(2026, 9, 1))
    assert again.pk == floating.pk and again.is_active


def _register_with_activity(member, clerk, activity: str):
    return floating_register(
        member=member,
        direction="out",
        flowed_out_on=date(2026, 1, 10),
        destination="江苏省苏州市",
        current_work="某电子厂 技术员",
        home_address="东村3组12号",
        contact_phone="13900000001",
        recorded_by=clerk,
        activity_participation=activity,
    )


def test_a_return_note_that_fills_the_activity_text_to_2000_characters_is_kept_R_MB_06(branch_a, clerk):
    note = "已回村务农"
    activity = "参" * (2000 - len("\n返回：") - len(note))
    floating = _register_with_activity(factories.make_member(branch_a), clerk, activity)

    floating_return(floating=floating, returned_on=date(2026, 6, 1), recorded_by=clerk, note=note)

    floating.refresh_from_db()
    assert len(floating.activity_participation) == 2000
    assert floating.activity_participation.endswith("\n返回：已回村务农")


def test_a_return_note_one_character_past_2000_is_refused_in_chinese_and_nothing_changes_R_MB_06(
    branch_a, clerk
):
    note = "已回村务农了"
    activity = "参" * (2000 - len("\n返回：") - len(note) + 1)
    floating = _register_with_activity(factories.make_member(branch_a), clerk, activity)
    certificate = certificate_issue(floating=floating, issued_on=date(2026, 2, 1), issued_by=clerk)

    with pytest.raises(MemberError) as exc:
        floating_return(floating=floating, returned_on=date(2026, 6, 1), recorded_by=clerk, note=note)

    assert "情况说明过长" in exc.value.message and "最多还能写5字" in exc.value.message
    assert exc.value.rule == "R-MB-06"
    floating.refresh_from_db()
    certificate.refresh_from_db()
    assert floating.is_active and floating.activity_participation == activity
    assert certificate.revoked_on is None


def test_a_full_activity_text_takes_a_return_without_a_note_but_refuses_one_with_a_note_R_MB_06(
    branch_a, clerk
):
    floating = _register_with_activity(factories.make_member(branch_a), clerk, "参" * 2000)

    with pytest.raises(MemberError) as exc:
        floating_return(floating=floating, returned_on=date(2026, 6, 1), recorded_by=clerk, note="返乡")
    assert "达到2000字上限" in exc.value.message and "请不填情况说明" in exc.value.message

    floating_return(floating=floating, returned_on=date(2026, 6, 1), recorded_by=clerk, note="")
    floating.refresh_from_db()
    assert floating.returned_on == date(2026, 6, 1) and len(floating.activity_participation) == 2000


def test_repeated_flowing_out_and_returning_never_grows_the_activity_text_past_its_limit_R_MB_06(
    branch_a, clerk
):
    member = factories.make_member(branch_a)
    for round_ in range(3):
        floating = _register_with_activity(member, clerk, "参加流入地党组织活动" * 199)
        try:
            floating_return(
                floating=floating, returned_on=date(2026, 6, 1 + round_), recorded_by=clerk, note="返" * 200
            )
        except MemberError:
            floating_return(floating=floating, returned_on=date(2026, 6, 1 + round_), recorded_by=clerk)
        floating.refresh_from_db()
        assert len(floating.activity_participation) <= 2000


def test_registration_refuses_an_activity_text_over_2000_characters_R_MB_06(branch_a, clerk):
    with pytest.raises(MemberError) as exc:
        _register_with_activity(factories.make_member(branch_a), clerk, "参" * 2001)
    assert "最多2000字" in exc.value.message
