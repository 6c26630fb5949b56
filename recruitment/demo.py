"""Demo data: candidates at every stage, through the real operations (core.registry.register_demo). Idempotent.

A few applicants and activists per branch (the board's volume), then one candidate per stage and flag in one
village branch (``_every_stage``), dated relative to today: an applicant still waiting for the talk, an
activist of more than a year ready to become a development target, a development target, one whose admission
was voted and still awaits approval past the 3-month deadline (R-RC-16), probationary members (recent, with
probation ending in 20 days, and past its end awaiting the conversion vote), one converted to full membership, one with probation extended (R-RC-21), one whose
probationary membership was cancelled, one not approved by the branch meeting, and one withdrawn.
"""

from __future__ import annotations

from datetime import date

from core.dates import add_months, local_today, period_end
from core.idnumbers import make_id_number
from core.models import Organization
from members.models import Member
from recruitment import records, stages, votes
from recruitment.models import (
    Assessment,
    Candidate,
    Contact,
    ConversionApplication,
    Introducer,
    Oath,
    PoliticalReview,
    PreReview,
    PublicNotice,
    Recommendation,
    Talk,
    ThoughtReport,
    Training,
    UpperTalk,
)
from recruitment.votes import voting_member_ids

_SURNAMES = "王李张刘陈杨赵黄周吴"
_GIVEN = ["晓明", "丽华", "建国", "秀英", "志强", "海燕", "文杰", "春梅"]
BRANCH = "党支部委员会"
COMMITTEE = "镇党委"


def generate(*, size: int, rng, stdout=None) -> str:
    today = local_today()
    branches = list(Organization.objects.branches().filter(is_active=True).order_by("pk")[:6])
    created = 0
    for b_index, branch in enumerate(branches):
        for k in range(3):
            # Fixed per branch and slot, so a second run finds the same ID numbers and adds nothing.
            born = date(1990 + (b_index * 3 + k) % 15, 1 + k, 10 + b_index)
            id_number = make_id_number("320199", born, 900 + b_index * 10 + k)
            if Candidate.objects.filter(id_number=id_number).exists():
                continue
            applied_on = add_months(today, -(2 + 6 * k))
            candidate = _candidate(rng, branch, born, id_number, applied_on)
            created += 1
            if k:
                _make_activist(candidate, on=add_months(applied_on, 1))
    stages_shown = _every_stage(rng, today)
    return f"发展党员：新增{created + len(stages_shown)}名；各阶段各一名：{'、'.join(stages_shown)}"


def _candidate(rng, branch, born: date, id_number: str, applied_on: date, **extra) -> Candidate:
    return records.candidate_create(
        recorded_by=None,
        name=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
        gender=rng.choice("MF"),
        birth_date=born,
        id_number=id_number,
        organization=branch,
        applied_on=applied_on,
        is_league_member=False,
        **extra,
    )


def _add(record) -> None:
    records.record_add(record=record, recorded_by=None)


def _step(candidate: Candidate, action: str, on: date, *, by: str = BRANCH, reason: str = "") -> None:
    stages.transition(
        candidate=candidate, action=action, decided_on=on, decided_by=by, recorded_by=None, reason=reason
    )
    candidate.refresh_from_db()


def _make_activist(candidate: Candidate, *, on: date) -> None:
    talk_on = min(period_end(candidate.applied_on, days=5), on)
    _add(Talk(candidate=candidate, talked_on=talk_on, talker="张卫东（支部书记）"))
    _add(Recommendation(candidate=candidate, purpose="activist", kind="members", recommended_on=talk_on))
    _step(candidate, "make_activist", on)


def _activist_file(candidate: Candidate, contact: Member, *, since: date, until: date) -> None:
    """A contact, a thought report every quarter and an assessment every half year from ``since`` to ``until``."""
    _add(Contact(candidate=candidate, member=contact, assigned_on=since))
    day, n = since, 0
    while day <= until:
        _add(ThoughtReport(candidate=candidate, submitted_on=day))
        if n % 2 == 1:
            _add(Assessment(candidate=candidate, assessed_on=day, conclusion="表现良好，继续培养"))
        day, n = add_months(day, 3), n + 1
    _add(Assessment(candidate=candidate, assessed_on=until, conclusion="培养考察合格"))


def _pre_meeting_file(candidate: Candidate, introducers: list[Member], *, meeting_on: date) -> None:
    """Introducers, political review, training, public notice and pre-review, all in time for ``meeting_on``."""
    for member in introducers:
        _add(Introducer(candidate=candidate, member=member, assigned_on=add_months(meeting_on, -2)))
    _add(
        PoliticalReview(
            candidate=candidate, concluded_on=add_months(meeting_on, -1), conclusion="政治历史清白，审查合格"
        )
    )
    _add(
        Training(
            candidate=candidate, course="发展对象培训班", finished_on=add_months(meeting_on, -1), hours=24
        )
    )
    start = period_end(meeting_on, days=-20)
    _add(PublicNotice(candidate=candidate, starts_on=start, ends_on=period_end(start, days=7)))
    _add(PreReview(candidate=candidate, reviewed_on=period_end(meeting_on, days=-10)))


def _vote(
    candidate: Candidate, proposal: str, held_on: date, *, passed: bool = True, months: int | None = None
):
    branch = candidate.organization
    voters = list(Member.objects.filter(pk__in=voting_member_ids(organization=branch, on=held_on)))
    meeting = votes.meeting_create(organization=branch, held_on=held_on, present=voters, recorded_by=None)
    count = len(voters)
    return votes.vote_record(
        meeting=meeting,
        candidate=candidate,
        proposal=proposal,
        yes=count if passed else 0,
        no=0 if passed else count,
        abstain=0,
        extension_months=months,
        recorded_by=None,
    )


