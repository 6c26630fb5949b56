"""The recruitment counts of the 工作台 and of the statistics page, taken in one query (issue 21), equal a direct
count: each flag's rule for one candidate (recruitment.rules) or its queryset counted alone, in the user's scope,
on days either side of the boundaries; an empty scope counts 0 without a query."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from core.access import scope_queryset
from recruitment import dashboard, rules, votes
from recruitment.models import Approval, Candidate, CandidateVote, Oath, PublicNotice, Stage
from reports.blocks import Scope
from reports.periods import Period
from reports.recruitment_blocks import figures, overdue_flags, recruitment_block
from tests.clock import dashboard_count, frozen_at
from tests.factories import recruitment as b

pytestmark = pytest.mark.django_db

DAYS = (date(2025, 9, 15), date(2026, 1, 5), date(2026, 5, 27), date(2026, 6, 20), date(2026, 10, 9))

# The one-candidate form of each candidate flag.
ONE = {
    dashboard.TALK_DUE: rules.talk_due,
    dashboard.REPORT_MISSING: rules.last_quarter_report_missing,
    dashboard.ACTIVIST_YEAR: rules.activist_year_complete,
    dashboard.NOTICE_RUNNING: rules.notice_running,
    dashboard.PROBATION_ENDING: rules.probation_ending,
    dashboard.NO_OATH: lambda c, on: rules.oath_missing(c),
    dashboard.CONVERSION_NOT_APPLIED: rules.conversion_not_applied,
}


def _waiting_vote(branch, held_on):
    """A development target whose admission the branch meeting passed on ``held_on``, awaiting approval."""
    c = b.target(branch, since=date(2024, 4, 10), decided_on=date(2025, 4, 10))
    b.pre_meeting_file(c, meeting_on=held_on)
    people = list(branch.members.filter(status="full"))
    meeting = b.meeting(branch, held_on, present=people)
    vote = votes.vote_record(
        meeting=meeting, candidate=c, proposal="admit", yes=len(people), no=0, abstain=0, recorded_by=None
    )
    return c, vote


@pytest.fixture
def pipeline(branch_a, branch_b, town):
    b.candidate(branch_a, name="超期申请人", applied_on=date(2024, 3, 4))
    b.candidate(branch_a, name="新申请人", applied_on=date(2025, 12, 20))
    b.activist(branch_a, name="无汇报积极分子", since=date(2024, 4, 10))
    autumn = b.activist(branch_a, name="秋季积极分子", since=date(2025, 10, 1), applied_on=date(2025, 9, 1))
    b.activist_file(autumn, since=date(2025, 10, 1), until=date(2026, 4, 1))
    noticed = b.target(branch_a, name="公示对象")  # two notices running at once: counted once
    b.add(PublicNotice(candidate=noticed, starts_on=date(2025, 9, 10), ends_on=date(2025, 9, 20)))
    b.add(PublicNotice(candidate=noticed, starts_on=date(2025, 9, 12), ends_on=date(2025, 9, 30)))
    b.admitted(branch_a, name="未宣誓预备党员", meeting_on=date(2025, 6, 27), approved_on=date(2025, 7, 10))
    sworn = b.admitted(
        branch_a, name="已宣誓预备党员", meeting_on=date(2025, 6, 27), approved_on=date(2025, 7, 10),
        filed_on=date(2025, 7, 20),
    )  # fmt: skip
    b.add(Oath(candidate=sworn, taken_on=date(2025, 7, 15)))
    _waiting_vote(branch_a, date(2026, 7, 1))
    _waiting_vote(branch_b, date(2025, 6, 20))
    b.candidate(branch_b, name="西村超期申请人", applied_on=date(2024, 3, 4))
    b.admitted(branch_b, name="西村预备党员", meeting_on=date(2025, 9, 1), approved_on=date(2025, 9, 20))


def direct_counts(user, on) -> dict[str, int]:
    """Each 工作台 flag counted without the combined query: a candidate flag by its one-candidate rule, a flag of
    resolutions or approvals by its queryset alone."""
    candidates = list(scope_queryset(Candidate.objects.with_file(), user))
    counts = {label: sum(1 for c in candidates if holds(c, on)) for label, holds in ONE.items()}
    found = dashboard.flags(
        candidates=scope_queryset(Candidate.objects.all(), user),
        votes=scope_queryset(CandidateVote.objects.all(), user, "candidate__organization"),
        today=on,
    )
    counts |= {label: queryset.count() for label, queryset, _ in found if label not in ONE}
    approvals = scope_queryset(Approval.objects.all(), user, "vote__candidate__organization")
    counts[dashboard.FILING_OVERDUE] = approvals.filing_overdue(on).count()
    return counts


def test_the_one_candidate_rules_agree_with_their_querysets_R_RC_12_R_RC_18(pipeline):
    candidates = list(Candidate.objects.with_file())
    for on in DAYS:
        for many, one in (
            (Candidate.objects.notice_running(on), lambda c, on=on: rules.notice_running(c, on)),
            (Candidate.objects.oath_missing(), rules.oath_missing),
        ):
            assert set(many.values_list("pk", flat=True)) == {c.pk for c in candidates if one(c)}, on


def test_every_dashboard_count_equals_its_direct_count(pipeline, clerk, secretary_a):
    seen = set()
    for on in DAYS:
        with frozen_at(on):
            for user in (clerk, secretary_a):
                direct = direct_counts(user, on)
                for label, count in direct.items():
                    assert dashboard_count(user, label) == count, (on, user.username, label)
                seen |= {label for label, count in direct.items() if count}
    assert seen == set(dashboard.KEYS)  # every flag stood on some day


def test_the_dashboard_is_one_query_and_none_without_a_scope(pipeline, clerk, django_user_model):
    with frozen_at(DAYS[2]), CaptureQueriesContext(connection) as queries:
        dashboard.items(clerk)
    assert len([q for q in queries if "recruitment_" in q["sql"]]) == 1
    with CaptureQueriesContext(connection) as queries:
        counts = dashboard.count_where(
            [(f.label, f.counts, f.condition) for f in dashboard.dashboard_flags(DAYS[2])],
            **{name: queryset.none() for name, queryset in dashboard.scoped(clerk).items()},
        )
    assert not queries and set(counts.values()) == {0}


def test_the_statistics_figures_equal_direct_counts(pipeline, branch_a, clerk, secretary_a):
    """The block's funnel and overdue steps (counted side by side in one query) against each flag's direct count
    and the candidates per stage; the stages entered and the time per stage against the stage changes."""
    for user, scope in ((clerk, Scope(None)), (secretary_a, Scope.for_organization(branch_a))):
        for on in DAYS:
            flags = overdue_flags(on)
            found = figures(scope, Period("year", on.year), flags)
            direct = direct_counts(user, on)
            assert {f.label: found["flag", f.label] for f in flags} == {
                f.label: direct[f.label] for f in flags
            }
            for stage in Stage:
                assert (
                    found["now", stage.value] == scope.filter(Candidate.objects.filter(stage=stage)).count()
                )


def test_the_statistics_block_counts_stage_changes_of_the_period(pipeline, branch_a):
    from recruitment.models import StageChange

    period = Period("year", 2025)
    for scope in (Scope(None), Scope.for_organization(branch_a)):
        block = recruitment_block(scope, period)
        tables = {table.title: table.rows for table in block.tables}
        changes = scope.filter(
            StageChange.objects.filter(decided_on__year=2025), "candidate__organization"
        ).exclude(from_state=F("to_state"))
        entered = {row[0]: row[2] for row in tables["发展流程各阶段人数"]}
        for stage in Stage:
            expected = changes.filter(to_state=stage).values("candidate").distinct().count()
            assert entered[stage.label] == expected, stage
        left = {row[0]: row[2] for row in tables["各阶段平均停留天数"]}
        for stage in (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY):
            assert left[stage.label] == changes.filter(from_state=stage).count(), stage
