"""The member's status and organisation the database keeps on members.FloatingMember (migration 0025, issue 21)
equal the member's own after every kind of write — the operations, plain ORM updates of one member and in bulk,
raw SQL, a floating record moved to another member, a copy written directly — and the 工作台's lost and stale
counts that read them equal a count floating member by floating member (the single-object forms
``is_lost_contact`` / ``is_contact_stale`` on the member read from the roll), for the clerk and for each branch
secretary (R-MB-06). With the trigger on members dropped the copy and the counts go wrong."""

import importlib
from datetime import date

import pytest
from django.db import connection
from django.test import override_settings

from core.access import scoped_organization_ids
from members.dashboard import _floating_items, lost_floating, stale_floating
from members.floating import floating_return, is_contact_stale, is_lost_contact
from members.models import FloatingMember, Member
from members.status import change_status
from tests import factories, tallies

pytestmark = pytest.mark.django_db

_MIGRATION = importlib.import_module("members.migrations.0025_floating_member_roll_copy")
TODAY = date(2026, 11, 22)
PERSONAS = ("clerk", "secretary_a", "secretary_b")


def kept_copy() -> set:
    return set(FloatingMember.objects.values_list("pk", "member_status", "member_organization_id"))


def direct_copy() -> set:
    return {
        (f.pk, f.member.status, f.member.organization_id)
        for f in FloatingMember.objects.select_related("member")
    }


def direct_counts(user, on: date) -> tuple[int, int]:
    """(lost, stale) counted one floating member at a time from the member on the roll (R-MB-06)."""
    scope = scoped_organization_ids(user)
    lost = stale = 0
    for f in FloatingMember.objects.select_related("member"):
        if f.member.status not in Member.ACTIVE_STATUSES:
            continue
        if scope is not None and f.member.organization_id not in scope:
            continue
        lost += is_lost_contact(f, on)
        stale += is_contact_stale(f, on)
    return lost, stale


def shown_counts(user, on: date) -> tuple[int, int]:
    lost, stale = _floating_items(user, on)
    return lost.count, stale.count


def assert_exact(request) -> None:
    assert kept_copy() == direct_copy()
    assert kept_copy() == tallies.rebuilt_rows(_MIGRATION.FILL, kept_copy)
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        for on in (TODAY, date(2027, 3, 1)):
            direct = direct_counts(user, on)
            assert shown_counts(user, on) == direct, (persona, on)
            assert (lost_floating(user, on).count(), stale_floating(user, on).count()) == direct, (
                persona,
                on,
            )


def _away(member, clerk, left_on=date(2025, 1, 1), **extra) -> FloatingMember:
    return factories.registered_away(member, clerk, left_on, **extra)


@pytest.fixture
def town_away(branch_a, branch_b, clerk):
    """Floating members in both branches, lost, stale, recently reached and marked lost contact."""
    make = factories.make_member
    return [
        _away(make(branch_a), clerk, last_contacted_on=date(2026, 1, 5)),  # lost
        _away(make(branch_a), clerk, last_contacted_on=date(2026, 7, 1)),  # stale
        _away(make(branch_b), clerk, last_contacted_on=date(2026, 7, 2)),  # stale
        _away(make(branch_b), clerk, last_contacted_on=date(2026, 11, 1)),  # reached lately
        _away(
            make(branch_a), clerk, last_contacted_on=date(2026, 11, 1), lost_contact_since=date(2026, 6, 1)
        ),  # marked
        _away(make(branch_b), clerk),  # never reached since leaving
    ]


@override_settings(FLOATING_CONTACT_WARNING_DAYS=90, FLOATING_LOST_CONTACT_DAYS=180)
def test_the_copy_and_the_counts_follow_every_kind_of_write_R_MB_06(
    request, town_away, branch_a, branch_b, clerk
):
    assert_exact(request)
    assert shown_counts(request.getfixturevalue("clerk"), TODAY) == (
        3,
        2,
    )  # the checks compare non-zero counts

    # A member leaves the roll through the operation, another in a plain update, a branch's members in bulk.
    change_status(
        member=town_away[0].member,
        to_status=Member.Status.DECEASED,
        effective_on=date(2026, 10, 3),
        reason="病故",
        recorded_by=clerk,
    )
    Member.objects.filter(pk=town_away[1].member_id).update(status=Member.Status.EXPELLED)
    assert_exact(request)
    Member.objects.filter(organization=branch_b).update(organization=branch_a)
    assert_exact(request)
    Member.objects.filter(pk=town_away[2].member_id).update(
        organization=branch_b, status=Member.Status.PROBATIONARY
    )
    Member.objects.update(name="改名")  # moves nothing
    assert_exact(request)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET status = 'full' WHERE status IN ('deceased', 'expelled')")
    assert_exact(request)

    # The floating records: a copy written directly is overwritten, a record moved to another member, a return,
    # contact logged by a plain update, a raw insert.
    FloatingMember.objects.filter(pk=town_away[3].pk).update(
        member_status=Member.Status.REMOVED, member_organization=None
    )
    other = factories.make_member(branch_b, status=Member.Status.PROBATIONARY)
    FloatingMember.objects.filter(pk=town_away[4].pk).update(member=other)
    floating_return(floating=town_away[5], returned_on=date(2026, 10, 1), recorded_by=clerk)
    FloatingMember.objects.filter(pk=town_away[1].pk).update(last_contacted_on=date(2026, 11, 20))
    assert_exact(request)
    newcomer = factories.make_member(branch_b, status=Member.Status.TRANSFERRED_OUT)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_floatingmember (member_id, direction, flowed_out_on, destination, current_work, "
            "home_address, contact_phone, activity_participation, last_contacted_on) "
            "VALUES (%s, 'in', DATE '2025-01-01', '外地', '务工', '东村', '139', '', DATE '2026-02-01')",
            [newcomer.pk],
        )
    assert_exact(request)
    Member.objects.filter(pk=newcomer.pk).update(status=Member.Status.FULL)
    assert_exact(request)


@override_settings(FLOATING_CONTACT_WARNING_DAYS=90, FLOATING_LOST_CONTACT_DAYS=180)
def test_with_the_trigger_on_members_dropped_the_copy_and_the_counts_go_wrong_R_MB_06(
    request, town_away, clerk
):
    """Proof that the checks above can fail: the counts read the copy, not the roll."""
    assert_exact(request)
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER members_member_floating_roll_copy ON members_member")
    Member.objects.filter(pk=town_away[0].member_id).update(status=Member.Status.DECEASED)
    assert kept_copy() != direct_copy()
    assert shown_counts(clerk, TODAY) != direct_counts(clerk, TODAY)
