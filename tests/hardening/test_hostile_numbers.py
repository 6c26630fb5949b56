"""Hostile numbers (hypothesis): review scores (R-CV-09) and vote tallies (R-RC-14) never crash, refuse in
Chinese, and agree with a plain reference computation."""

import re
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from conversion.review import review_outcome
from core.models import RuleProfile
from recruitment.exceptions import RecruitmentError
from recruitment.votes import tally

CHINESE = re.compile(r"[\u4e00-\u9fff]")
small = settings(max_examples=80, deadline=None)
score = st.decimals(min_value=0, max_value=100, places=2)


@small
@given(scores=st.lists(score, min_size=1, max_size=15))
def test_review_mean_and_pass_match_a_reference_computation_R_CV_09(scores):
    mean, passed = review_outcome(scores, Decimal("80"))
    exact = sum(Fraction(s) for s in scores) / len(scores)
    assert passed is (exact >= 80)
    assert Fraction(mean) <= exact < Fraction(mean) + Fraction(1, 100)


@small
@given(
    expected=st.integers(0, 12),
    present=st.integers(0, 12),
    yes=st.integers(0, 15),
    no=st.integers(0, 15),
    abstain=st.integers(0, 15),
    written_yes=st.integers(0, 12),
    quorum=st.sampled_from(list(RuleProfile.Quorum.values)),
)
def test_vote_tally_never_crashes_and_passes_iff_yes_over_half_of_those_expected_R_RC_14(
    expected, present, yes, no, abstain, written_yes, quorum
):
    expected_ids = set(range(expected))
    present_ids = set(range(min(present, expected)))
    absent = sorted(expected_ids - present_ids)
    written = {pk: "yes" for pk in absent[:written_yes]}
    try:
        result = tally(
            expected_ids=expected_ids,
            present_ids=present_ids,
            yes=yes,
            no=no,
            abstain=abstain,
            written=written,
            quorum=quorum,
        )
    except RecruitmentError as error:
        assert yes + no + abstain > len(present_ids)
        assert CHINESE.search(str(error)) and "R-RC-14" in str(error)
        return
    assert yes + no + abstain <= len(present_ids)
    total_yes = yes + len(written)
    assert result.total_yes == total_yes
    assert result.passed is (result.quorum_met and 2 * total_yes > expected)
    assert (not result.passed) is bool(result.problems())
    assert all(CHINESE.search(p) for p in result.problems())
