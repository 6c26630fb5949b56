"""core.transitions.perform: the one function that changes a state in a table (issue 16).

Exercised through real tables: the service matter lifecycle (services.lifecycle), member status
(members.status), the conversion case (conversion.cases) and the recruitment stages (recruitment.stages).
"""

import threading
import time

import pytest
from django.db import connection, transaction

from conversion.models import CaseStateChange, ConversionCase
from core.transitions import Problem, machine_for, perform, record
from members.exceptions import MemberError
from members.models import Member, MemberStatusEvent
from recruitment.models import Candidate, StageChange
from services.exceptions import ServiceDeskError
from services.models import Matter, MatterChange, MatterState, SupplementNotice, YearArchive
from tests import factories
from tests.factories.services import at, register


def test_every_table_has_the_same_change_row_fields():
    for model in (Matter, Member, ConversionCase, Candidate):
        names = {f.name for f in machine_for(model).changes._meta.get_fields()}
        assert {"action", "from_state", "to_state", "by", "at", "note"} <= names
    assert {MatterChange, MemberStatusEvent, CaseStateChange, StageChange} == {
        machine_for(m).changes for m in (Matter, Member, ConversionCase, Candidate)
    }


def test_refusal_lists_every_unmet_condition_and_writes_nothing_R_SV_08_R_SV_17(clerk):
    matter = register(clerk, when=at(2026, 11, 2))
    SupplementNotice.objects.create(
        matter=matter, items=["身份证"], issued_by=clerk, issued_at=at(2026, 11, 2)
    )
    YearArchive.objects.create(year=2026, archived_by=clerk, matter_count=1)
    rows_before = MatterChange.objects.filter(matter=matter).count()
    with pytest.raises(ServiceDeskError) as refused:
        perform(
            matter,
            "request_supplement",
            by=clerk,
            note="",
            update={"result": "不应写入"},
            problems=[Problem("调用方发现的问题（测试，R-SV-08）。", "R-SV-08")],
            items=[],
        )
    problems = refused.value.problems
    assert len(problems) == 4  # archived year, no items, notice already issued, the caller's own problem
    assert sum("R-SV-17" in p for p in problems) == 1 and sum("R-SV-08" in p for p in problems) == 3
    assert str(refused.value).startswith("不能一次性告知补充材料：")
    matter.refresh_from_db()
    assert matter.state == MatterState.ACCEPTED and matter.result == ""
    assert MatterChange.objects.filter(matter=matter).count() == rows_before


def test_an_action_the_state_does_not_allow_is_refused_with_the_tables_own_message_R_SV_02(clerk):
    matter = register(clerk)
    with pytest.raises(ServiceDeskError, match="R-SV-02") as refused:
        perform(matter, "answer", by=clerk, note="已答复")  # a promised matter is not answered on the spot
    assert refused.value.problems == ["承诺件在“办理中”状态下不能当场答复（R-SV-02）。"]


def test_unknown_action_is_refused(clerk):
    with pytest.raises(ServiceDeskError, match="未知的办理事项"):
        perform(register(clerk), "demolish", by=clerk)


def test_success_writes_the_change_row_and_the_state_R_SV_02(clerk):
    matter = register(clerk)
    change = perform(
        matter, "complete", by=clerk, at=at(2026, 11, 3), note="已办结", update={"result": "已办结"}
    )
    assert (change.action, change.from_state, change.to_state) == ("complete", "accepted", "completed")
    assert (change.by, change.at, change.note) == (clerk, at(2026, 11, 3), "已办结")
    assert change.action_label == "办结"
    matter.refresh_from_db()
    assert matter.state == MatterState.COMPLETED and matter.result == "已办结"


def test_a_change_row_is_never_updated(clerk):
    change = perform(register(clerk), "complete", by=clerk, note="已办结")
    change.note = "改写"
    with pytest.raises(ValueError, match="只能新增"):
        change.save()


def test_a_recorded_action_keeps_the_state_and_a_system_change_has_no_user(clerk):
    matter = register(clerk)
    row = record(matter, "overdue_review", by=None, note="系统复核")
    assert (row.from_state, row.to_state, row.by, row.action_label) == (
        "accepted",
        "accepted",
        None,
        "超期认定待复核",
    )


def test_member_status_goes_through_the_same_perform_R_MB_02(branch_a):
    member = factories.make_member(branch_a, status=Member.Status.PROBATIONARY)
    with pytest.raises(MemberError, match="R-MB-02") as refused:
        perform(member, "full", by=None, note="", row={"effective_on": member.joined_on})
    assert refused.value.problems == ["状态变动须填写原因（R-MB-02）。"]
    assert not member.status_events.filter(action="full").exists()


@pytest.mark.django_db(transaction=True)
def test_two_performs_at_once_are_serialised_one_change_and_one_clear_refusal_R_SV_02(clerk):
    """The first holds the row lock until it commits; the second waits for it, then sees the new state."""
    matter = register(clerk)
    first_done, release = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                perform(matter, "complete", by=clerk, note="窗口一办结")
                first_done.set()
                release.wait(10)
            outcomes["first"] = "ok"
        finally:
            connection.close()

    def second():
        try:
            perform(matter, "complete", by=clerk, note="窗口二办结")
            outcomes["second"] = "ok"
        except ServiceDeskError as exc:
            outcomes["second"] = exc
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_done.wait(10)
    two = threading.Thread(target=second)
    two.start()
    time.sleep(0.5)
    assert two.is_alive()  # waiting on the row lock
    release.set()
    one.join()
    two.join()
    assert outcomes["first"] == "ok"
    assert "“已办结”状态下不能办结" in str(outcomes["second"])
    assert MatterChange.objects.filter(matter=matter, action="complete").count() == 1
