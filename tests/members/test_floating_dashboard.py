"""The 工作台's floating-member lines (R-MB-06, issue 9): both counts in one query, equal to the lists.

The reference is the composition as it stood before issue 9 (lost contact and overdue contact as id
subqueries); the dashboard's single aggregate and the member list's filters must select the same members.
"""

from datetime import date

import pytest
from django.test import override_settings

from members.dashboard import _floating, _floating_items, lost_floating, stale_floating
from members.floating import contact_overdue, floating_return, lost_contact
from members.models import Member
from tests import factories

pytestmark = pytest.mark.django_db


def reference_stale(user, today):
    lost = lost_contact(today, _floating(user)).values("pk")
    return (
        contact_overdue(today, _floating(user)).exclude(pk__in=lost).exclude(lost_contact_since__isnull=False)
    )


def reference_lost(user, today):
    lost = lost_contact(today, _floating(user)).values("pk")
    away = _floating(user).filter(returned_on__isnull=True)
    return away.filter(pk__in=lost) | away.filter(lost_contact_since__isnull=False)


TODAY = date(2026, 11, 22)


@pytest.fixture
def floating_members(branch_a, branch_b, clerk):
    """Last reached 89, 90, 91, 179, 180 and 181 days ago (either side of both limits), never contacted,
    marked lost contact though reached lately, returned home, and one whose member has left."""

    def away(branch, left_on, **extra):
        return factories.registered_away(factories.make_member(branch), clerk, left_on, **extra)

    long_ago = date(2025, 1, 1)
    for days in (89, 90, 91, 179, 180, 181):
        reached = date.fromordinal(TODAY.toordinal() - days)
        away(branch_a if days % 2 else branch_b, long_ago, last_contacted_on=reached)
    away(branch_a, date(2026, 9, 1))  # never contacted, left 82 days ago
    away(branch_b, long_ago)  # never contacted, left long ago
    away(branch_a, long_ago, last_contacted_on=date(2026, 11, 1), lost_contact_since=date(2026, 6, 1))
    floating_return(
        floating=away(branch_b, long_ago, last_contacted_on=date(2025, 3, 1)),
        returned_on=date(2026, 10, 1),
        recorded_by=clerk,
    )
    gone = away(branch_a, long_ago, last_contacted_on=date(2025, 3, 1))
    Member.objects.filter(pk=gone.member_id).update(status=Member.Status.DECEASED)


@override_settings(FLOATING_CONTACT_WARNING_DAYS=90, FLOATING_LOST_CONTACT_DAYS=180)
@pytest.mark.parametrize("persona", ["clerk", "secretary_a", "secretary_b"])
@pytest.mark.parametrize("today", [TODAY, date(2026, 11, 23), date(2027, 3, 1)], ids=str)
def test_one_query_counts_the_same_members_as_the_lists_R_MB_06(
    request, floating_members, persona, today, django_assert_num_queries
):
    user = request.getfixturevalue(persona)
    stale = set(stale_floating(user, today).values_list("pk", flat=True))
    lost = set(lost_floating(user, today).values_list("pk", flat=True))
    assert stale == set(reference_stale(user, today).values_list("pk", flat=True))
    assert lost == set(reference_lost(user, today).values_list("pk", flat=True))
    with django_assert_num_queries(1):
        items = _floating_items(user, today)
    assert [i.count for i in items] == [len(lost), len(stale)]


@override_settings(FLOATING_CONTACT_WARNING_DAYS=90, FLOATING_LOST_CONTACT_DAYS=180)
def test_the_limits_themselves_are_not_yet_overdue_R_MB_06(floating_members, clerk):
    # Reached 90 days ago: not stale yet; 91: stale; 180: still only stale; 181: lost contact. Plus the one
    # never contacted since leaving long ago (lost) and the one marked lost contact (lost).
    stale_days = sorted(
        (TODAY - f.last_contacted_on).days for f in stale_floating(clerk, TODAY) if f.last_contacted_on
    )
    assert stale_days == [91, 179, 180]
    assert lost_floating(clerk, TODAY).count() == 3
