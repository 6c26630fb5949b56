"""Recruitment: a candidate at each stage with a complete file, made through the pipeline's own operations."""

from __future__ import annotations

import itertools
from datetime import date

from core.idnumbers import make_id_number
from recruitment import records, stages, votes
from recruitment.models import (
    Assessment,
    Contact,
    Introducer,
    PoliticalReview,
    PreReview,
    PublicNotice,
    Recommendation,
    Talk,
    ThoughtReport,
    Training,
)
from tests.factories.members import make_member, town_committee

_seq = itertools.count(500)


def candidate(branch, *, born=date(2000, 5, 5), applied_on=date(2024, 3, 4), **extra):
    n = next(_seq)
    return records.candidate_create(
        recorded_by=None,
        name=extra.pop("name", f"申请人{n}"),
        gender="M",
        birth_date=born,
        id_number=make_id_number("320102", born, n),
        organization=branch,
        applied_on=applied_on,
        **extra,
    )


def add(record):
    return records.record_add(record=record, recorded_by=None)


def voters(branch, count):
    return [make_member(branch) for _ in range(count)]


def activist(branch, *, since=date(2024, 4, 10), **extra):
    c = candidate(branch, **extra)
    add(Talk(candidate=c, talked_on=c.applied_on, talker="支部书记"))
    add(Recommendation(candidate=c, purpose="activist", kind="members", recommended_on=c.applied_on))
    stages.transition(
        candidate=c, action="make_activist", decided_on=since, decided_by="党支部委员会", recorded_by=None
    )
    c.refresh_from_db()
    return c


def activist_file(c, *, since, until):
    """Contacts, quarterly reports and half-yearly assessments from ``since`` to ``until``."""
    add(Contact(candidate=c, member=make_member(c.organization), assigned_on=since))
    day = since
    while day <= until:
        add(ThoughtReport(candidate=c, submitted_on=day))
        day = date(day.year + (day.month + 3 > 12), (day.month + 2) % 12 + 1, min(day.day, 28))
    add(Assessment(candidate=c, assessed_on=until, conclusion="表现良好"))


def target(branch, *, since=date(2024, 4, 10), decided_on=date(2025, 4, 10), **extra):
    c = activist(branch, since=since, **extra)
    activist_file(c, since=since, until=decided_on)
    stages.transition(
        candidate=c, action="make_target", decided_on=decided_on, decided_by="党支部委员会", recorded_by=None
    )
    c.refresh_from_db()
    return c


def pre_meeting_file(c, *, meeting_on, training_hours=24, notice_days=7):
    """Introducers, political review, training, notice and pre-review, all ready for ``meeting_on``."""
    from core.dates import period_end

    for m in (make_member(c.organization), make_member(c.organization)):
        add(Introducer(candidate=c, member=m, assigned_on=period_end(meeting_on, months=-2)))
    add(
        PoliticalReview(
            candidate=c, concluded_on=period_end(meeting_on, months=-1), conclusion="政治历史清白"
        )
    )
    add(
        Training(
            candidate=c,
            course="发展对象培训班",
            finished_on=period_end(meeting_on, months=-1),
            hours=training_hours,
        )
    )
    start = period_end(meeting_on, days=-20)
    add(PublicNotice(candidate=c, starts_on=start, ends_on=period_end(start, days=notice_days)))
    add(PreReview(candidate=c, reviewed_on=period_end(meeting_on, days=-10)))


def meeting(branch, held_on, *, present):
    return votes.meeting_create(organization=branch, held_on=held_on, present=present, recorded_by=None)


def admitted(branch, *, meeting_on=date(2025, 6, 27), approved_on=date(2025, 7, 10), filed_on=None, **extra):
    """A probationary member: target, complete file, branch meeting, upper talk, approval, admission."""
    from members.models import Member
    from recruitment.models import UpperTalk

    c = target(branch, **extra)
    pre_meeting_file(c, meeting_on=meeting_on)
    everyone = list(Member.objects.filter(organization=branch, status=Member.Status.FULL))
    vote = votes.vote_record(
        meeting=meeting(branch, meeting_on, present=everyone),
        candidate=c,
        proposal="admit",
        yes=len(everyone),
        no=0,
        abstain=0,
        recorded_by=None,
    )
    add(UpperTalk(candidate=c, talked_on=meeting_on, talker="镇党委组织委员"))
    records.approval_record(
        vote=vote,
        organization=town_committee(),
        decided_on=approved_on,
        approved=True,
        recorded_by=None,
        filed_on=filed_on,
    )
    stages.transition(
        candidate=c, action="admit", decided_on=approved_on, decided_by="镇党委", recorded_by=None
    )
    c.refresh_from_db()
    return c
