"""Floating members: the 七个掌握, the contact log, lost contact and numbered certificates (R-MB-06)."""

from __future__ import annotations

from datetime import date
from typing import cast

from django.conf import settings
from django.db import transaction
from django.db.models import DateField, Q, QuerySet
from django.db.models.functions import Coalesce

from core.dates import period_end
from core.models import CenterProfile
from core.numbering import format_number, next_number
from members.exceptions import MemberError
from members.models import FloatingCertificate, FloatingContact, FloatingMember, Member

CERTIFICATE_SERIES = "floating_certificate"
# The 参加组织活动情况 text holds at most this many characters (the model field's limit); a return note is
# appended to it, so floating_return checks the sum.
ACTIVITY_MAX_LENGTH = cast(int, FloatingMember._meta.get_field("activity_participation").max_length)


@transaction.atomic
def floating_register(
    *,
    member: Member,
    direction: str,
    flowed_out_on: date,
    destination: str,
    current_work: str,
    home_address: str,
    contact_phone: str,
    recorded_by,
    activity_participation: str = "",
    dues_paid_where: str = "",
) -> FloatingMember:
    """R-MB-06: register a floating member with the 七个掌握 (a member who came back may flow out again)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not member.is_active_member:
        raise MemberError(
            f"{member.name}当前状态为{member.get_status_display()}，不能登记为流动党员（R-MB-06）。",
            rule="R-MB-06",
        )
    if direction not in FloatingMember.Direction.values:
        raise MemberError("流动方向无效（R-MB-06）。", rule="R-MB-06")
    missing = [
        label
        for label, value in (
            ("流入地/流出地", destination),
            ("现工作单位及从事工作", current_work),
            ("家庭住址", home_address),
            ("联系方式", contact_phone),
        )
        if not (value or "").strip()
    ]
    if missing:
        raise MemberError(
            f"流动党员须掌握以下情况：{'、'.join(missing)}（R-MB-06 七个掌握）。",
            rule="R-MB-06",
            problems=[f"请填写{label}。" for label in missing],
        )
    if len(activity_participation) > ACTIVITY_MAX_LENGTH:
        raise MemberError(
            f"参加组织活动情况最多{ACTIVITY_MAX_LENGTH}字，现有{len(activity_participation)}字，请精简（R-MB-06）。",
            rule="R-MB-06",
        )
    fields = {
        "direction": direction,
        "flowed_out_on": flowed_out_on,
        "returned_on": None,
        "destination": destination.strip(),
        "current_work": current_work.strip(),
        "home_address": home_address.strip(),
        "contact_phone": contact_phone.strip(),
        "activity_participation": activity_participation,
        "dues_paid_where": dues_paid_where.strip(),
        "last_contacted_on": flowed_out_on,
        "lost_contact_since": None,
    }
    floating = FloatingMember.objects.select_for_update().filter(member=member).first()
    if floating is None:
        return FloatingMember.objects.create(member=member, **fields)
    if floating.is_active:
        raise MemberError(f"{member.name}已登记为流动党员，请勿重复登记（R-MB-06）。", rule="R-MB-06")
    for name, value in fields.items():
        setattr(floating, name, value)
    floating.save()
    return floating


@transaction.atomic
def floating_log_contact(
    *, floating: FloatingMember, contacted_on: date, method: str, reached: bool, note: str, recorded_by
) -> FloatingContact:
    """R-MB-06: log a contact attempt; a successful one moves last_contacted_on and ends lost contact."""
    floating = FloatingMember.objects.select_for_update().get(pk=floating.pk)
    if method not in FloatingContact.Method.values:
        raise MemberError("联系方式无效（R-MB-06）。", rule="R-MB-06")
    if contacted_on < floating.flowed_out_on:
        raise MemberError("联系日期不能早于外出（流入）时间（R-MB-06）。", rule="R-MB-06")
    contact = FloatingContact.objects.create(
        floating=floating,
        contacted_on=contacted_on,
        method=method,
        reached=reached,
        note=note,
        recorded_by=recorded_by,
    )
    if reached:
        if floating.last_contacted_on is None or contacted_on > floating.last_contacted_on:
            floating.last_contacted_on = contacted_on
        floating.lost_contact_since = None
        floating.save(update_fields=["last_contacted_on", "lost_contact_since"])
    return contact


@transaction.atomic
def floating_return(
    *, floating: FloatingMember, returned_on: date, recorded_by, note: str = ""
) -> FloatingMember:
    """R-MB-06: the member has come back (or left the town); open certificates are taken back."""
    floating = FloatingMember.objects.select_for_update().get(pk=floating.pk)
    if not floating.is_active:
        raise MemberError("该流动党员已登记返回（R-MB-06）。", rule="R-MB-06")
    if returned_on < floating.flowed_out_on:
        raise MemberError("返回日期不能早于外出（流入）时间（R-MB-06）。", rule="R-MB-06")
    floating.returned_on = returned_on
    floating.lost_contact_since = None
    if note:
        floating.activity_participation = _with_return_note(floating.activity_participation, note)
    floating.save(update_fields=["returned_on", "lost_contact_since", "activity_participation"])
    for certificate in floating.certificates.select_for_update().filter(revoked_on__isnull=True):
        certificate.revoked_on = max(returned_on, certificate.issued_on)
        certificate.revoke_reason = "流动党员返回，收回活动证"
        certificate.save(update_fields=["revoked_on", "revoke_reason"])  # saved one by one: history rows
    return floating


def _with_return_note(activity: str, note: str) -> str:
    """The activity text with the return note appended — refused (MemberError) rather than written past the
    field's limit, whatever earlier registrations and returns left in it (R-MB-06)."""
    text = f"{activity}\n返回：{note}".strip()
    if len(text) <= ACTIVITY_MAX_LENGTH:
        return text
    room = ACTIVITY_MAX_LENGTH - len(f"{activity}\n返回：".lstrip())
    if room <= 0:
        message = (
            f"该流动党员的参加组织活动情况已有{len(activity)}字，达到{ACTIVITY_MAX_LENGTH}字上限，"
            "不能再附情况说明：请不填情况说明登记返回（R-MB-06）。"
        )
    else:
        message = (
            f"情况说明过长：参加组织活动情况最多{ACTIVITY_MAX_LENGTH}字，已有{len(activity)}字，"
            f"本次情况说明最多还能写{room}字（R-MB-06）。"
        )
    raise MemberError(message, rule="R-MB-06")


