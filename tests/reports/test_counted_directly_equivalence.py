"""The blocks counted from their own rows (floating members, an organisation's flows) give exactly the figures
of their former queries (issue 21: fewer queries, no join counted DISTINCT), for the town and for one branch, on
the edges of the period and of the certificates' validity (R-MB-06). The town's flows over whole months read
members.FlowTally: the same figures here, and proven against the rows in test_tally_equivalence.py."""

from datetime import date

import pytest
from django.db.models import Count, Q

from members import analysis
from members.models import FloatingCertificate, FloatingMember, Member, MemberStatusEvent, RelationTransfer
from tests import factories
from tests.factories.members import make_certificate, make_floating, transfer_row


def former_floating(org_ids, on: date) -> dict:
    """members.analysis.floating before issue 21: the certificates joined, every count DISTINCT."""
    away = Q(flowed_out_on__lte=on) & (Q(returned_on__isnull=True) | Q(returned_on__gt=on))
    valid = Q(
        certificates__issued_on__lte=on,
        certificates__valid_until__gte=on,
        certificates__revoked_on__isnull=True,
    )
    return analysis.scoped(FloatingMember.objects.all(), org_ids, "member__organization").aggregate(
        out=Count("pk", filter=away & Q(direction=FloatingMember.Direction.OUT), distinct=True),
        came_in=Count("pk", filter=away & Q(direction=FloatingMember.Direction.IN), distinct=True),
        lost_contact=Count("pk", filter=away & Q(lost_contact_since__lte=on), distinct=True),
        certificates_valid=Count("pk", filter=away & valid, distinct=True),
    )


@pytest.fixture
def floating_town(db, branch_a, branch_b):
    def member(branch):
        return factories.make_member(branch)

    # Two valid certificates at once (a renewal before the old one ran out): one member, counted once.
    renewed = make_floating(member(branch_a), flowed_out_on=date(2025, 1, 10))
    make_certificate(renewed, issued_on=date(2025, 6, 1))
    make_certificate(renewed, issued_on=date(2026, 3, 1))
    # Issued on the counting day; valid until the counting day (inclusive) a year after.
    make_certificate(
        make_floating(member(branch_a), flowed_out_on=date(2026, 1, 5)), issued_on=date(2026, 3, 31)
    )
    make_certificate(
        make_floating(member(branch_b), flowed_out_on=date(2025, 1, 5)), issued_on=date(2025, 3, 31)
    )
    # Revoked; and one issued after the counting day.
    revoked = make_floating(
        member(branch_b), flowed_out_on=date(2025, 9, 1), lost_contact_since=date(2026, 3, 31)
    )
    make_certificate(revoked, issued_on=date(2025, 9, 1))
    FloatingCertificate.objects.filter(floating=revoked).update(revoked_on=date(2026, 2, 1))
    make_certificate(
        make_floating(member(branch_a), flowed_out_on=date(2026, 3, 1)), issued_on=date(2026, 4, 1)
    )
    # Came back on the counting day (not away), and the day after (away); flowed in, lost contact after.
    back = make_floating(member(branch_a), flowed_out_on=date(2025, 5, 1), returned_on=date(2026, 3, 31))
    make_certificate(back, issued_on=date(2025, 5, 1))
    make_floating(member(branch_b), flowed_out_on=date(2025, 5, 1), returned_on=date(2026, 4, 1))
    make_floating(
        member(branch_b), flowed_out_on=date(2026, 3, 31), direction="in", lost_contact_since=date(2026, 4, 1)
    )
    make_floating(member(branch_a), flowed_out_on=date(2026, 4, 1))  # leaves after the counting day


@pytest.mark.parametrize("on", [date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 1), date(2027, 3, 31)])
@pytest.mark.parametrize("scope", ["town", "branch_a", "branch_b"])
def test_floating_figures_match_the_former_distinct_join_R_MB_06(floating_town, request, scope, on):
    org_ids = None if scope == "town" else frozenset({request.getfixturevalue(scope).pk})
    figures = analysis.floating(org_ids=org_ids, on=on)
    assert figures.__dict__ == former_floating(org_ids, on)


