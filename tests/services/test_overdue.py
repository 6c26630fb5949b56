"""Overdue matters and accountability cases (R-SV-10, R-SV-11)."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from core.access import Role
from services import accountability, desk
from services.exceptions import ServiceDeskError
from services.models import AccountabilityCase, Matter, MatterChange, MatterKind, Sanction, Violation
from tests import factories
from tests.factories.services import at, register


def test_overdue_command_run_twice_opens_one_accountability_case_R_SV_10(clerk):
    matter = register(clerk, when=at(2026, 1, 5))
    register(clerk, when=at(2026, 1, 5), applicant_name="准时办结")  # completed in time below
    desk.matter_complete(matter=Matter.objects.get(applicant_name="准时办结"), result="已办结", by=clerk)
    out = StringIO()
    call_command("mark_overdue", stdout=out)
    call_command("mark_overdue", stdout=out)
    assert AccountabilityCase.objects.count() == 1
    case = AccountabilityCase.objects.get()
    assert case.matter == matter and case.responsible == clerk
    matter.refresh_from_db()
    assert matter.overdue_at is not None
    assert matter.receipt_number in out.getvalue()
    assert "没有新的超期办件" in out.getvalue()


def test_dry_run_changes_nothing_R_SV_10(clerk):
    register(clerk, when=at(2026, 1, 5))
    out = StringIO()
    call_command("mark_overdue", "--dry-run", stdout=out)
    assert AccountabilityCase.objects.count() == 0
    assert "1" in out.getvalue()


def test_matter_is_overdue_only_after_24_00_of_its_last_day_R_GN_03_R_SV_10(clerk):
    matter = register(clerk, when=at(2026, 11, 2))  # last day 16 November
    assert accountability.mark_overdue(now=at(2026, 11, 16, 23, 59)) == []
    assert [m.matter_id for m in accountability.mark_overdue(now=at(2026, 11, 17, 0, 0))] == [matter.pk]


def test_recorded_justified_reason_prevents_overdue_R_SV_10(clerk):
    matter = register(clerk, when=at(2026, 11, 2))
    desk.matter_record_delay_reason(matter=matter, reason="需等待县局现场勘查", by=clerk)
    assert accountability.mark_overdue(now=at(2026, 12, 1)) == []


def test_case_is_against_the_current_handler_R_SV_10(clerk):
    colleague = factories.make_user(Role.CLERK, username="handler_2")
    matter = register(clerk, when=at(2026, 11, 2))
    desk.matter_handover(matter=matter, by=clerk, to_user=colleague, reason="转二号窗口")
    accountability.mark_overdue(now=at(2026, 12, 1))
    assert AccountabilityCase.objects.get().responsible == colleague


@pytest.mark.django_db(transaction=True)
def test_overdue_command_run_concurrently_opens_one_case_each_R_SV_10(clerk):
    """Two runs at the same moment, each on its own connection, over committed matters: every matter is marked
    once and gets exactly one case, however the two runs interleave."""
    for n in range(5):
        register(clerk, when=at(2026, 1, 5), applicant_name=f"群众{n}")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(len(accountability.mark_overdue(now=at(2026, 3, 1))))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 2 and sum(results) == 5  # between them, each matter exactly once
    assert AccountabilityCase.objects.count() == 5
    assert Matter.objects.filter(overdue_at__isnull=False).count() == 5
    assert MatterChange.objects.filter(action="overdue").count() == 5


def test_administrator_records_violation_and_several_sanctions_R_SV_11(clerk, admin_user):
    register(clerk, when=at(2026, 1, 5))
    accountability.mark_overdue(now=at(2026, 3, 1))
    case = accountability.accountability_decide(
        case=AccountabilityCase.objects.get(),
        violation=Violation.OTHER,
        sanctions=[Sanction.CRITICISM_NOTICE, Sanction.SELF_CRITICISM],
        findings="无故超期",
        decided_by=admin_user,
    )
    assert case.state == AccountabilityCase.State.DECIDED
    assert case.sanctions == [Sanction.SELF_CRITICISM, Sanction.CRITICISM_NOTICE]


def test_decision_needs_a_sanction_from_the_ladder_and_an_administrator_R_SV_11(clerk, admin_user):
    register(clerk, kind=MatterKind.PROMISED, when=at(2026, 1, 5))
    accountability.mark_overdue(now=at(2026, 3, 1))
    case = AccountabilityCase.objects.get()
    with pytest.raises(ServiceDeskError, match="R-SV-11"):
        accountability.accountability_decide(
            case=case, violation=Violation.OTHER, sanctions=[], findings="", decided_by=admin_user
        )
    with pytest.raises(ServiceDeskError, match="R-SV-11"):
        accountability.accountability_decide(
            case=case, violation=Violation.OTHER, sanctions=["fine"], findings="", decided_by=admin_user
        )
    with pytest.raises(ServiceDeskError, match="R-SV-11"):
        accountability.accountability_decide(
            case=case,
            violation=Violation.OTHER,
            sanctions=[Sanction.SELF_CRITICISM],
            findings="",
            decided_by=clerk,
        )
