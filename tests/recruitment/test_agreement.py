"""The recruitment predicates agree everywhere: the rule for one candidate (recruitment.rules), its queryset
(``Candidate.objects.…`` / ``CandidateVote.objects.…``, the SQL twin), the 工作台 line, the board (the SQL
urgency that orders and colours the cards) and the candidate page — read on the days either side of each
boundary, with the application's clock set to that day.
"""

from datetime import date, timedelta

import pytest

from core.dates import period_end
from core.rules import cite
from recruitment import dashboard, rules, stages, votes
from recruitment.models import Approval, Candidate, CandidateVote, Stage, ThoughtReport
from recruitment.urgency import urgency_by_id
from tests.clock import dashboard_count, frozen_at
from tests.factories import recruitment as b

pytestmark = pytest.mark.django_db


def page(client, candidate) -> str:
    return client.get(f"/recruitment/{candidate.pk}/").content.decode()


def standing(client, candidate) -> str:
    html = page(client, candidate)
    start = html.find('id="standing"')
    return html[start : html.find("</p>", start)] if start >= 0 else ""


def fresh(candidate) -> Candidate:
    return Candidate.objects.with_file().get(pk=candidate.pk)


def test_activist_year_is_complete_on_the_last_day_of_the_year_everywhere_R_RC_07_R_GN_01(
    client, admin_user, branch_a
):
    """From 2024-02-29 the earliest development-target decision is 2025-02-28; from 2025-10-01 it is 2026-10-01
    — the guard, the 工作台's "积极分子满1年", its queryset and the candidate page read the same."""
    leap = b.activist(branch_a, since=date(2024, 2, 29), applied_on=date(2024, 1, 10))
    autumn = b.activist(branch_a, since=date(2025, 10, 1), applied_on=date(2025, 9, 1))
    client.force_login(admin_user)
    days = {
        date(2025, 2, 27): set(),
        date(2025, 2, 28): {leap.pk},
        date(2026, 9, 30): {leap.pk},
        date(2026, 10, 1): {leap.pk, autumn.pk},
    }
    for day, complete in days.items():
        with frozen_at(day):
            client.force_login(admin_user)  # a session lasts 2 hours of the frozen clock
            assert set(Candidate.objects.activist_year_complete(day).values_list("pk", flat=True)) == complete
            assert dashboard_count(admin_user, dashboard.ACTIVIST_YEAR) == len(complete)
            for c in (leap, autumn):
                expected = c.pk in complete
                assert rules.activist_year_complete(fresh(c), day) is expected, (day, c.name)
                guard = [p for p in stages.evaluate(fresh(c), "make_target", day) if p.rule == "R-RC-07"]
                assert (not guard) is expected, (day, c.name)
                assert (cite(dashboard.ACTIVIST_YEAR) in standing(client, c)) is expected, (day, c.name)
                assert ("培养考察未满1年" not in page(client, c)) is expected, (day, c.name)


def _extend(candidate, held_on, town):
    people = list(candidate.organization.members.filter(status="full"))
    vote = votes.vote_record(
        meeting=b.meeting(candidate.organization, held_on, present=people),
        candidate=candidate,
        proposal="extend",
        yes=len(people),
        no=0,
        abstain=0,
        recorded_by=None,
        extension_months=6,
    )
    from recruitment import records

    records.approval_record(vote=vote, organization=town, decided_on=held_on, approved=True, recorded_by=None)
    stages.transition(
        candidate=candidate,
        action="extend",
        decided_on=held_on,
        decided_by="镇党委",
        recorded_by=None,
        reason="继续考察",
    )


