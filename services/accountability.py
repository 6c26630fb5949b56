"""Overdue matters and accountability cases (R-SV-10, R-SV-11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

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
    unique ``matter`` makes a second insert impossible (ON CONFLICT DO NOTHING).
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
            INSERT INTO {cases} (matter_id, responsible_id, opened_at, state, violation, sanctions, findings)
            SELECT id, handler_id, %(now)s, 'open', '', '{{}}', '' FROM marked
            ON CONFLICT (matter_id) DO NOTHING
            RETURNING id, matter_id
        )
        SELECT marked.id, marked.receipt_number, marked.handler_id, opened.id
        FROM marked LEFT JOIN opened ON opened.matter_id = marked.id
        ORDER BY marked.receipt_number
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {"now": now, "open": [str(s) for s in OPEN_STATES]})
        return [MarkedOverdue(*row) for row in cursor.fetchall()]


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
    case.sanctions = sorted(set(sanctions), key=Sanction.values.index)
    case.findings = findings.strip()
    case.decided_by = decided_by
    case.decided_at = timezone.now()
    case.state = AccountabilityCase.State.DECIDED
    case.save()
    return case
