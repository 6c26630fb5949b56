"""The blocks counted from their own rows (floating members, flows) give exactly the figures of their former
queries (issue 21: fewer queries, no join counted DISTINCT), for the town and for one branch, on the edges
of the period and of the certificates' validity (R-MB-06)."""

from datetime import date

import pytest
from django.db.models import Count, Q

from members import analysis
from members.models import FloatingCertificate, FloatingMember
from tests import factories
from tests.factories.members import make_certificate, make_floating


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