def test_probation_ending_counts_the_extension_everywhere_R_RC_17_R_RC_21(client, admin_user, branch_a, town):
    """Both joined on 27 June 2025: probation ends 27 June 2026, or 27 December 2026 when extended by 6 months;
    "ending" is within a month. The 工作台 no longer counts 11 months from admission."""
    plain = b.admitted(branch_a, meeting_on=date(2025, 6, 27), approved_on=date(2025, 7, 10))
    extended = b.admitted(branch_a, meeting_on=date(2025, 6, 27), approved_on=date(2025, 7, 10))
    _extend(extended, date(2026, 5, 20), town)
    assert rules.probation_end(fresh(extended)) == date(2026, 12, 27)
    client.force_login(admin_user)
    days = {
        date(2026, 5, 26): set(),
        date(2026, 5, 27): {plain.pk},
        date(2026, 11, 26): {plain.pk},  # plain stays probationary (not converted) and stays flagged
        date(2026, 11, 27): {plain.pk, extended.pk},
    }
    probationary = Candidate.objects.filter(stage=Stage.PROBATIONARY)
    for day, ending in days.items():
        with frozen_at(day):
            client.force_login(admin_user)  # a session lasts 2 hours of the frozen clock
            assert set(Candidate.objects.probation_ending(day).values_list("pk", flat=True)) == ending
            assert dashboard_count(admin_user, dashboard.PROBATION_ENDING) == len(ending)
            board = urgency_by_id(probationary, on=day, profile=rules.decision_profile(day))
            for c in (plain, extended):
                end = rules.probation_end(fresh(c))
                assert board[c.pk][0] == end  # the board's date is the rule's end of probation
                assert rules.probation_ending(fresh(c), day) is (c.pk in ending), (day, c.pk)
                assert (cite(dashboard.PROBATION_ENDING) in standing(client, c)) is (c.pk in ending), (
                    day,
                    c.pk,
                )


def test_approval_is_overdue_after_its_deadline_moved_past_national_day_everywhere_R_RC_16_R_GN_02(
    client, admin_user, branch_a
):
    """Branch meeting 1 July 2026: 3 months end on 1 October, National Day, so the deadline is 8 October; the
    approval is overdue from 9 October on the rule, its queryset, the 工作台, the board and the candidate page."""
    waiting = b.target(branch_a, since=date(2024, 4, 10), decided_on=date(2025, 4, 10))
    b.pre_meeting_file(waiting, meeting_on=date(2026, 7, 1))
    people = list(branch_a.members.filter(status="full"))
    vote = votes.vote_record(
        meeting=b.meeting(branch_a, date(2026, 7, 1), present=people),
        candidate=waiting,
        proposal="admit",
        yes=len(people),
        no=0,
        abstain=0,
        recorded_by=None,
    )
    client.force_login(admin_user)
    for day, overdue in {date(2026, 10, 8): False, date(2026, 10, 9): True}.items():
        with frozen_at(day):
            client.force_login(admin_user)  # a session lasts 2 hours of the frozen clock
            assert rules.approval_overdue(CandidateVote.objects.get(pk=vote.pk), day) is overdue
            assert CandidateVote.objects.approval_overdue(day).filter(pk=vote.pk).exists() is overdue
            assert dashboard_count(admin_user, dashboard.APPROVAL_OVERDUE) == int(overdue)
            board = urgency_by_id(
                Candidate.objects.filter(pk=waiting.pk), on=day, profile=rules.decision_profile(day)
            )
            assert board[waiting.pk] == (date(2026, 10, 1), overdue)
            html = page(client, waiting)
            assert (f'id="approval-overdue-{vote.pk}"' in html) is overdue
            assert ("审批已超期" in html) is overdue


