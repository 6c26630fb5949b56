"""The members app's lines on the 工作台, for the user's scope (core.access).

The rules live in the members operations (missing_meetings / branches_missing_by_kind, members_in_arrears, overdue_condition, lost_condition,
overdue_letters, six_months_unpaid_members); this module only scopes them and counts in SQL: the floating members,
the six months unpaid and the overdue letters side by side in one query (core.counting, issue 21).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from core.access import scope_queryset, scoped_organization_ids
from core.counting import side_by_side
from core.dates import local_today
from core.models import Organization
from core.registry import DashboardItem
from members.dues import arrears_totals_in as dues_arrears_totals_in
from members.dues import members_in_arrears, six_months_unpaid_members
from members.floating import flagged_condition, lost_or_marked_condition, stale_condition, with_last_reached
from members.meetings import MONTHLY_KINDS, QUARTERLY_KINDS, branches_missing_by_kind
from members.models import FloatingMember, Meeting, Member
from members.transfers import overdue_letters

SECTION = "党员管理"


def member_items(user) -> list[DashboardItem]:
    today = local_today()
    # Compiled once per day and scope (core.sqlreuse), run on every request.
    counts = side_by_side(
        lambda: {
            "floating": _floating_counts(user, today),
            "six_months": _six_months_count(user, today),
            "letters": _letters_count(user, today),
        },
        reuse=("members.dashboard.member_items", today, scoped_organization_ids(user)),
    )
    return [
        *_meeting_items(user, today),
        *_floating_lines(counts),
        _dues_item(user, today),
        _six_months_line(counts),
        _letters_line(counts),
    ]


def branches_missing(user, kind: str, today=None) -> list[int]:
    """Ids of the branches in scope that have not yet held a meeting of ``kind`` this period (R-MB-08)."""
    return sorted(_missing(user, today or local_today()).get(kind, ()))


def _missing(user, today) -> dict[str, set[int]]:
    branches = scope_queryset(Organization.objects.branches().filter(is_active=True), user, "pk")
    return branches_missing_by_kind(
        branches=branches, on=today, reuse=("members.dashboard", scoped_organization_ids(user))
    )


def _meeting_items(user, today) -> list[DashboardItem]:
    missing = _missing(user, today)
    url = reverse("members:organizations")
    items = []
    for kind in (*MONTHLY_KINDS, *QUARTERLY_KINDS, Meeting.Kind.GROUP_MEETING):
        count = len(missing[kind])
        period = "本季度" if kind in QUARTERLY_KINDS else "本月"
        label = f"{period}未召开{Meeting.Kind(kind).label}的支部"
        items.append(DashboardItem(SECTION, label, count, f"{url}?missing={kind}", _level(count, "warning")))
    return items


def _floating(user):
    """The floating members on the roll still away, in scope: from the member's status and organisation the
    database keeps on the floating record (migration 0025), not looked up on the roll (issue 21)."""
    away = FloatingMember.objects.filter(returned_on__isnull=True, member_status__in=Member.ACTIVE_STATUSES)
    return scope_queryset(away, user, "member_organization")


def stale_floating(user, today=None):
    """Not reached for FLOATING_CONTACT_WARNING_DAYS but not yet lost contact (R-MB-06)."""
    return with_last_reached(_floating(user)).filter(stale_condition(today or local_today()))


def lost_floating(user, today=None):
    """失联: not reached for FLOATING_LOST_CONTACT_DAYS, or marked lost contact (R-MB-06)."""
    return with_last_reached(_floating(user)).filter(lost_or_marked_condition(today or local_today()))


def _floating_counts(user, today) -> tuple[QuerySet, dict]:
    """Lost and stale floating members (R-MB-06), for ``side_by_side``: the flagged ones are one range of the
    index floating_unreached_on_roll, counted from the index alone."""
    flagged = _floating(user).filter(flagged_condition(today))
    return flagged, {
        "lost": Count("pk", filter=lost_or_marked_condition(today)),
        "stale": Count("pk", filter=stale_condition(today)),
    }


def _floating_items(user, today) -> list[DashboardItem]:
    return _floating_lines(side_by_side({"floating": _floating_counts(user, today)}))


def _floating_lines(counts: dict) -> list[DashboardItem]:
    url = reverse("members:list")
    days = settings.FLOATING_CONTACT_WARNING_DAYS
    return [
        DashboardItem(
            SECTION, "流动党员失联", counts["lost"], f"{url}?filter=lost", _level(counts["lost"], "danger")
        ),
        DashboardItem(
            SECTION,
            f"流动党员超过{days}天未联系",
            counts["stale"],
            f"{url}?filter=stale",
            _level(counts["stale"], "warning"),
        ),
    ]


def _active(user):
    return scope_queryset(Member.objects.filter(status__in=Member.ACTIVE_STATUSES), user)


def in_arrears(user, today=None):
    """Active members in scope who owe dues (R-MB-07)."""
    return members_in_arrears(_active(user), today or local_today())


def six_months_unpaid(user, today=None):
    """Active members in scope flagged for six consecutive months without dues, not handled (R-MB-15)."""
    return six_months_unpaid_members(_active(user), today or local_today())


def arrears_totals(user, today=None) -> dict:
    """How many members in scope owe dues and how much in all (R-MB-07, R-MB-13): one query of the tallies the
    database keeps, whatever the number of members in arrears (members.dues.arrears_totals_in)."""
    return dues_arrears_totals_in(scoped_organization_ids(user), today or local_today())


def _dues_item(user, today) -> DashboardItem:
    totals = arrears_totals(user, today)
    count = totals["members"]
    amount = totals["amount"] or 0
    return DashboardItem(
        SECTION,
        f"欠交党费的党员（共欠{amount:.2f}元）" if count else "欠交党费的党员",
        count,
        f"{reverse('members:list')}?filter=arrears",
        _level(count, "warning"),
    )


def _six_months_count(user, today) -> tuple[QuerySet, dict]:
    return six_months_unpaid(user, today), {"six_months": Count("pk")}


def _six_months_line(counts: dict) -> DashboardItem:
    count = counts["six_months"]
    return DashboardItem(
        SECTION,
        "连续六个月未交党费（待支部处理）",
        count,
        reverse("members:dues_six_months"),
        _level(count, "danger"),
    )


def overdue_letters_in_scope(user, today=None):
    """Letters not accepted within their validity (R-MB-05) leaving or reaching a branch in scope."""
    letters = overdue_letters(today or local_today())
    ids = scoped_organization_ids(user)
    if ids is not None:  # a letter belongs to both sides: the branch it leaves and the one it goes to
        letters = letters.filter(Q(from_organization__in=ids) | Q(to_organization__in=ids))
    return letters


def _letters_count(user, today) -> tuple[QuerySet, dict]:
    return overdue_letters_in_scope(user, today), {"letters": Count("pk")}


def _letters_line(counts: dict) -> DashboardItem:
    count = counts["letters"]
    return DashboardItem(
        SECTION,
        "介绍信超过有效期未接收（口袋党员）",
        count,
        f"{reverse('members:transfers')}?overdue=1",
        _level(count, "danger"),
    )


def _level(count: int, level: str) -> str:
    return level if count else "ok"
