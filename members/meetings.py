"""Meetings (三会一课, party day) and their attendance rolls (R-MB-08)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, cast

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet

from core.dates import month_bounds, quarter_bounds, quarter_of
from core.models import Organization
from core.sqlreuse import InArray, reused_rows
from members.exceptions import MemberError
from members.models import Attendance, Meeting, Member
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
    """R-MB-08: who should attend — a party group's members for a group meeting, the branch committee
    (members with a ``committee_role``) for a committee meeting, every active member of the branch for the
    member meeting, the party lecture and the party day."""
    members = Member.objects.filter(status__in=Member.ACTIVE_STATUSES)
    if meeting.organization.kind == Organization.Kind.PARTY_GROUP:
        return members.filter(party_group=meeting.organization)
    members = members.filter(organization=meeting.organization)
    if meeting.kind == Meeting.Kind.COMMITTEE_MEETING:
        return members.exclude(committee_role="")
    return members


def attendee_basis(meeting: Meeting) -> tuple[str, str]:
    """Who the roll lists (expected_attendees), in words, and what to do when nobody is listed."""
    if meeting.organization.kind == Organization.Kind.PARTY_GROUP:
        return "本党小组的党员", "该党小组尚无党员：请在党员信息中填写所在党小组。"
    if meeting.kind == Meeting.Kind.COMMITTEE_MEETING:
        return "支部委员会成员", "该支部尚未登记支部委员会成员：请在党员信息中填写“支部委员会职务”。"
    return "本支部全体党员（正式党员和预备党员）", "该组织暂无在册党员。"


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


# R-MB-08: how often each kind of meeting is due, in months (三会一课 + party day) — the one table; the
# statistics (members.analysis) count what is due from it too. A party-group meeting is due from every party
# group; the other kinds from every branch.
MEETING_EVERY_MONTHS: dict[str, int] = {
    Meeting.Kind.MEMBER_MEETING: 3,
    Meeting.Kind.COMMITTEE_MEETING: 1,
    Meeting.Kind.GROUP_MEETING: 1,
    Meeting.Kind.PARTY_LECTURE: 3,
    Meeting.Kind.PARTY_DAY: 1,
}
MONTHLY_KINDS = tuple(
    k for k, every in MEETING_EVERY_MONTHS.items() if every == 1 and k != Meeting.Kind.GROUP_MEETING
)
QUARTERLY_KINDS = tuple(
    k for k, every in MEETING_EVERY_MONTHS.items() if every == 3 and k != Meeting.Kind.GROUP_MEETING
)


@dataclass(frozen=True)
class MissingMeeting:
    """A meeting a branch (or one of its party groups) has not held in the current period."""

    branch: Organization
    organization: Organization  # the branch itself, or the party group for a group meeting
    kind: str
    period_start: date
    period_end: date

    @property
    def kind_label(self) -> str:
        return Meeting.Kind(self.kind).label

    @property
    def period_label(self) -> str:
        if self.period_start.month == self.period_end.month:
            return f"{self.period_start:%Y年%-m月}"
        return f"{self.period_start.year}年第{quarter_of(self.period_start)}季度"

    def __str__(self) -> str:
        where = self.organization.name if self.organization != self.branch else self.branch.name
        return f"{where}{self.period_label}未召开{self.kind_label}"


def missing_meetings(*, organizations: Iterable[Organization], on: date) -> list[MissingMeeting]:
    """R-MB-08: what each branch has not held yet in the month / quarter containing ``on``.

    Member meeting and party lecture: at least once a quarter. Branch committee meeting and party day: every
    month. Group meeting: every month, in each party group of the branch. Meetings held so far are counted in
    one aggregated query; a meeting dated after ``on`` does not count.
    """
    branches = [org for org in organizations if org.is_branch]
    if not branches:
        return []
    month = month_bounds(on.year, on.month)
    quarter = quarter_bounds(on.year, quarter_of(on))
    by_pk = {b.pk: b for b in branches}
    groups_by_branch: dict[int, list[int]] = {b.pk: [] for b in branches}
    for group in Organization.objects.filter(
        parent_id__in=groups_by_branch, kind=Organization.Kind.PARTY_GROUP, is_active=True
    ).order_by("sort_order", "code"):
        groups_by_branch[cast(int, group.parent_id)].append(group.pk)  # one of the branches (filter above)
        by_pk[group.pk] = group
    return [
        MissingMeeting(
            by_pk[branch_id], by_pk[org_id], kind, *(quarter if kind in QUARTERLY_KINDS else month)
        )
        for branch_id, org_id, kind in _missing(groups_by_branch, on)
    ]


def branches_missing_by_kind(
    *, branches: QuerySet, on: date, reuse: Hashable | None = None
) -> dict[str, set[int]]:
    """R-MB-08, as ``missing_meetings`` decides it: for each kind of meeting, the ids of the branches (of the
    queryset ``branches``) that have not held it yet in the period containing ``on`` — a group meeting when one
    of the branch's party groups has not. Over ids: the branches and their party groups in one query.

    ``reuse``: a key naming every input of ``branches`` (its scope): the statements are then compiled once per
    key and day (core.sqlreuse), run every time."""
    kinds = Organization.Kind

    def organizations() -> QuerySet:
        ids = branches.values("pk")
        return Organization.objects.filter(
            Q(pk__in=ids, kind__in=[kinds.BRANCH, kinds.GENERAL_BRANCH])
            | Q(parent_id__in=ids, kind=kinds.PARTY_GROUP, is_active=True)
        ).values_list("pk", "parent_id", "kind")

    if reuse is None:
        rows = list(organizations())
    else:
        rows = reused_rows(("members.meetings.branches_missing_by_kind", reuse), organizations)
    groups_by_branch: dict[int, list[int]] = {}
    groups = []
    for pk, parent_id, kind in rows:
        if kind == kinds.PARTY_GROUP:
            groups.append((parent_id, pk))
        else:
            groups_by_branch[pk] = []
    for parent_id, pk in groups:
        groups_by_branch[parent_id].append(pk)
    missing: dict[str, set[int]] = {kind: set() for kind in MEETING_EVERY_MONTHS}
    for branch_id, _, kind in _missing(groups_by_branch, on, reuse=reuse is not None):
        missing[kind].add(branch_id)
    return missing


def _missing(
    groups_by_branch: dict[int, list[int]], on: date, *, reuse: bool = False
) -> list[tuple[int, int, str]]:
    """(branch id, id of the branch or of its party group, kind) of each meeting not held yet in its period
    containing ``on``, for the branches (and their party groups: ``groups_by_branch``) given: the rule of
    ``missing_meetings``, over ids."""
    if not groups_by_branch:
        return []
    month_start, _ = month_bounds(on.year, on.month)
    quarter_start, _ = quarter_bounds(on.year, quarter_of(on))
    org_ids = sorted([*groups_by_branch, *(g for groups in groups_by_branch.values() for g in groups)])

    def meetings() -> QuerySet:
        return (
            Meeting.objects.filter(InArray(F("organization_id"), org_ids))
            .filter(held_on__gte=quarter_start, held_on__lte=on)
            .values("organization_id", "kind")
            .annotate(in_quarter=Count("pk"), in_month=Count("pk", filter=Q(held_on__gte=month_start)))
        )

    # With ``reuse``: compiled once per day and set of organisations (core.sqlreuse), run every time.
    found = reused_rows(("members.meetings.held", on, tuple(org_ids)), meetings) if reuse else meetings()
    held = {(row["organization_id"], row["kind"]): row for row in found}

    def count(org_id: int, kind: str, field: Literal["in_quarter", "in_month"]) -> int:
        row = held.get((org_id, kind))
        return row[field] if row else 0

    missing = []
    for branch_id, groups in groups_by_branch.items():
        for kind in QUARTERLY_KINDS:
            if not count(branch_id, kind, "in_quarter"):
                missing.append((branch_id, branch_id, kind))
        for kind in MONTHLY_KINDS:
            if not count(branch_id, kind, "in_month"):
                missing.append((branch_id, branch_id, kind))
        for group_id in groups:
            if not count(group_id, Meeting.Kind.GROUP_MEETING, "in_month"):
                missing.append((branch_id, group_id, Meeting.Kind.GROUP_MEETING))
    return missing