def test_a_missing_thought_report_is_flagged_only_for_a_quarter_that_was_due_R_RC_05(
    client, admin_user, branch_a
):
    """An activist since 10 April 2026 owes no report for the second quarter of 2026 (the quarter of the
    decision); one since 31 March 2026 owes it. Read on 1 July 2026, the first day the quarter is complete."""
    april = b.activist(branch_a, since=date(2026, 4, 10), applied_on=date(2026, 1, 5))
    march = b.activist(branch_a, since=date(2026, 3, 31), applied_on=date(2026, 1, 5))
    reported = b.activist(branch_a, since=date(2026, 3, 31), applied_on=date(2026, 1, 5))
    b.add(ThoughtReport(candidate=reported, submitted_on=date(2026, 6, 30)))
    client.force_login(admin_user)
    for day, missing in {date(2026, 6, 30): set(), date(2026, 7, 1): {march.pk}}.items():
        with frozen_at(day):
            client.force_login(admin_user)  # a session lasts 2 hours of the frozen clock
            found = set(Candidate.objects.last_quarter_report_missing(day).values_list("pk", flat=True))
            assert found == missing, day
            assert dashboard_count(admin_user, dashboard.REPORT_MISSING) == len(missing)
            for c in (april, march, reported):
                assert rules.last_quarter_report_missing(fresh(c), day) is (c.pk in missing), (day, c.pk)
                assert (cite(dashboard.REPORT_MISSING) in standing(client, c)) is (c.pk in missing), (
                    day,
                    c.pk,
                )


def test_the_talk_is_due_on_its_deadline_moved_past_a_holiday_everywhere_R_RC_02_R_GN_02(
    client, admin_user, branch_a
):
    """Applied 1 September 2026: the month ends 1 October (National Day), the talk deadline is 8 October; applied
    31 January 2026: the month ends on Saturday 28 February, a make-up working day."""
    national = b.candidate(branch_a, applied_on=date(2026, 9, 1))
    client.force_login(admin_user)
    for day, due in {date(2026, 10, 7): False, date(2026, 10, 8): True}.items():
        with frozen_at(day):
            client.force_login(admin_user)  # a session lasts 2 hours of the frozen clock
            assert Candidate.objects.talk_due(day).filter(pk=national.pk).exists() is due
            assert rules.talk_due(fresh(national), day) is due
            assert dashboard_count(admin_user, dashboard.TALK_DUE) == int(due)
            assert (cite(dashboard.TALK_DUE) in standing(client, national)) is due
    makeup = b.candidate(branch_a, applied_on=date(2026, 1, 31))
    assert rules.talk_deadline(makeup).date == date(2026, 2, 28)
    for day, due in {date(2026, 2, 27): False, date(2026, 2, 28): True}.items():
        assert Candidate.objects.talk_due(day).filter(pk=makeup.pk).exists() is due
        assert rules.talk_due(fresh(makeup), day) is due
    assert period_end(date(2026, 1, 31), months=1) == date(2026, 2, 28)


def test_filing_is_overdue_after_the_month_moved_past_a_sunday_everywhere_R_RC_16_R_GN_02(
    client, admin_user, branch_a
):
    """Approved Thursday 10 July 2025: the month ends Sunday 10 August, the filing deadline is Monday the 11th;
    unfiled, it is overdue from Tuesday the 12th."""
    unfiled = b.admitted(branch_a, meeting_on=date(2025, 6, 27), approved_on=date(2025, 7, 10))
    approval = unfiled.votes.get(proposal="admit").approval
    for day, overdue in {date(2025, 8, 11): False, date(2025, 8, 12): True}.items():
        with frozen_at(day):
            client.force_login(admin_user)
            assert rules.filing_overdue(approved_on=approval.decided_on, filed_on=None, on=day) is overdue
            assert approval.__class__.objects.filing_overdue(day).filter(pk=approval.pk).exists() is overdue
            assert dashboard_count(admin_user, dashboard.FILING_OVERDUE) == int(overdue)
            board = urgency_by_id(
                Candidate.objects.filter(pk=unfiled.pk), on=day, profile=rules.decision_profile(day)
            )
            assert board[unfiled.pk][1] is overdue
            assert ("至今尚未备案" in page(client, unfiled)) is overdue


