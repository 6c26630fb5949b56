"""The recruitment pipeline as data, and the one function that moves a candidate (R-RC-01 … R-RC-23).

``TRANSITIONS`` is the table: each action lists the stages it may start from, the stage it leads to and its
guards (recruitment.guards). ``transition`` locks the candidate, evaluates every guard and either raises one
``RecruitmentError`` listing every unmet condition or writes the append-only ``StageChange`` row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from members.models import Member
from members.records import member_create
from members.status import change_status
from recruitment import guards as g
from recruitment.exceptions import RecruitmentError
from recruitment.models import Candidate, CandidateVote, Stage, StageChange
from recruitment.rules import decision_profile, fmt, probation_end, stage_since


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    guards: tuple[Callable[[g.Context], list[g.Problem]], ...]
    default_body: str  # the deciding body suggested on the form
    needs_reason: bool = False


OPEN_BEFORE_PROBATION = (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET)

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "make_activist",
            "确定为入党积极分子",
            (Stage.APPLICANT,),
            Stage.ACTIVIST,
            (g.talk_held, g.activist_recommended, g.applicant_waited),
            "党支部委员会",
        ),
        Transition(
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
            ),
            "党支部委员会",
        ),
        Transition(
            "admit",
            "接收为预备党员",
            (Stage.TARGET,),
            Stage.PROBATIONARY,
            (*g.PRE_MEETING_GUARDS, g.admission_resolved, g.within_plan),
            "镇党委",
        ),
        Transition(
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
            ),
            "镇党委",
        ),
        Transition(
            "extend",
            "延长预备期",
            (Stage.PROBATIONARY,),
            Stage.PROBATIONARY,
            (g.not_extended_before, g.extension_resolved),
            "镇党委",
            needs_reason=True,
        ),
        Transition(
            "cancel",
            "取消预备党员资格",
            (Stage.PROBATIONARY,),
            Stage.CANCELLED,
            (g.cancellation_resolved,),
            "镇党委",
            needs_reason=True,
        ),
        Transition(
            "not_approve",
            "登记为未获通过",
            (Stage.TARGET,),
            Stage.NOT_APPROVED,
            (g.admission_refused,),
            "镇党委",
            True,
        ),
        Transition(
            "withdraw", "退出发展程序", OPEN_BEFORE_PROBATION, Stage.WITHDRAWN, (), "党支部委员会", True
        ),
    )
}


def transitions_from(stage: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if stage in t.sources]


def evaluate(candidate: Candidate, action: str, on: date) -> list[g.Problem]:
    """Every unmet condition of ``action`` for ``candidate`` on ``on`` (blocking problems and flags)."""
    t = TRANSITIONS[action]
    problems: list[g.Problem] = []
    if candidate.stage not in t.sources:
        problems.append(
            g.Problem(
                f"{candidate.name}当前为“{candidate.get_stage_display()}”，不能办理“{t.label}”。", "R-RC-23"
            )
        )
        return problems
    since = stage_since(candidate, candidate.stage)
    if since and on < since:
        problems.append(g.Problem(f"决定日期不能早于进入当前阶段的日期{fmt(since)}。", "R-RC-23", since))
    ctx = g.Context(candidate=candidate, on=on, profile=decision_profile(on))
    for guard in t.guards:
        problems.extend(guard(ctx))
    return problems


def transition(
    *, candidate: Candidate, action: str, decided_on: date, decided_by: str, recorded_by, reason: str = ""
) -> StageChange:
    """The only way a candidate's stage changes. Locks the candidate row so two clerks advancing at once give
    one change and one clear refusal."""
    if action not in TRANSITIONS:
        raise RecruitmentError(f"未知的办理事项：{action}。")
    t = TRANSITIONS[action]
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        problems = [p for p in evaluate(candidate, action, decided_on) if p.blocking]
        if t.needs_reason and not reason.strip():
            problems.append(g.Problem(f"“{t.label}”须填写原因。", "R-RC-23"))
        if not decided_by.strip():
            problems.append(g.Problem("须填写作出决定的机关。", "R-RC-23"))
        if problems:
            messages = [p.message for p in problems]
            raise RecruitmentError(
                f"不能{t.label}：" + "；".join(messages), rule=problems[0].rule, problems=messages
            )
        change = StageChange.objects.create(
            candidate=candidate,
            action=action,
            from_stage=candidate.stage,
            to_stage=t.target,
            decided_on=decided_on,
            decided_by=decided_by,
            reason=reason,
            recorded_by=recorded_by,
        )
        _apply_effects(candidate, t, change)
        candidate.stage = t.target
        candidate.save(update_fields=["stage"])
    return change


def _apply_effects(candidate: Candidate, t: Transition, change: StageChange) -> None:
    """The member record follows the candidate (R-RC-17, R-MB-03)."""
    if t.action == "admit":
        vote = g._latest_vote(candidate, CandidateVote.Proposal.ADMIT)
        candidate.member = member_create(
            recorded_by=change.recorded_by,
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
        candidate.save(update_fields=["member"])
    elif t.action == "convert":
        # R-MB-03 / R-RC-20 / R-RC-22: full membership counts from the end of probation, even if decided later.
        change_status(
            member=candidate.member,
            to_status=Member.Status.FULL,
            effective_on=probation_end(candidate),
            reason=f"{change.decided_by}{fmt(change.decided_on)}批准按期转为正式党员",
            recorded_by=change.recorded_by,
        )
    elif t.action == "cancel":
        change_status(
            member=candidate.member,
            to_status=Member.Status.REMOVED,
            effective_on=change.decided_on,
            reason=f"取消预备党员资格：{change.reason}",
            recorded_by=change.recorded_by,
        )


def next_steps(candidate: Candidate, on: date) -> list[dict]:
    """For the candidate page: each possible action with its unmet conditions and the earliest date."""
    steps = []
    for t in transitions_from(candidate.stage):
        if t.action in ("withdraw", "not_approve", "cancel"):
            continue
        problems = evaluate(candidate, t.action, on)
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
