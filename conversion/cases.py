"""The conversion case's states as data: one function performs every state change and writes its audit row."""

from __future__ import annotations

from datetime import date

from conversion.exceptions import ConversionError
from conversion.models import CaseStateChange, ConversionCase

State = ConversionCase.State

# R-CV-10 / R-CV-11: active → transition (review passed, relation moved back) → closed (transition ended).
TRANSITIONS: dict[str, set[str]] = {
    State.ACTIVE: {State.TRANSITION},
    State.TRANSITION: {State.CLOSED},
    State.CLOSED: set(),
}


def case_change_state(
    *, case: ConversionCase, to_state: str, effective_on: date, changed_by, note: str = "", **fields
) -> ConversionCase:
    """Move a (locked) case to ``to_state`` if the table allows it; ``fields`` are saved with it."""
    if to_state not in TRANSITIONS[case.state]:
        raise ConversionError(
            f"转化案件当前为“{case.get_state_display()}”，不能变更为“{State(to_state).label}”。",
            rule="R-CV-10",
        )
    CaseStateChange.objects.create(
        case=case,
        from_state=case.state,
        to_state=to_state,
        effective_on=effective_on,
        note=note,
        changed_by=changed_by,
    )
    case.state = to_state
    for name, value in fields.items():
        setattr(case, name, value)
    case.save(update_fields=["state", *fields])
    return case


def case_for_update(case: ConversionCase | int) -> ConversionCase:
    """Lock the case row; every ledger and state operation locks the case first (deterministic order)."""
    pk = case if isinstance(case, int) else case.pk
    return ConversionCase.objects.select_for_update(of=("self",)).select_related("member").get(pk=pk)
