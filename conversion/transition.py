"""Return to the original branch and the transition period (R-CV-10, R-CV-11)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from conversion.cases import MACHINE, case_for_update
from conversion.exceptions import ConversionError
from conversion.models import ConversionCase, DisciplineReferral, TransitionObservation
from core.dates import period_end
from core.transitions import perform
from members.models import RelationTransfer
from members.transfers import transfer_accept, transfer_start

TRANSITION_MONTHS = 6


@transaction.atomic
def case_return(*, case: ConversionCase, returned_on: date, returned_by) -> ConversionCase:
    """R-CV-10: after a passed review the relation is transferred back to the original branch, the same way it
    came in; R-CV-11: a 6-month transition period starts (core.dates.period_end, R-GN-01)."""
    case = case_for_update(case)
    MACHINE.require(case, "return")  # before the letter of transfer is issued
    transfer = transfer_start(
        member=case.member,
        direction=RelationTransfer.Direction.INTERNAL,
        issued_on=returned_on,
        created_by=returned_by,
        to_organization=case.original_organization,
        reason="民主评议合格，转回原支部",
    )
    transfer = transfer_accept(transfer=transfer, accepted_on=returned_on, accepted_by=returned_by)
    change = perform(
        case,
        "return",
        by=returned_by,
        note=f"转回{case.original_organization.name}，介绍信{transfer.letter_number}",
        row={"effective_on": returned_on},
        update={
            "return_transfer": transfer,
            "returned_on": returned_on,
            "transition_ends_on": period_end(returned_on, months=TRANSITION_MONTHS),
        },
    )
    return change.case


def transition_period(case: ConversionCase) -> tuple[date, date]:
    """The first and last day of the case's transition period (both are set when the case returns, R-CV-11)."""
    if case.returned_on is None or case.transition_ends_on is None:
        raise ConversionError("该案件不在过渡期内（R-CV-11）。", rule="R-CV-11")
    return case.returned_on, case.transition_ends_on


def _require_in_period(case: ConversionCase, on: date, *, field: str, rule: str = "R-CV-11") -> None:
    if case.state != ConversionCase.State.TRANSITION:
        raise ConversionError("该案件不在过渡期内（R-CV-11）。", rule=rule)
    first, last = transition_period(case)
    if not first <= on <= last:
        raise ConversionError(
            f"日期应在过渡期内（{first:%Y年%-m月%-d日}至{last:%Y年%-m月%-d日}，R-CV-11）。",
            rule=rule,
            field=field,
        )


@transaction.atomic
def observation_record(
    *, case: ConversionCase, observed_on: date, note: str, misconduct: bool, recorded_by
) -> TransitionObservation:
    """R-CV-11 (record): a follow-up observation during the transition period."""
    case = case_for_update(case)
    _require_in_period(case, observed_on, field="observed_on")
    if not note.strip():
        raise ConversionError("请填写跟踪情况（R-CV-11）。", rule="R-CV-11", field="note")
    return TransitionObservation.objects.create(
        case=case, observed_on=observed_on, note=note.strip(), misconduct=misconduct, recorded_by=recorded_by
    )


@transaction.atomic
def discipline_referral_record(
    *,
    case: ConversionCase,
    referred_on: date,
    matter: str,
    recorded_by,
    observation: TransitionObservation | None = None,
) -> DisciplineReferral:
    """R-CV-11 (record): misconduct in the transition period referred to the organisation office and 纪委."""
    case = case_for_update(case)
    if case.state != ConversionCase.State.TRANSITION:
        raise ConversionError("只有过渡期内的违纪违规行为才按本条移交（R-CV-11）。", rule="R-CV-11")
    if referred_on < transition_period(case)[0]:
        raise ConversionError(
            "移交日期不能早于转回原支部的日期（R-CV-11）。", rule="R-CV-11", field="referred_on"
        )
    if observation is not None:
        if observation.case_id != case.pk:
            raise ConversionError("所选跟踪记录不属于该案件。", rule="R-CV-11", field="observation")
        if not observation.misconduct:
            raise ConversionError(
                "所选跟踪记录未记载违纪违规行为（R-CV-11）。", rule="R-CV-11", field="observation"
            )
    if not matter.strip():
        raise ConversionError("请填写移交事由（R-CV-11）。", rule="R-CV-11", field="matter")
    return DisciplineReferral.objects.create(
        case=case,
        observation=observation,
        referred_on=referred_on,
        matter=matter.strip(),
        recorded_by=recorded_by,
    )


@transaction.atomic
def case_close(*, case: ConversionCase, closed_on: date, closed_by) -> ConversionCase:
    """R-CV-11: the case closes when the transition period has ended (on or after its last day)."""
    change = perform(
        case,
        "close",
        by=closed_by,
        note="过渡期届满，结案",
        row={"effective_on": closed_on},
        update={"closed_on": closed_on},
        on=closed_on,
    )
    return change.case


def close_ended_transitions(*, on: date, closed_by=None) -> list[ConversionCase]:
    """R-CV-11: close every case whose transition period has ended by ``on`` (the daily job).

    Safe to run twice and twice at once: each case is closed in its own transaction and re-checked under its
    row lock, so a case another run has just closed is skipped rather than closed again (or raising)."""
    due = (
        ConversionCase.objects.filter(state=ConversionCase.State.TRANSITION, transition_ends_on__lte=on)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    closed = []
    for pk in list(due):
        with transaction.atomic():
            case = case_for_update(pk)
            if case.state == ConversionCase.State.TRANSITION and transition_period(case)[1] <= on:
                closed.append(case_close(case=case, closed_on=on, closed_by=closed_by))
    return closed