@transaction.atomic
def certificate_issue(
    *, floating: FloatingMember, issued_on: date, issued_by, valid_months: int = 12
) -> FloatingCertificate:
    """R-MB-06: issue a 流动党员活动证 with a gap-free number per year (core.numbering)."""
    floating = FloatingMember.objects.select_for_update().get(pk=floating.pk)
    if not floating.is_active:
        raise MemberError("该党员已结束流动，不能发放流动党员活动证（R-MB-06）。", rule="R-MB-06")
    if not 1 <= valid_months <= 36:
        raise MemberError("活动证有效期应在1至36个月之间（R-MB-06）。", rule="R-MB-06")
    current = floating.certificates.filter(revoked_on__isnull=True, valid_until__gte=issued_on).first()
    if current is not None:
        raise MemberError(
            f"该党员持有的活动证{current.number}仍在有效期内，请先收回再补发（R-MB-06）。", rule="R-MB-06"
        )
    year = issued_on.year
    sequence = next_number(CERTIFICATE_SERIES, year)
    return FloatingCertificate.objects.create(
        floating=floating,
        year=year,
        sequence=sequence,
        number=format_number(CenterProfile.current().certificate_prefix, year, sequence),
        issued_on=issued_on,
        valid_until=period_end(issued_on, months=valid_months),
        issued_by=issued_by,
    )


@transaction.atomic
def certificate_revoke(
    *, certificate: FloatingCertificate, revoked_on: date, reason: str, revoked_by
) -> FloatingCertificate:
    """R-MB-06: take a certificate back. Its number stays used (numbers are never reissued)."""
    certificate = FloatingCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_on is not None:
        raise MemberError(f"活动证{certificate.number}已于{certificate.revoked_on}收回。", rule="R-MB-06")
    if not reason.strip():
        raise MemberError("收回活动证须说明原因（R-MB-06）。", rule="R-MB-06")
    if revoked_on < certificate.issued_on:
        raise MemberError("收回日期不能早于发证日期（R-MB-06）。", rule="R-MB-06")
    certificate.revoked_on = revoked_on
    certificate.revoke_reason = reason.strip()
    certificate.save(update_fields=["revoked_on", "revoke_reason"])
    return certificate


