"""R-CV-11: the daily ``close_transitions`` command closes cases whose transition period has ended — once,
however often and however concurrently it runs."""

import threading
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from conversion.models import CaseStateChange, ConversionCase, ReviewParticipant
from conversion.review import (
    ParticipantData,
    review_conclude,
    review_record_scores,
    review_schedule,
    review_set_roster,
)
from tests.factories.conversion import bring_to, enrolled_case

RETURNED = date(2026, 6, 1)  # transition period ends 2026-12-01 (R-GN-01)


def returned_case(center, clerk):
    case = bring_to(enrolled_case(center, by=clerk), Decimal("15"), by=clerk)
    review = review_schedule(case=case, scheduled_on=RETURNED, scheduled_by=clerk)
    people = review_set_roster(
        review=review,
        participants=[ParticipantData("甲", ReviewParticipant.Category.CENTER_STAFF, "镇区")],
        recorded_by=clerk,
    )
    review_record_scores(review=review, scores={people[0].pk: Decimal("90")}, recorded_by=clerk)
    review_conclude(review=review, concluded_on=RETURNED, concluded_by=clerk)
    case.refresh_from_db()
    assert case.state == ConversionCase.State.TRANSITION and case.transition_ends_on == date(2026, 12, 1)
    return case


def run(on: str) -> str:
    out = StringIO()
    call_command("close_transitions", "--date", on, stdout=out)
    return out.getvalue()


def closings(case) -> int:
    return CaseStateChange.objects.filter(case=case, to_state=ConversionCase.State.CLOSED).count()


@pytest.mark.django_db
def test_close_transitions_closes_an_ended_period_once_and_a_second_run_does_nothing_R_CV_11(center, clerk):
    case = returned_case(center, clerk)
    assert "结案0件" in run("2026-11-30")  # the period has not ended yet
    first = run("2026-12-01")
    assert f"已结案：{case.member.name}" in first and "结案1件" in first
    assert "结案0件" in run("2026-12-01")
    case.refresh_from_db()
    assert case.state == ConversionCase.State.CLOSED and case.closed_on == date(2026, 12, 1)
    assert closings(case) == 1


@pytest.mark.django_db
def test_close_transitions_dry_run_writes_nothing_R_CV_11(center, clerk):
    case = returned_case(center, clerk)
    out = StringIO()
    call_command("close_transitions", "--date", "2026-12-01", "--dry-run", stdout=out)
    assert "将结案" in out.getvalue()
    case.refresh_from_db()
    assert case.state == ConversionCase.State.TRANSITION


@pytest.mark.django_db(transaction=True)
def test_two_close_transitions_runs_at_once_close_each_case_exactly_once_R_CV_11(center, clerk):
    cases = [returned_case(center, clerk) for _ in range(3)]
    barrier = threading.Barrier(2)
    outputs: list[str] = []
    errors: list[BaseException] = []

    def work():
        try:
            barrier.wait()
            outputs.append(run("2026-12-01"))  # each thread has its own database connection
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(out.count("已结案：") for out in outputs) == 3
    for case in cases:
        case.refresh_from_db()
        assert case.state == ConversionCase.State.CLOSED
        assert closings(case) == 1
