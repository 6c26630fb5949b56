"""One-time notice and the supplement clock (R-SV-08), returns (R-SV-09)."""

from datetime import date

import pytest

from services import desk
from services.exceptions import ServiceDeskError
from services.models import MatterKind, MatterState
from tests.factories.services import at, register


def test_supplement_stops_the_clock_and_completion_restarts_a_full_limit_R_SV_08(clerk, service):
    matter = register(clerk, service=service, when=at(2026, 11, 2))
    assert matter.deadline_date == date(2026, 11, 16)
    matter = desk.matter_request_supplement(
        matter=matter, items=["介绍信", "村委会出具的证明"], by=clerk, at=at(2026, 11, 4)
    )
    assert matter.state == MatterState.AWAITING_MATERIALS
    assert matter.kind_label == MatterKind.SUPPLEMENT.label
    assert matter.deadline_at is None and matter.clock_started_on is None
    assert matter.supplement_notice.items == ["介绍信", "村委会出具的证明"]
    matter = desk.matter_materials_complete(matter=matter, by=clerk, at=at(2026, 11, 20))
    # New full limit of 10 working days counted from Friday 20 November: 23 Nov … 4 Dec.
    assert matter.state == MatterState.ACCEPTED
    assert matter.clock_started_on == date(2026, 11, 20)
    assert matter.deadline_date == date(2026, 12, 4)
    assert matter.supplement_notice.completed_on == date(2026, 11, 20)


def test_a_matter_waiting_for_materials_is_never_overdue_R_SV_08_R_SV_10(clerk):
    from services.accountability import mark_overdue

    matter = register(clerk, when=at(2026, 11, 2))
    desk.matter_request_supplement(matter=matter, items=["身份证复印件"], by=clerk, at=at(2026, 11, 3))
    assert mark_overdue(now=at(2027, 3, 1)) == []


def test_missing_materials_are_told_only_once_R_SV_08(clerk):
    matter = register(clerk)
    desk.matter_request_supplement(matter=matter, items=["身份证复印件"], by=clerk)
    desk.matter_materials_complete(matter=matter, by=clerk)
    with pytest.raises(ServiceDeskError, match="R-SV-08"):
        desk.matter_request_supplement(matter=matter, items=["户口簿"], by=clerk)


def test_supplement_notice_must_list_something_R_SV_08(clerk):
    with pytest.raises(ServiceDeskError, match="R-SV-08"):
        desk.matter_request_supplement(matter=register(clerk), items=["  "], by=clerk)


def test_return_needs_a_written_reason_R_SV_09(clerk):
    matter = desk.matter_register(
        kind=MatterKind.PROMISED,
        applicant_name="张三",
        request="违规建房审批",
        first_contact=clerk,
        accept=False,
    )
    with pytest.raises(ServiceDeskError, match="R-SV-09"):
        desk.matter_return(matter=matter, reason=" ", by=clerk)
    matter = desk.matter_return(matter=matter, reason="申请事项不符合法律规定", by=clerk)
    assert matter.state == MatterState.RETURNED and matter.kind_label == "退回件"
