"""Overdue matters and accountability cases (R-SV-10, R-SV-11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from core.transitions import record
from services import deadlines
from services.exceptions import ServiceDeskError
from services.models import OPEN_STATES, AccountabilityCase, Matter, MatterChange, Sanction, Violation


@dataclass(frozen=True)
class MarkedOverdue:
    matter_id: int
    receipt_number: str
    responsible_id: int
    case_id: int | None


def mark_overdue(*, now: datetime | None = None) -> list[MarkedOverdue]:
    """R-SV-10: every open matter past its deadline without a recorded justified reason becomes overdue and
    opens one accountability case against its current handler.

    Exactly once however often or concurrently it runs: the UPDATE only takes rows whose ``overdue_at`` is
    still NULL (a concurrent run waits for the row lock, then re-checks and skips the row), and the case's
    unique ``matter`` makes a second insert impossible. A case withdrawn because the deadline was recomputed
    (``overdue_withdraw_recomputed``) is reopened when the new deadline passes too; any other existing case
    is left alone (ON CONFLICT … DO UPDATE … WHERE state = 'withdrawn').
    """
    now = now or timezone.now()
    matters = Matter._meta.db_table
    cases = AccountabilityCase._meta.db_table
    changes = MatterChange._meta.db_table
    sql = f"""
        WITH marked AS (
            UPDATE {matters} SET overdue_at = %(now)s
            WHERE state = ANY(%(open)s) AND overdue_at IS NULL AND deadline_at IS NOT NULL
              AND deadline_at <= %(now)s AND delay_reason = ''
            RETURNING id, receipt_number, handler_id, state
        ),
        logged AS (
            INSERT INTO {changes} (matter_id, action, from_state, to_state, by_id, at, note)
            SELECT id, 'overdue', state, state, NULL, %(now)s, '超过办结期限且无正当理由，认定超期（R-SV-10）'
            FROM marked
        ),
        opened AS (
            INSERT INTO {cases}
                (matter_id, responsible_id, opened_at, state, violation, sanctions, findings, withdrawn_reason)
            SELECT id, handler_id, %(now)s, 'open', '', '{{}}', '', '' FROM marked
            ON CONFLICT (matter_id) DO UPDATE
                SET state = 'open', responsible_id = EXCLUDED.responsible_id, opened_at = EXCLUDED.opened_at,
                    withdrawn_at = NULL, withdrawn_reason = ''
                WHERE {cases}.state = 'withdrawn'
            RETURNING id, matter_id
        )
        SELECT marked.id, marked.receipt_number, marked.handler_id, opened.id
        FROM marked LEFT JOIN opened ON opened.matter_id = marked.id
        ORDER BY marked.receipt_number
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {"now": now, "open": [str(s) for s in OPEN_STATES]})
        return [MarkedOverdue(*row) for row in cursor.fetchall()]


def on_calendar_changed(sender, years, **kwargs) -> None:
    """R-SV-07: receiver of ``core.signals.calendar_changed`` (connected in ServicesConfig.ready): recompute the
    open deadlines, then clear the overdue marks whose new deadline lies in the future."""
    recomputed = deadlines.recompute_open_deadlines(years)
    if recomputed.overdue_before:
        overdue_withdraw_recomputed(previous=recomputed.overdue_before)


@transaction.atomic
def overdue_withdraw_recomputed(
    *, previous: dict[int, tuple[date | None, datetime | None]], now: datetime | None = None
) -> list[int]:
    """R-SV-07/R-SV-10: after a calendar change recomputed the deadlines of the overdue matters in ``previous``
    (matter id → its deadline date and moment before), a matter whose deadline now lies in the future is not overdue: its mark is
    cleared and its open accountability case withdrawn, both with the old and new deadline in the record. A case
    the administrator has already decided is not undone by the machine: the matter keeps its mark and the
    change log asks for a review (R-SV-11). Returns the ids of the matters whose mark was cleared."""
    now = now or timezone.now()
    cleared = []
    matters = (
        Matter.objects.select_for_update(of=("self",))
        .filter(pk__in=previous, overdue_at__isnull=False, state__in=OPEN_STATES, deadline_at__gt=now)
        .select_related("accountability_case")
        .order_by("pk")
    )
    for matter in matters:
        old_date, old_at = previous[matter.pk]
        old = Matter(kind=matter.kind, deadline_date=old_date, deadline_at=old_at).deadline_label or "无"
        moved = f"节假日安排变更，办结期限由{old}重算为{matter.deadline_label}，尚未到期"
        case = getattr(matter, "accountability_case", None)
        if case is not None and case.state == AccountabilityCase.State.DECIDED:
            note = (
                f"{moved}；责任追究 #{case.pk} 已作出处理决定，系统未改动，请管理员复核（R-SV-07、R-SV-11）"
            )
            _log(matter, "overdue_review", now, note)
            continue
        note = f"{moved}：撤销超期认定"
        if case is not None and case.state == AccountabilityCase.State.OPEN:
            note += f"及责任追究 #{case.pk}"
            case.state = AccountabilityCase.State.WITHDRAWN
            case.withdrawn_at = now
            case.withdrawn_reason = f"{moved}（R-SV-07、R-SV-10）"
            case.save(update_fields=["state", "withdrawn_at", "withdrawn_reason"])
        _log(matter, "overdue_withdrawn", now, f"{note}（R-SV-07、R-SV-10）")
        matter.overdue_at = None
        matter.save(update_fields=["overdue_at"])
        cleared.append(matter.pk)
    return cleared


def _log(matter: Matter, action: str, at: datetime, note: str) -> None:
    record(matter, action, by=None, at=at, note=note)


@transaction.atomic
def accountability_decide(
    *, case: AccountabilityCase, violation: str, sanctions: list[str], findings: str, decided_by: User
) -> AccountabilityCase:
    """R-SV-11: the administrator records the violation kind and one or more sanctions of the ladder."""
    from core.access import is_admin

    case = AccountabilityCase.objects.select_for_update().get(pk=case.pk)
    problems = []
    if not is_admin(decided_by):
        problems.append("只有镇党委管理员可以作出责任追究决定（R-SV-11）。")
    if case.state != AccountabilityCase.State.OPEN:
        problems.append("该责任追究已处理（R-SV-11）。")
    if violation not in Violation.values:
        problems.append("请选择违规情形（R-SV-11）。")
    if not sanctions or any(s not in Sanction.values for s in sanctions):
        problems.append("请从追究方式中选择一项或多项（R-SV-11，可单处或并处）。")
    if problems:
        raise ServiceDeskError("；".join(problems), rule="R-SV-11", problems=problems)
    case.violation = violation
    case.sanctions = [s for s in Sanction.values if s in set(sanctions)]  # in the ladder's order, once each
    case.findings = findings.strip()
    case.decided_by = decided_by
    case.decided_at = timezone.now()
    case.state = AccountabilityCase.State.DECIDED
    case.save()
    return case
