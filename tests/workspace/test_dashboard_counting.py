"""The 工作台's counters that are counted side by side in one query (core.counting, issue 21) equal their
predicates' own direct counts, in the clerk's scope and in a branch secretary's, over the demo town on days
that move the deadlines."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.test import override_settings

from conversion import dashboard as conversion_dashboard
from conversion.models import ConversionCase
from core.dates import local_today
from members import dashboard as members_dashboard
from members.transfers import overdue_letters
from services import dashboard as services_dashboard
from services.models import AccountabilityCase, Complaint, Matter, MatterState
from tests.clock import dashboard_count, frozen_at

pytestmark = pytest.mark.django_db

OFFSETS = (
    0,
    40,
    120,
    400,
)  # days from the demo's today: tasks, transitions, letters and floating contact fall due


class _Silent:
    def write(self, *args, **kwargs):
        pass


@pytest.fixture(scope="module")
def demo_town(django_db_setup, django_db_blocker):
    """A demo town of 120 members with every app's demo data, rolled back after the module."""
    from members import demo

    with django_db_blocker.unblock(), override_settings(BENCH=True):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo.run(size=120, seed=9, stdout=_Silent())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def users(demo_town):
    return [User.objects.get(username="clerk"), User.objects.get(username="secretary")]


def _days():
    today = local_today()
    return [today + timedelta(days=offset) for offset in OFFSETS]


def test_the_members_counters_equal_their_predicates_direct_counts_R_MB_05_R_MB_06_R_MB_15(users):
    seen = set()
    for on in _days():
        with frozen_at(on):
            for user in users:
                direct = {
                    "流动党员失联": members_dashboard.lost_floating(user, on).count(),
                    f"流动党员超过{settings.FLOATING_CONTACT_WARNING_DAYS}天未联系": (
                        members_dashboard.stale_floating(user, on).count()
                    ),
                    "连续六个月未交党费（待支部处理）": members_dashboard.six_months_unpaid(user, on).count(),
                    "介绍信超过有效期未接收（口袋党员）": _letters(user, on).count(),
                }
                for label, count in direct.items():
                    assert dashboard_count(user, label) == count, (on, user.username, label)
                seen |= {label for label, count in direct.items() if count}
    assert len(seen) >= 3  # the demo town has floating members out of touch, six months unpaid, old letters


def _letters(user, on):
    """The letters in scope, straight from ``overdue_letters`` (R-MB-05): either side of the letter."""
    from core.access import scoped_organization_ids

    ids = scoped_organization_ids(user)
    letters = overdue_letters(on)
    if ids is None:
        return letters
    return letters.filter(Q(from_organization__in=ids) | Q(to_organization__in=ids))


def test_the_conversion_counters_equal_the_case_lists_R_CV_03_R_CV_06_R_CV_07_R_CV_11(users):
    clerk = users[0]
    seen = set()
    for on in _days():
        with frozen_at(on):
            direct = {
                "低于3分待镇党委处理": ConversionCase.objects.awaiting_committee().count(),
                "达到15分待组织民主评议": ConversionCase.objects.review_due().count(),
                "过渡期即将届满": ConversionCase.objects.transition_ending(on).count(),
                "逾期未评定的转化任务": ConversionCase.objects.with_overdue_tasks(on).count(),
            }
            for label, count in direct.items():
                assert dashboard_count(clerk, label) == count, (on, label)
            assert (
                conversion_dashboard.dashboard_items(users[1]) == []
            )  # a branch secretary has no such lines
            seen |= {label for label, count in direct.items() if count}
    assert len(seen) >= 3


def test_the_service_desk_counters_equal_their_querysets_R_SV_10(users):
    from django.utils import timezone

    from services.deadlines import due_soon_limit

    clerk = users[0]
    seen = set()
    for on in _days():
        with frozen_at(on):
            now = timezone.now()
            direct = {
                "超期办件": Matter.objects.overdue(now).count(),
                "两个工作日内到期": Matter.objects.due_soon(now, due_soon_limit(on).date).count(),
                "待补充材料": Matter.objects.open().filter(state=MatterState.AWAITING_MATERIALS).count(),
                "未办结投诉": Complaint.objects.exclude(state=Complaint.State.REPLIED).count(),
                "待处理责任追究": AccountabilityCase.objects.filter(
                    state=AccountabilityCase.State.OPEN
                ).count(),
            }
            for label, count in direct.items():
                assert dashboard_count(clerk, label) == count, (on, label)
            assert services_dashboard.dashboard_items(users[1]) == []
            seen |= {label for label, count in direct.items() if count}
    assert len(seen) >= 3


def test_the_meeting_counters_equal_missing_meetings_R_MB_08(users):
    from core.access import scope_queryset
    from core.models import Organization
    from members.meetings import MEETING_EVERY_MONTHS, branches_missing_by_kind, missing_meetings
    from members.models import Meeting

    seen = set()
    for on in _days():
        with frozen_at(on):
            for user in users:
                branches = scope_queryset(Organization.objects.branches().filter(is_active=True), user, "pk")
                missing = missing_meetings(organizations=branches, on=on)
                direct = {
                    kind: {m.branch.pk for m in missing if m.kind == kind} for kind in MEETING_EVERY_MONTHS
                }
                assert branches_missing_by_kind(branches=branches, on=on) == direct, (on, user.username)
                for kind, ids in direct.items():
                    period = "本季度" if MEETING_EVERY_MONTHS[kind] == 3 else "本月"
                    label = f"{period}未召开{Meeting.Kind(kind).label}的支部"
                    assert dashboard_count(user, label) == len(ids), (on, user.username, label)
                seen |= {kind for kind, ids in direct.items() if ids}
    assert seen == set(MEETING_EVERY_MONTHS)