def test_the_conversion_application_is_missing_from_a_week_before_probation_ends_everywhere_R_RC_19(
    client, admin_user, branch_a
):
    """Joined 27 June 2025, filed in time: probation ends 27 June 2026, the branch reminds from 20 June."""
    member = b.admitted(
        branch_a, meeting_on=date(2025, 6, 27), approved_on=date(2025, 7, 10), filed_on=date(2025, 7, 20)
    )
    for day, missing in {date(2026, 6, 19): False, date(2026, 6, 20): True}.items():
        with frozen_at(day):
            client.force_login(admin_user)
            assert rules.conversion_not_applied(fresh(member), day) is missing
            assert Candidate.objects.conversion_not_applied(day).filter(pk=member.pk).exists() is missing
            assert dashboard_count(admin_user, dashboard.CONVERSION_NOT_APPLIED) == int(missing)
            board = urgency_by_id(
                Candidate.objects.filter(pk=member.pk), on=day, profile=rules.decision_profile(day)
            )
            assert board[member.pk][1] is missing
            assert ("尚未递交转正申请" in page(client, member)) is missing


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_every_flag_counts_the_candidates_its_rule_names_on_every_day_around_its_boundaries_R_GN_01_R_GN_02(
    branch_a,
):
    """The 工作台's one statement (``dashboard.count_where`` over ``dashboard_flags``) against the one-candidate
    rules, for applications, activist years, probations, meetings and approvals whose periods end at month ends,
    on 29 February, in Spring Festival with its make-up Saturdays, on National Day and at weekends — read on
    every day either side (the conditions compare the stored dates with one value per day, issue 21)."""
    applicants = [b.candidate(branch_a, applied_on=d) for d in _days(date(2026, 1, 12), date(2026, 2, 1))]
    applicants += [b.candidate(branch_a, applied_on=d) for d in _days(date(2026, 8, 28), date(2026, 9, 9))]
    for since in (
        date(2024, 2, 28),
        date(2024, 2, 29),
        date(2024, 3, 1),
        date(2025, 1, 31),
        date(2025, 9, 30),
    ):
        b.activist(branch_a, since=since, applied_on=date(2023, 11, 1))
    for meeting_on, approved_on in (
        (date(2025, 6, 27), date(2025, 7, 10)),
        (date(2025, 6, 30), date(2025, 7, 11)),
        (date(2025, 8, 29), date(2025, 9, 1)),
        (date(2025, 9, 30), date(2025, 10, 31)),
    ):
        b.admitted(branch_a, meeting_on=meeting_on, approved_on=approved_on)
    people = list(branch_a.members.filter(status="full"))
    for held_on in (date(2026, 6, 30), date(2026, 7, 1), date(2026, 7, 10)):
        waiting = b.target(branch_a, since=date(2024, 4, 10), decided_on=date(2025, 4, 10))
        b.pre_meeting_file(waiting, meeting_on=held_on)
        votes.vote_record(
            meeting=b.meeting(branch_a, held_on, present=people),
            candidate=waiting,
            proposal="admit",
            yes=len(people),
            no=0,
            abstain=0,
            recorded_by=None,
        )
    assert len(applicants) == 34
    candidates = list(Candidate.objects.with_file())
    all_votes = list(CandidateVote.objects.select_related("meeting", "approval"))
    unfiled = list(
        Approval.objects.filter(vote__proposal="admit", approved=True, filed_on__isnull=True).select_related(
            "vote"
        )
    )
    one = {
        dashboard.TALK_DUE: lambda on: [c for c in candidates if rules.talk_due(c, on)],
        dashboard.REPORT_MISSING: lambda on: [
            c for c in candidates if rules.last_quarter_report_missing(c, on)
        ],
        dashboard.ACTIVIST_YEAR: lambda on: [c for c in candidates if rules.activist_year_complete(c, on)],
        dashboard.NOTICE_RUNNING: lambda on: [c for c in candidates if rules.notice_running(c, on)],
        dashboard.PROBATION_ENDING: lambda on: [c for c in candidates if rules.probation_ending(c, on)],
        dashboard.NO_OATH: lambda on: [c for c in candidates if rules.oath_missing(c)],
        dashboard.CONVERSION_NOT_APPLIED: lambda on: [
            c for c in candidates if rules.conversion_not_applied(c, on)
        ],
        dashboard.APPROVAL_OVERDUE: lambda on: [v for v in all_votes if rules.approval_overdue(v, on)],
        dashboard.FILING_OVERDUE: lambda on: [
            a for a in unfiled if rules.filing_overdue(approved_on=a.decided_on, filed_on=None, on=on)
        ],
    }
    days = sorted(
        {
            *_days(date(2025, 2, 25), date(2025, 3, 3)),  # a year from 28/29 February and 1 March 2024
            *_days(date(2025, 8, 8), date(2025, 8, 13)),  # filing: the month ends on Sunday 10 August
            *_days(date(2025, 9, 28), date(2025, 10, 12)),  # filing: the month ends on National Day 2025
            *_days(date(2025, 11, 28), date(2025, 12, 3)),  # filing: the month ends on Sunday 30 November
            *_days(date(2026, 1, 29), date(2026, 2, 2)),  # a year from 31 January 2025
            *_days(date(2026, 2, 10), date(2026, 3, 4)),  # talks: Spring Festival, make-up 14 and 28 February
            *_days(date(2026, 5, 25), date(2026, 6, 2)),  # probation ending within a month of 27 / 30 June
            *_days(date(2026, 6, 18), date(2026, 6, 25)),  # the week before probation ends
            *_days(date(2026, 7, 27), date(2026, 8, 1)),  # probation ending within a month of 29 August
            *_days(date(2026, 8, 20), date(2026, 10, 12)),  # talks and approvals around National Day 2026
        }
    )
    seen = set()
    for on in days:
        flags = dashboard.dashboard_flags(on)
        counts = dashboard.count_where(
            [(f.label, f.counts, f.condition) for f in flags],
            candidates=Candidate.objects.all(),
            votes=CandidateVote.objects.all(),
            approvals=Approval.objects.all(),
        )
        for label, named in one.items():
            assert counts[label] == len(named(on)), (label, on)
            seen |= {(label, len(named(on)))}
    # every flag is seen both standing and not, on some day of the sweep (NO_OATH does not depend on the day)
    for label in set(one) - {dashboard.NO_OATH, dashboard.NOTICE_RUNNING, dashboard.REPORT_MISSING}:
        assert {n > 0 for lab, n in seen if lab == label} == {True, False}, label


def test_a_probationary_member_without_a_member_record_owes_reports_from_the_activist_decision_R_RC_05(
    admin_user, branch_a
):
    """A probationary candidate whose member record is missing (older data) counts thought reports from the
    activist decision, in the rule and in its SQL twin alike; with the record, from the joining date."""
    linked = b.admitted(
        branch_a, since=date(2024, 4, 10), meeting_on=date(2026, 5, 8), approved_on=date(2026, 5, 20)
    )
    unlinked = b.admitted(
        branch_a, since=date(2024, 4, 10), meeting_on=date(2026, 5, 8), approved_on=date(2026, 5, 20)
    )
    Candidate.objects.filter(pk=unlinked.pk).update(member=None)
    day = date(2026, 7, 1)  # the second quarter is complete; linked joined in it, so owes nothing yet
    with frozen_at(day):
        found = set(Candidate.objects.last_quarter_report_missing(day).values_list("pk", flat=True))
        for c in (linked, unlinked):
            assert rules.last_quarter_report_missing(fresh(c), day) is (c.pk in found), c.pk
        assert found == {unlinked.pk}
        assert dashboard_count(admin_user, dashboard.REPORT_MISSING) == 1
