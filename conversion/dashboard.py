"""Dashboard items and member-timeline events for conversion management (registered in apps.py)."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from conversion.access import can_view_conversion
from conversion.models import (
    CommitteeReferral,
    ConversionCase,
    ConversionTask,
    DemocraticReview,
)
from core.counting import side_by_side
from core.dates import local_today
from core.registry import DashboardItem, TimelineEvent

SECTION = "转化管理"


# The questions live on the querysets (conversion/models.py); these names are what the list's ?flag= and the
# 工作台 call.
def cases_awaiting_committee():
    """R-CV-06: cases below the low mark whose referral awaits the town committee's decision."""
    return ConversionCase.objects.awaiting_committee()


def cases_review_due():
    """R-CV-07: active cases at or above the high mark of their own profile with no review scheduled."""
    return ConversionCase.objects.review_due()


def cases_transition_ending(today=None):
    """R-CV-11: transition periods that end within 30 days (or have ended and await closing)."""
    return ConversionCase.objects.transition_ending(today or local_today())


def overdue_tasks(today=None):
    return ConversionTask.objects.overdue(today or local_today())


def cases_with_overdue_tasks(today=None):
    return ConversionCase.objects.with_overdue_tasks(today or local_today())


def dashboard_items(user) -> list[DashboardItem]:
    if not can_view_conversion(user):
        return []
    url = reverse("conversion:case_list")
    counts = dashboard_counts()
    items = [
        ("低于3分待镇党委处理", "referral", "danger"),
        ("达到15分待组织民主评议", "review_due", "warning"),
        ("过渡期即将届满", "transition_ending", "warning"),
        ("逾期未评定的转化任务", "overdue", "danger"),
    ]
    return [
        DashboardItem(section=SECTION, label=label, count=counts[flag], url=f"{url}?flag={flag}", level=level)
        for label, flag, level in items
        if counts[flag]
    ]


def dashboard_counts(today=None) -> dict[str, int]:
    """The cases each list's ``?flag=`` shows, counted side by side in one query: each count over its queryset
    method (conversion/models.py) on its own, so each reads only its own cases through an index (issue 21) —
    the active cases near the high mark, the transition periods ending, the referrals and tasks pending."""
    today = today or local_today()

    def parts() -> dict:
        cases = ConversionCase.objects
        flagged = {
            "referral": cases.awaiting_committee(),
            "review_due": cases.review_due(),
            "transition_ending": cases.transition_ending(today),
            "overdue": cases.with_overdue_tasks(today),
        }
        return {flag: (queryset, {flag: Count("pk")}) for flag, queryset in flagged.items()}

    # Compiled once a day (core.sqlreuse), run on every request.
    return side_by_side(parts, reuse=("conversion.dashboard.dashboard_counts", today))


def timeline_events(member, user) -> list[TimelineEvent]:
    if not can_view_conversion(user):
        return []
    events: list[TimelineEvent] = []
    for case in ConversionCase.objects.filter(member=member).select_related("original_organization"):
        url = reverse("conversion:case_detail", args=[case.pk])

        def add(when, title, detail="", level="info", _url=url):
            events.append(
                TimelineEvent(when=when, title=title, detail=detail, url=_url, source=SECTION, level=level)
            )

        add(case.opened_on, "纳入转化管理", f"原支部：{case.original_organization.name}；{case.reason}")
        for crossing in case.crossings.all():
            level = "danger" if crossing.kind == crossing.Kind.FELL_BELOW_LOW else "info"
            add(crossing.at, crossing.get_kind_display(), f"积分{crossing.balance}", level)
        for referral in case.committee_referrals.filter(state=CommitteeReferral.State.DECIDED):
            add(referral.decided_on, "镇党委作出处理决定", referral.decision, "warning")
        for review in case.reviews.exclude(state=DemocraticReview.State.SCHEDULED):
            add(review.concluded_on, f"民主评议{review.get_state_display()}", f"平均分{review.mean_score}")
        if case.returned_on:
            add(
                case.returned_on,
                "组织关系转回原支部，进入过渡期",
                f"过渡期至{case.transition_ends_on:%Y年%-m月%-d日}",
            )
        if case.closed_on:
            add(case.closed_on, "转化案件结案")
    return events
