"""Intake, first contact and the transition table (R-SV-01, R-SV-02, R-SV-06, R-SV-15, R-SV-17)."""

from decimal import Decimal

import pytest

from core.access import Role
from services import desk
from services.exceptions import ServiceDeskError
from services.models import Fee, Handover, MatterChange, MatterKind, MatterState, YearArchive
from tests import factories
from tests.factories.services import at, register


def test_receipt_numbers_are_gap_free_per_year_R_SV_17(clerk):
    numbers = [register(clerk, when=at(2026, 11, d)).receipt_number for d in (2, 3)]
    numbers.append(register(clerk, when=at(2027, 1, 4)).receipt_number)
    assert numbers == ["便民〔2026〕001号", "便民〔2026〕002号", "便民〔2027〕001号"]


def test_first_contact_stays_through_handovers_and_the_chain_is_kept_R_SV_01(clerk, admin_user):
    colleague = factories.make_user(Role.CLERK, username="window_2")
    matter = register(clerk)
    desk.matter_handover(
        matter=matter, by=clerk, to_user=colleague, to_window="二号窗口", reason="属社保窗口"
    )
    desk.matter_handover(matter=matter, by=colleague, to_unit="县人社局", reason="需县局审批")
    matter.refresh_from_db()
    assert matter.first_contact == clerk
    assert matter.handler == colleague and matter.window == "二号窗口"
    chain = list(Handover.objects.filter(matter=matter).values_list("from_user", "to_user", "to_unit"))
    assert chain == [(clerk.pk, colleague.pk, ""), (colleague.pk, None, "县人社局")]


def test_handover_needs_a_receiver_and_a_reason_R_SV_01(clerk):
    with pytest.raises(ServiceDeskError, match="R-SV-01") as err:
        desk.matter_handover(matter=register(clerk), by=clerk, reason="")
    assert len(err.value.problems) == 2


def test_outside_scope_matter_is_recorded_with_the_unit_referred_to_R_SV_01(clerk):
    matter = desk.matter_register_referral(
        applicant_name="赵六", request="办理不动产登记", unit="县不动产登记中心", first_contact=clerk
    )
    assert matter.state == MatterState.REFERRED
    assert matter.referred_unit == "县不动产登记中心" and matter.first_contact == clerk


def test_every_transition_writes_a_change_row_R_SV_02(clerk):
    matter = register(clerk)
    desk.matter_complete(matter=matter, result="已转出", by=clerk)
    rows = list(MatterChange.objects.filter(matter=matter).values_list("action", "from_state", "to_state"))
    assert rows == [
        ("register", "", "registered"),
        ("accept", "registered", "accepted"),
        ("complete", "accepted", "completed"),
    ]


def test_transition_not_in_the_table_is_refused_R_SV_02(clerk):
    matter = register(clerk)
    desk.matter_complete(matter=matter, result="已办结", by=clerk)
    with pytest.raises(ServiceDeskError, match="R-SV-02"):
        desk.matter_complete(matter=matter, result="再办一次", by=clerk)
    with pytest.raises(ServiceDeskError, match="R-SV-02"):
        desk.matter_answer(matter=register(clerk), answer="承诺件不能当场答复", by=clerk)


def test_petition_needs_address_contact_and_proposed_handling_R_SV_06(clerk):
    with pytest.raises(ServiceDeskError) as err:
        desk.matter_register(
            kind=MatterKind.PETITION, applicant_name="钱七", request="反映道路问题", first_contact=clerk
        )
    assert len(err.value.problems) == 3 and "R-SV-06" in str(err.value)


def test_reported_up_matter_needs_the_external_deadline_R_SV_02(clerk):
    with pytest.raises(ServiceDeskError, match="R-SV-02"):
        register(clerk, kind=MatterKind.REPORTED_UP)


def test_agent_service_takes_no_fee_and_fees_name_their_basis_R_SV_15(clerk, service):
    service.is_agent_service = True
    service.save()
    matter = register(clerk, service=service)
    with pytest.raises(ServiceDeskError, match="R-SV-15"):
        desk.fee_record(matter=matter, amount=Decimal("10"), legal_basis="收费文件", by=clerk)
    other = register(clerk)
    with pytest.raises(ServiceDeskError, match="R-SV-15"):
        desk.fee_record(matter=other, amount=Decimal("10"), legal_basis="", by=clerk)
    desk.fee_record(matter=other, amount=Decimal("10"), legal_basis="《工本费收费标准》", by=clerk)
    assert Fee.objects.filter(matter=other).count() == 1


def test_agent_service_in_catalog_cannot_have_a_fee_R_SV_15(service):
    from django.db import IntegrityError, transaction

    service.is_agent_service, service.fee_amount, service.fee_basis = True, Decimal("5"), "文件"
    with pytest.raises(IntegrityError), transaction.atomic():
        service.save()


def test_year_is_archived_only_when_all_matters_are_closed_and_then_frozen_R_SV_17(clerk, admin_user):
    matter = register(clerk, when=at(2026, 3, 2))
    with pytest.raises(ServiceDeskError, match="R-SV-17"):
        desk.year_archive(year=2026, by=admin_user)
    desk.matter_complete(matter=matter, result="已办结", by=clerk)
    assert desk.year_archive(year=2026, by=admin_user).matter_count == 1
    assert YearArchive.objects.filter(year=2026).exists()
    with pytest.raises(ServiceDeskError, match="R-SV-17"):
        register(clerk, kind=MatterKind.CONSULTATION, when=at(2026, 12, 30))
