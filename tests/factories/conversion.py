"""Conversion: a member enrolled in a case, and the points brought to a balance through closed tasks."""

from datetime import date
from decimal import Decimal

from conversion.enrolment import case_enrol
from conversion.ledger import ledger_record_task, task_assign
from conversion.models import ConversionCase
from tests.factories.members import make_branch, make_member

OPENED = date(2026, 3, 2)


def enrolled_case(center, *, branch=None, by=None, village="东村") -> ConversionCase:
    branch = branch or make_branch(village=village)
    member = make_member(branch, village=village)
    return case_enrol(member=member, opened_on=OPENED, reason="镇党委决定", decided_by=by)


def record_tasks(case, *, completed: bool, count: int, by=None) -> ConversionCase:
    for i in range(count):
        task = task_assign(
            case=case, title=f"任务{i}", assigned_on=OPENED, due_on=date(2026, 4, 1), assigned_by=by
        )
        ledger_record_task(task=task, completed=completed, recorded_by=by, closed_on=OPENED)
    case.refresh_from_db()
    return case


def bring_to(case, target: Decimal, by=None) -> ConversionCase:
    """Close tasks until the balance equals ``target`` (in steps of 0.5)."""
    case.refresh_from_db()
    steps = int((target - case.balance) / Decimal("0.5"))
    return record_tasks(case, completed=steps > 0, count=abs(steps), by=by)
