"""Meetings (三会一课, party day) and their attendance rolls (R-MB-08)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from members.exceptions import MemberError
from members.models import Attendance, Meeting, Member, Organization
from members.signals import attendance_recorded


@transaction.atomic
def meeting_create(
    *,
    organization: Organization,
    kind: str,
    held_on: date,
    topic: str,
    recorded_by,
    location: str = "",
    host: str = "",
    minutes: str = "",
) -> Meeting:
    if kind == Meeting.Kind.GROUP_MEETING and organization.kind != Organization.Kind.PARTY_GROUP:
        raise MemberError("党小组会应由党小组召开（R-MB-08）。", rule="R-MB-08")
    if kind != Meeting.Kind.GROUP_MEETING and not organization.is_branch:
        raise MemberError("该类会议应由党支部召开（R-MB-08）。", rule="R-MB-08")
    if not topic.strip():
        raise MemberError("请填写会议主题。", rule="R-MB-08")
    return Meeting.objects.create(
        organization=organization,
        kind=kind,
        held_on=held_on,
        topic=topic,
        location=location,
        host=host,
        minutes=minutes,
        recorded_by=recorded_by,
    )


def expected_attendees(meeting: Meeting):
    """Active members of the meeting's organisation (a party group's members for a group meeting)."""
    members = Member.objects.filter(status__in=Member.ACTIVE_STATUSES)
    if meeting.organization.kind == Organization.Kind.PARTY_GROUP:
        return members.filter(party_group=meeting.organization)
    return members.filter(organization=meeting.organization)


@transaction.atomic
def record_attendance(
    *,
    meeting: Meeting,
    present_ids: Iterable[int],
    recorded_by,
    absence_reasons: dict[int, str] | None = None,
) -> list[Attendance]:
    """Write the whole roll: every expected attendee is present or absent. Rows that change are updated and
    announced with ``attendance_recorded`` (conversion points, R-CV-04); unchanged rows are left alone."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    absence_reasons = absence_reasons or {}
    expected = {m.pk: m for m in expected_attendees(meeting)}
    existing = {a.member_id: a for a in meeting.attendance.select_for_update()}
    for member_id in existing:
        expected.pop(member_id, None)  # someone on the roll who has since left stays on it
    roll_ids = set(expected) | set(existing)
    present = set(present_ids)
    unknown = present - roll_ids
    if unknown:
        raise MemberError("出席名单中有不属于本组织的党员，请刷新后重试（R-MB-08）。", rule="R-MB-08")
    changed = []
    for member_id in sorted(roll_ids):
        is_present = member_id in present
        reason = "" if is_present else absence_reasons.get(member_id, "")[:200]
        row = existing.get(member_id)
        if row is None:
            row = Attendance.objects.create(
                meeting=meeting, member_id=member_id, present=is_present, absence_reason=reason
            )
            attendance_recorded.send(
                sender=Attendance, attendance=row, previous_present=None, recorded_by=recorded_by
            )
            changed.append(row)
        elif row.present != is_present or row.absence_reason != reason:
            previous = row.present
            row.present, row.absence_reason = is_present, reason
            row.save(update_fields=["present", "absence_reason"])
            if previous != is_present:
                attendance_recorded.send(
                    sender=Attendance, attendance=row, previous_present=previous, recorded_by=recorded_by
                )
            changed.append(row)
    return changed