def with_last_reached(queryset: QuerySet | None = None) -> QuerySet:
    """Floating members still away, annotated with ``last_reached`` (last contact, or the day they left)."""
    queryset = FloatingMember.objects.all() if queryset is None else queryset
    return queryset.filter(returned_on__isnull=True).annotate(
        last_reached=Coalesce("last_contacted_on", "flowed_out_on", output_field=DateField())
    )


def overdue_condition(on: date) -> Q:
    """R-MB-06: not reached for FLOATING_CONTACT_WARNING_DAYS (lost contact included), on ``with_last_reached``."""
    return Q(last_reached__lt=period_end(on, days=-settings.FLOATING_CONTACT_WARNING_DAYS))


def lost_condition(on: date) -> Q:
    """R-MB-06: 失联 — not reached for FLOATING_LOST_CONTACT_DAYS, on ``with_last_reached``."""
    return Q(last_reached__lt=period_end(on, days=-settings.FLOATING_LOST_CONTACT_DAYS))


def _limits(on: date) -> tuple[date, date]:
    """The last days reached that are stale and lost on ``on``, each exclusive (R-MB-06)."""
    return (
        period_end(on, days=-settings.FLOATING_CONTACT_WARNING_DAYS),
        period_end(on, days=-settings.FLOATING_LOST_CONTACT_DAYS),
    )


def lost_or_marked_condition(on: date) -> Q:
    """R-MB-06: 失联 as lists and the 工作台 show it — not reached for FLOATING_LOST_CONTACT_DAYS, or stamped lost
    contact by the scheduled run (``mark_lost_contact``), for floating members still away. One range of
    ``unreached_since`` (a marked member's is the first day there is). ``is_lost_contact`` for one."""
    return Q(unreached_since__lt=_limits(on)[1])


def stale_condition(on: date) -> Q:
    """R-MB-06: not reached for FLOATING_CONTACT_WARNING_DAYS and not (yet) lost, for floating members still
    away; ``is_contact_stale`` for one."""
    stale, lost = _limits(on)
    return Q(unreached_since__lt=stale, unreached_since__gte=lost)


def flagged_condition(on: date) -> Q:
    """``stale_condition`` or ``lost_or_marked_condition``, as one range (an index range scan, not two ORed)."""
    return Q(unreached_since__lt=max(_limits(on)))


def _last_reached(floating) -> date:
    return floating.last_contacted_on or floating.flowed_out_on


def is_lost_contact(floating, on: date) -> bool:
    """``lost_or_marked_condition`` for one floating member still away."""
    if floating.returned_on is not None:
        return False
    lost_before = period_end(on, days=-settings.FLOATING_LOST_CONTACT_DAYS)
    return floating.lost_contact_since is not None or _last_reached(floating) < lost_before


def is_contact_stale(floating, on: date) -> bool:
    """``stale_condition`` for one floating member still away."""
    if floating.returned_on is not None or is_lost_contact(floating, on):
        return False
    return _last_reached(floating) < period_end(on, days=-settings.FLOATING_CONTACT_WARNING_DAYS)


def contact_overdue(on: date, queryset: QuerySet | None = None) -> QuerySet:
    """R-MB-06: active floating members not reached for FLOATING_CONTACT_WARNING_DAYS (lost contact included)."""
    return with_last_reached(queryset).filter(overdue_condition(on))


def lost_contact(on: date, queryset: QuerySet | None = None) -> QuerySet:
    """R-MB-06: 失联 — active floating members not reached for FLOATING_LOST_CONTACT_DAYS."""
    return with_last_reached(queryset).filter(lost_condition(on))


@transaction.atomic
def mark_lost_contact(*, on: date) -> int:
    """Stamp lost_contact_since on members who have just become lost contact (for lists and history)."""
    ids = list(lost_contact(on).filter(lost_contact_since__isnull=True).values_list("pk", flat=True))
    return FloatingMember.objects.filter(pk__in=ids).update(lost_contact_since=on)
