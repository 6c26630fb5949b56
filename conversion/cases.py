"""The conversion case's states as data (core.transitions): active → transition → closed (R-CV-10, R-CV-11)."""

from __future__ import annotations

from conversion.exceptions import ConversionError
from conversion.models import CaseStateChange, ConversionCase
from core.transitions import Attempt, Machine, Problem, Transition

State = ConversionCase.State


def review_passed(attempt: Attempt) -> list[Problem]:
    """R-CV-10: the relation goes back to the original branch only after a passed democratic review."""
    if attempt.obj.reviews.filter(state="passed").exists():
        return []
    return [Problem("民主评议合格后才能将组织关系转回原支部（R-CV-10）。", "R-CV-10")]


def transition_ended(attempt: Attempt) -> list[Problem]:
    """R-CV-11: the case closes on or after the last day of the transition period."""
    case = attempt.obj
    if attempt.params["on"] >= case.transition_ends_on:
        return []
    return [
        Problem(
            f"过渡期至{case.transition_ends_on:%Y-%m-%d}届满，届满后才能结案（R-CV-11）。",
            "R-CV-11",
            field="closed_on",
        )
    ]


def _refused(case: ConversionCase, t: Transition) -> Problem:
    return Problem(
        f"转化案件当前为“{case.get_state_display()}”，不能变更为“{State(t.target).label}”。", "R-CV-10"
    )


MACHINE = Machine(
    model=ConversionCase,
    state_field="state",
    changes=CaseStateChange,
    subject="case",
    transitions={
        t.action: t
        for t in (
            Transition("return", "转回原支部", (State.ACTIVE,), State.TRANSITION, (review_passed,)),
            Transition("close", "结案", (State.TRANSITION,), State.CLOSED, (transition_ended,)),
        )
    },
    error=ConversionError,
    refused=_refused,
    select_related=("member",),
    recorded={"enrol": "转入中心党支部"},
)


def case_for_update(case: ConversionCase | int) -> ConversionCase:
    """Lock the case row; every ledger and state operation locks the case first (deterministic order)."""
    pk = case if isinstance(case, int) else case.pk
    return ConversionCase.objects.select_for_update(of=("self",)).select_related("member").get(pk=pk)