def test_a_member_with_two_valid_certificates_is_counted_once_R_MB_06(floating_town):
    figures = analysis.floating(org_ids=None, on=date(2026, 3, 31))
    assert (figures.out, figures.came_in, figures.lost_contact, figures.certificates_valid) == (6, 1, 1, 3)


def former_flows(org_ids, start: date, end: date) -> dict:
    """members.analysis.flows before issue 21: three ORM queries."""
    joined = analysis.scoped(Member.objects.filter(joined_on__range=(start, end)), org_ids).count()
    events = analysis.scoped(
        MemberStatusEvent.objects.filter(effective_on__range=(start, end)), org_ids, "member__organization"
    ).aggregate(
        became_full=Count("pk", filter=Q(from_state="probationary", to_state="full")),
        left=Count("pk", filter=Q(to_state__in=analysis.LEAVING_STATUSES)),
    )
    within = (lambda field: Q()) if org_ids is None else (lambda field: Q(**{f"{field}__in": org_ids}))
    transfers = RelationTransfer.objects.filter(state="accepted", accepted_on__range=(start, end)).aggregate(
        transferred_in=Count("pk", filter=Q(direction="in") & within("to_organization")),
        transferred_out=Count("pk", filter=Q(direction="out") & within("from_organization")),
        moved_in=Count("pk", filter=Q(direction="internal") & within("to_organization")),
        moved_out=Count("pk", filter=Q(direction="internal") & within("from_organization")),
    )
    return {"joined": joined, **events, **transfers}


@pytest.fixture
def moves(db, branch_a, branch_b):
    for branch in (branch_a, branch_b):
        for joined_on in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1)):
            factories.make_member(branch, joined_on=joined_on, status="probationary")
    a, b = factories.make_member(branch_a), factories.make_member(branch_b)
    for member, (old, new, on) in (
        (a, ("probationary", "full", date(2026, 1, 1))),
        (a, ("full", "deceased", date(2026, 3, 31))),
        (b, ("full", "expelled", date(2026, 4, 1))),
        (b, ("probationary", "full", date(2025, 12, 31))),
        (b, ("full", "removed", date(2026, 2, 1))),
        (b, ("", "probationary", date(2026, 2, 1))),
    ):
        MemberStatusEvent.objects.create(
            member=member, from_state=old, to_state=new, effective_on=on, note=""
        )
    for direction, frm, to, accepted_on in (
        ("in", None, branch_a, date(2026, 1, 1)),
        ("in", None, branch_b, date(2026, 3, 31)),
        ("out", branch_b, None, date(2026, 2, 1)),
        ("out", branch_a, None, date(2026, 4, 1)),
        ("internal", branch_a, branch_b, date(2026, 3, 1)),
        ("internal", branch_b, branch_a, date(2025, 12, 31)),
        ("in", None, branch_a, None),  # pending
    ):
        transfer_row(a, direction, frm=frm, to=to, accepted_on=accepted_on)


@pytest.mark.parametrize(
    "span",
    [
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
@pytest.mark.parametrize("scope", ["town", "branch_a", "branch_b", "nothing"])
def test_flows_match_the_former_three_queries_R_MB_02_R_MB_05(moves, request, scope, span):
    if scope in ("town", "nothing"):
        org_ids = None if scope == "town" else frozenset()  # nothing: an account scoped to no organisation
    else:
        org_ids = frozenset({request.getfixturevalue(scope).pk})
    assert analysis.flows(org_ids=org_ids, start=span[0], end=span[1]).__dict__ == former_flows(
        org_ids, *span
    )


def test_flows_count_an_internal_move_both_ways_for_the_town_and_one_way_for_a_branch_R_MB_05(
    moves, branch_b
):
    q1 = (date(2026, 1, 1), date(2026, 3, 31))
    town = analysis.flows(org_ids=None, start=q1[0], end=q1[1])
    assert (town.joined, town.became_full, town.left) == (4, 1, 2)
    assert (town.transferred_in, town.transferred_out, town.moved_in, town.moved_out) == (2, 1, 1, 1)
    b = analysis.flows(org_ids=frozenset({branch_b.pk}), start=q1[0], end=q1[1])
    assert (b.moved_in, b.moved_out, b.transferred_in, b.transferred_out) == (1, 0, 1, 1)