def _approve(vote, on: date) -> None:
    town = Organization.objects.filter(has_approval_authority=True).order_by("pk").first()
    records.approval_record(vote=vote, organization=town, decided_on=on, approved=True, recorded_by=None)


def _admit(candidate: Candidate, introducers: list[Member], *, meeting_on: date) -> None:
    _pre_meeting_file(candidate, introducers, meeting_on=meeting_on)
    vote = _vote(candidate, "admit", meeting_on)
    _add(
        UpperTalk(
            candidate=candidate, talked_on=period_end(meeting_on, days=3), talker="刘志强（镇党委组织委员）"
        )
    )
    approved_on = period_end(meeting_on, days=14)
    _approve(vote, approved_on)
    _step(candidate, "admit", approved_on, by=COMMITTEE)
    _add(Oath(candidate=candidate, taken_on=period_end(approved_on, days=7), place="镇党群服务中心"))


def _probation_file(candidate: Candidate, *, until: date) -> None:
    """Quarterly thought reports through probation and the written application to convert (R-RC-19)."""
    day = add_months(candidate.member.joined_on, 3)
    while day <= until:
        _add(ThoughtReport(candidate=candidate, submitted_on=day))
        day = add_months(day, 3)
    _add(ConversionApplication(candidate=candidate, submitted_on=period_end(until, days=-7)))


def _every_stage(rng, today: date) -> list[str]:
    """One candidate per stage and flag, in the village branch with the most members who can vote."""
    branch = max(
        Organization.objects.branches().filter(is_active=True, category=Organization.Category.VILLAGE),
        key=lambda b: (len(voting_member_ids(organization=b, on=today)), -b.pk),
    )
    # Introducers and the contact: full members with full rights all along (then and now).
    long_standing = voting_member_ids(organization=branch, on=add_months(today, -36))
    voters = sorted(long_standing & voting_member_ids(organization=branch, on=today))
    if len(voters) < 2:
        return []
    introducers = list(Member.objects.filter(pk__in=voters[:2]).order_by("pk"))
    contact = introducers[0]
    slot = iter(range(100))

    def new(months_ago: int):
        n = next(slot)
        born = date(1992 + n % 8, 1 + n % 12, 3 + n)
        id_number = make_id_number("320199", born, 700 + n)
        if Candidate.objects.filter(id_number=id_number).exists():
            return None
        return _candidate(rng, branch, born, id_number, add_months(today, -months_ago))

    def target(months_ago: int):
        """A development target made ``months_ago - 14`` months ago with a year's activist file behind it."""
        c = new(months_ago)
        if c is None:
            return None
        since = add_months(c.applied_on, 1)
        _make_activist(c, on=since)
        became = add_months(since, 12)
        _activist_file(c, contact, since=since, until=became)
        _step(c, "make_target", became)
        return c

    shown = []
    if new(2) is not None:  # applied two months ago, no talk yet (R-RC-02 late)
        shown.append("入党申请人（谈话逾期）")
    c = new(16)
    if c is not None:
        since = add_months(c.applied_on, 1)
        _make_activist(c, on=since)
        _activist_file(c, contact, since=since, until=period_end(today, days=-3))
        shown.append("积极分子满一年")
    if target(15) is not None:
        shown.append("发展对象")
    c = target(19)
    if c is not None:  # voted four months ago, approval overdue (R-RC-16)
        _pre_meeting_file(c, introducers, meeting_on=add_months(today, -4))
        _vote(c, "admit", add_months(today, -4))
        shown.append("支部大会已通过、审批超期")
    c = target(19)
    if c is not None:
        _pre_meeting_file(c, introducers, meeting_on=add_months(today, -4))
        _vote(c, "admit", add_months(today, -4), passed=False)
        _step(c, "not_approve", add_months(today, -4), by=COMMITTEE, reason="支部大会表决未通过")
        shown.append("未获通过")
    c = new(5)
    if c is not None:
        _make_activist(c, on=add_months(c.applied_on, 1))
        _step(c, "withdraw", add_months(today, -1), reason="本人申请退出")
        shown.append("已退出")
    probation = (
        (22, add_months(today, -7), "预备党员"),
        (27, period_end(add_months(today, -12), days=20), "预备期将满"),
        (29, add_months(today, -14), "预备期已满待讨论转正"),
    )
    for months_ago, meeting_on, label in probation:
        c = target(months_ago)
        if c is not None:
            _admit(c, introducers, meeting_on=meeting_on)
            shown.append(label)
    for then in ("convert", "extend", "cancel"):
        c = target(32)
        if c is None:
            continue
        _admit(c, introducers, meeting_on=add_months(c.applied_on, 15))
        ends = period_end(c.member.joined_on, years=1)
        _probation_file(c, until=ends)
        vote = _vote(c, then, ends, months=6 if then == "extend" else None)
        decided = period_end(ends, days=14)
        _approve(vote, decided)
        reason = {
            "extend": "理想信念教育有待加强，延长预备期六个月",
            "cancel": "不履行党员义务，经教育仍无转变",
        }
        _step(c, then, decided, by=COMMITTEE, reason=reason.get(then, ""))
        shown.append({"convert": "按期转正", "extend": "延长预备期", "cancel": "取消预备党员资格"}[then])
    return shown
