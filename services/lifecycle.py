"""The service matter's lifecycle as data (core.transitions), R-SV-02 … R-SV-09.

Operations in services.desk call ``core.transitions.perform`` with an action of this table; the guards here are
the conditions of each step, listed together in one refusal.
"""

from __future__ import annotations

from core.transitions import Attempt, Machine, Problem, Transition
from services.exceptions import ServiceDeskError
from services.models import (
    INTAKE_KINDS,
    RECORDED_ACTIONS,
    Matter,
    MatterChange,
    MatterKind,
    MatterState,
    SupplementNotice,
    YearArchive,
)

S = MatterState
K = MatterKind
NEXT = {"next": True}  # the step a matter page leads with (core.transitions.Machine.next_steps)
COUNTED = (K.IMMEDIATE, K.PROMISED, K.JOINT, K.REPORTED_UP, K.PETITION)


def year_not_archived(attempt: Attempt) -> list[Problem]:
    """R-SV-17: an archived year's matters are not changed any more."""
    year = attempt.obj.year
    if YearArchive.objects.filter(year=year).exists():
        return [Problem(f"{year}年的办件已归档，不能再修改（R-SV-17）。", "R-SV-17")]
    return []


def deadline_of_reported_up(attempt: Attempt) -> list[Problem]:
    """R-SV-02: a matter reported up is accepted with the deadline the higher authority set."""
    matter = attempt.obj
    if matter.kind == K.REPORTED_UP and not (
        attempt.params.get("external_deadline") or matter.external_deadline
    ):
        return [Problem("上报件须录入上级部门规定的办结日期（R-SV-02）。", "R-SV-02")]
    return []


def supplement_listed_once(attempt: Attempt) -> list[Problem]:
    """R-SV-08 一次性告知: every missing material listed, in one notice only."""
    problems = []
    if not attempt.params.get("items"):
        problems.append(Problem("请列出需要补充的全部材料（R-SV-08 一次性告知）。", "R-SV-08"))
    if SupplementNotice.objects.filter(matter=attempt.obj).exists():
        problems.append(
            Problem(
                "该办件已出具过一次性告知书，不能再次要求补充材料（R-SV-08）。如材料仍不符合要求，请退回并写明理由。",
                "R-SV-08",
            )
        )
    return problems


def _counted(matter: Matter) -> bool:
    return matter.kind in COUNTED


def _refused(matter: Matter, t: Transition) -> Problem:
    return Problem(
        f"{matter.kind_label}在“{matter.get_state_display()}”状态下不能{t.label}（R-SV-02）。", "R-SV-02"
    )


MACHINE = Machine(
    model=Matter,
    state_field="state",
    changes=MatterChange,
    subject="matter",
    transitions={
        t.action: t
        for t in (
            Transition(
                "accept",
                "受理",
                (S.REGISTERED,),
                S.ACCEPTED,
                (deadline_of_reported_up,),
                applies=_counted,
                extra=NEXT,
            ),
            Transition(
                "request_supplement",
                "一次性告知补充材料",
                (S.REGISTERED, S.ACCEPTED),
                S.AWAITING_MATERIALS,
                (supplement_listed_once,),
                applies=_counted,
            ),
            Transition(
                "materials_complete",
                "材料补齐",
                (S.AWAITING_MATERIALS,),
                S.ACCEPTED,
                applies=_counted,
                extra=NEXT,
            ),
            Transition(
                "return",
                "退回",
                (S.REGISTERED, S.AWAITING_MATERIALS),
                S.RETURNED,
                note_required=Problem("退回须写明理由（R-SV-09 退回通知书）。", "R-SV-09"),
                applies=_counted,
            ),
            Transition(
                "complete",
                "办结",
                (S.ACCEPTED,),
                S.COMPLETED,
                note_required=Problem("请填写办理结果（R-SV-17）。", "R-SV-17"),
                applies=_counted,
                extra=NEXT,
            ),
            Transition(
                "answer",
                "当场答复",
                (S.REGISTERED,),
                S.ANSWERED,
                note_required=Problem("请记录答复内容（R-SV-17）。", "R-SV-17"),
                applies=lambda matter: matter.kind == K.CONSULTATION,
                extra=NEXT,
            ),
            Transition(
                "refer", "转介其他单位", (S.REGISTERED,), S.REFERRED, applies=lambda m: m.kind in INTAKE_KINDS
            ),
        )
    },
    error=ServiceDeskError,
    refused=_refused,
    guards=(year_not_archived,),
    select_related=("service",),
    recorded=RECORDED_ACTIONS,
)


def available_actions(matter: Matter) -> list[str]:
    return [t.action for t in MACHINE.available(matter)]


def next_steps(matter: Matter) -> tuple[list[str], list[str]]:
    """The matter page's buttons: the next step(s) the state allows, then the other transitions."""
    primary, rest = MACHINE.next_steps(matter)
    return [t.action for t in primary], [t.action for t in rest]
