"""The recruitment pipeline as data (core.transitions), and the one function that moves a candidate
(R-RC-01 … R-RC-23).

``MACHINE`` is the table: each action lists the stages it may start from, the stage it leads to and its guards
(recruitment.guards). ``transition`` goes through ``core.transitions.perform``: it locks the candidate,
evaluates every guard and either raises one ``RecruitmentError`` listing every unmet condition or writes the
append-only ``StageChange`` row.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from django.db import transaction

from core.transitions import Attempt, Machine, Problem, Transition, perform
from members.models import Member
from members.records import member_create
from members.status import change_status
from recruitment import guards as g
from recruitment.document_numbers import filing_number
from recruitment.exceptions import RecruitmentError
from recruitment.models import Candidate, CandidateVote, Stage, StageChange
from recruitment.rules import decision_profile, fmt, probation_end, stage_since


def _step(action, label, sources, target, guards, default_body, needs_reason=False) -> Transition:
    """A row of the table; ``default_body`` is the deciding body suggested on the form."""
    reason = Problem(f"“{label}”须填写原因。", "R-RC-23") if needs_reason else None
    extra = {"default_body": default_body}
    return Transition(action, label, sources, target, guards, note_required=reason, extra=extra)


OPEN_BEFORE_PROBATION = (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET)

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _step(
            "make_activist",
            "确定为入党积极分子",
            (Stage.APPLICANT,),
            Stage.ACTIVIST,
            (g.talk_held, g.activist_recommended, g.applicant_waited, g.scans_filed),
            "党支部委员会",
        ),
        _step(
            "make_target",
            "确定为发展对象",
            (Stage.ACTIVIST,),
            Stage.TARGET,
            (
                g.activist_for_a_year,
                g.contacts_assigned,
                g.thought_reports_handed_in,
                g.assessed_regularly,
                g.league_recommended_if_young,
                g.scans_filed,
            ),
            "党支部委员会",
        ),
        _step(
            "admit",
            "接收为预备党员",
            (Stage.TARGET,),
            Stage.PROBATIONARY,
            (*g.PRE_MEETING_GUARDS, g.admission_resolved, g.within_plan, g.scans_filed),
            "镇党委",
        ),
        _step(
            "convert",
            "转为正式党员",
            (Stage.PROBATIONARY,),
            Stage.FULL,
            (
                g.oath_taken,
                g.conversion_applied,
                g.thought_reports_handed_in,
                g.probation_over,
                g.conversion_resolved,
                g.scans_filed,
            ),
            "镇党委",
        ),
        _step(
            "extend",
            "延长预备期",
            (Stage.PROBATIONARY,),
            Stage.PROBATIONARY,
            (g.not_extended_before, g.extension_resolved),
            "镇党委",
            needs_reason=True,
        ),
        _step(
            "cancel",
            "取消预备党员资格",
            (Stage.PROBATIONARY,),
            Stage.CANCELLED,
            (g.cancellation_resolved,),
            "镇党委",
            needs_reason=True,
        ),
        _step(
            "not_approve",
            "登记为未获通过",
            (Stage.TARGET,),
            Stage.NOT_APPROVED,
            (g.admission_refused,),
            "镇党委",
            needs_reason=True,
        ),
        _step("withdraw", "退出发展程序", OPEN_BEFORE_PROBATION, Stage.WITHDRAWN, (), "党支部委员会", True),
    )
}


def _context(candidate: Candidate, on: date, shared: dict | None) -> g.Context:
    shared = {} if shared is None else shared
    if ("profile", on) not in shared:
        shared[("profile", on)] = decision_profile(on)
    return g.Context(candidate=candidate, on=on, profile=shared[("profile", on)], shared=shared)


def _guard_context(attempt: Attempt) -> g.Context:
    return _context(attempt.obj, attempt.params["decided_on"], attempt.params.get("shared"))


def not_before_the_stage(ctx: g.Context) -> list[Problem]:
    """R-RC-23: a decision is not dated before the candidate entered the current stage."""
    since = stage_since(ctx.candidate, ctx.candidate.stage)
    if since and ctx.on < since:
        return [Problem(f"决定日期不能早于进入当前阶段的日期{fmt(since)}。", "R-RC-23", since)]
    return []


def _refused(candidate: Candidate, t: Transition) -> Problem:
    return Problem(
        f"{candidate.name}当前为“{candidate.get_stage_display()}”，不能办理“{t.label}”。", "R-RC-23"
    )


MACHINE = Machine(
    model=Candidate,
    state_field="stage",
    changes=StageChange,
    subject="candidate",
    transitions=TRANSITIONS,
    error=RecruitmentError,
    refused=_refused,
    guards=(not_before_the_stage,),
    context=_guard_context,
    recorded={"apply": "递交入党申请书"},
)


SIDE_EXITS = (
    "withdraw",
    "not_approve",
    "cancel",
)  # the ways out of the procedure: behind a disclosure, confirmed


def transitions_from(stage: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if stage in t.sources]


def evaluate(candidate: Candidate, action: str, on: date, *, shared: dict | None = None) -> list[Problem]:
    """Every unmet condition of ``action`` for ``candidate`` on ``on`` (blocking problems and flags).

    ``shared``: one dict passed for many candidates (the board) memoises what they have in common."""
    return MACHINE.problems(candidate, action, decided_on=on, shared=shared)


@transaction.atomic
def transition(
    *, candidate: Candidate, action: str, decided_on: date, decided_by: str, recorded_by, reason: str = ""
) -> StageChange:
    """The only way a candidate's stage changes. Locks the candidate row so two clerks advancing at once give
    one change and one clear refusal."""
    missing = [] if decided_by.strip() else [Problem("须填写作出决定的机关。", "R-RC-23")]
    change = perform(
        candidate,
        action,
        by=recorded_by,
        note=reason,
        row=lambda candidate: {
            "decided_on": decided_on,
            "decided_by": decided_by,
            "document_number": filing_number(action=action, decided_on=decided_on),
        },
        then=_apply_effects,
        problems=missing,
        decided_on=decided_on,
    )
    return cast(StageChange, change)


def _member_on_probation(candidate: Candidate) -> tuple[Member, date]:
    """The member record a probationary candidate has, and the day probation ends (R-RC-17): both exist
    from the branch meeting that admitted them."""
    ends = probation_end(candidate)
    if candidate.member is None or ends is None:
        raise RecruitmentError(f"{candidate.name}没有预备党员记录，不能办理此项（R-RC-17）。", rule="R-RC-17")
    return candidate.member, ends


def _apply_effects(candidate: Candidate, change: StageChange) -> list[str]:
    """The member record follows the candidate (R-RC-17, R-MB-03)."""
    if change.action == "admit":
        vote = g._latest_vote(candidate, CandidateVote.Proposal.ADMIT)
        candidate.member = member_create(
            recorded_by=change.by,
            status=Member.Status.PROBATIONARY,
            reason=f"{change.decided_by}{fmt(change.decided_on)}批准接收为预备党员",
            name=candidate.name,
            gender=candidate.gender,
            ethnicity=candidate.ethnicity,
            birth_date=candidate.birth_date,
            id_number=candidate.id_number,
            education=candidate.education,
            phone=candidate.phone,
            address=candidate.address,
            work_unit=candidate.work_unit,
            organization=candidate.organization,
            # R-RC-17: membership (and probation) counts from the branch meeting's resolution.
            joined_on=vote.meeting.held_on,
        )
        return ["member"]
    if change.action == "convert":
        # R-MB-03 / R-RC-20 / R-RC-22: full membership counts from the end of probation, even if decided later.
        member, probation_ends = _member_on_probation(candidate)
        change_status(
            member=member,
            to_status=Member.Status.FULL,
            effective_on=probation_ends,
            reason=f"{change.decided_by}{fmt(change.decided_on)}批准按期转为正式党员",
            recorded_by=change.by,
        )
    elif change.action == "cancel":
        change_status(
            member=_member_on_probation(candidate)[0],
            to_status=Member.Status.REMOVED,
            effective_on=change.decided_on,
            reason=f"取消预备党员资格：{change.note}",
            recorded_by=change.by,
        )
    return []


def reminders(candidate: Candidate, on: date, *, shared: dict | None = None) -> list[Problem]:
    """Flags about where the candidate stands on ``on`` (R-RC-16 filing, R-RC-19 conversion application)."""
    ctx = _context(candidate, on, shared)
    return [p for reminder in g.REMINDERS for p in reminder(ctx)]


def next_steps(candidate: Candidate, on: date, *, shared: dict | None = None) -> list[dict]:
    """For the candidate page and the board: each possible action with its unmet conditions and the earliest
    date. Fetch the candidate with ``Candidate.objects.with_file()`` to keep this free of queries."""
    steps = []
    for t in transitions_from(candidate.stage):
        if t.action in SIDE_EXITS:
            continue
        problems = evaluate(candidate, t.action, on, shared=shared)
        blocking = [p for p in problems if p.blocking]
        dates = [p.earliest for p in blocking if p.earliest]
        steps.append(
            {
                "transition": t,
                "ready": not blocking,
                "problems": blocking,
                "flags": [p for p in problems if not p.blocking],
                "earliest": max(dates) if dates and len(dates) == len(blocking) else None,
            }
        )
    return steps
