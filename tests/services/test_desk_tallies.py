"""The desk's kept counts (issue 21) equal a direct count of the rows they replace, after every kind of write:
the desk's operations, the scheduled overdue run and its withdrawal (R-SV-10), a decision (R-SV-11), plain ORM
saves and bulk updates, bulk inserts, deletes and TRUNCATE.

* services.OpenMatterTally: the open matters per state, overdue mark, handler and first contact (the 工作台's
  overdue and awaiting-materials counts, the desk queue's number of matters);
* services.CaseTally: accountability cases per state, local day opened, responsible and whether they rest on a
  matter (the 工作台's open cases, the statistics' overdue cases by staff).

Each is also what its migration's fill rebuilds from the rows, and holds no row at zero.
"""

import importlib
from datetime import date

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from core.access import Role
from core.dates import SHANGHAI, on_local_days
from services import accountability, desk
from services.models import (
    OPEN_STATES,
    AccountabilityCase,
    CaseTally,
    Matter,
    MatterState,
    OpenMatterTally,
    Sanction,
    Violation,
    overdue_condition,
)
from services.statistics import desk_report
from tests import factories
from tests.clock import frozen_at
from tests.factories.services import at, register
from tests.tallies import rebuilt_rows

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("services.migrations.0007_open_matter_and_case_tallies")


def kept_open_matters() -> set:
    return set(
        OpenMatterTally.objects.values_list(
            "state", "overdue_marked", "handler_id", "first_contact_id", "matters"
        )
    )


def kept_cases() -> set:
    return set(CaseTally.objects.values_list("state", "opened_on", "responsible_id", "with_matter", "cases"))


def assert_desk_tallies_kept() -> None:
    direct_matters = set(
        Matter.objects.filter(state__in=OPEN_STATES)
        .values_list("state", "handler_id", "first_contact_id")
        .annotate(marked=Q(overdue_at__isnull=False), n=Count("pk"))
        .values_list("state", "marked", "handler_id", "first_contact_id", "n")
    )
    assert kept_open_matters() == direct_matters
    assert rebuilt_rows(MIGRATION.FILL_OPEN_MATTERS, kept_open_matters) == direct_matters
    direct_cases = set(
        AccountabilityCase.objects.values_list("state", "responsible_id")
        .annotate(
            day=TruncDate("opened_at", tzinfo=SHANGHAI), with_matter=Q(matter__isnull=False), n=Count("pk")
        )
        .values_list("state", "day", "responsible_id", "with_matter", "n")
    )
    assert kept_cases() == direct_cases
    assert rebuilt_rows(MIGRATION.FILL_CASES, kept_cases) == direct_cases
    assert not OpenMatterTally.objects.filter(matters=0).exists()
    assert not CaseTally.objects.filter(cases=0).exists()


def test_the_kept_desk_counts_follow_every_write_R_SV_10_R_SV_11(clerk, admin_user):
    colleague = factories.make_user(Role.CLERK, username="colleague")
    assert_desk_tallies_kept()  # nothing recorded: no rows

    # Through the operations: registration, acceptance, a supplement notice, a delay reason, a hand-over,
    # completion; the scheduled run marks the matters past their deadline and opens their cases.
    old = register(clerk, when=at(2026, 10, 9), applicant_name="甲")
    late = register(clerk, when=at(2026, 11, 2), applicant_name="乙")
    justified = register(clerk, when=at(2026, 11, 2), applicant_name="丙")
    waiting = register(clerk, when=at(2026, 11, 20), applicant_name="丁")
    done = register(clerk, when=at(2026, 11, 20), applicant_name="戊")
    assert_desk_tallies_kept()
    desk.matter_request_supplement(matter=waiting, items=["身份证"], by=clerk)
    desk.matter_record_delay_reason(matter=justified, reason="需等待县局现场勘查", by=clerk)
    desk.matter_handover(matter=late, by=clerk, reason="轮岗", to_user=colleague)
    desk.matter_complete(matter=done, result="已办结", by=clerk)
    assert_desk_tallies_kept()
    marked = accountability.mark_overdue(now=at(2026, 11, 30))
    assert {m.matter_id for m in marked} == {old.pk, late.pk}
    assert OpenMatterTally.objects.filter(overdue_marked=True).count() == 2  # two handlers
    assert_desk_tallies_kept()
    accountability.mark_overdue(now=at(2026, 12, 1))  # marks nothing, writes nothing
    assert_desk_tallies_kept()

    # A decision (R-SV-11) and a withdrawal after the deadline moved into the future (R-SV-07).
    case = AccountabilityCase.objects.get(matter=old)
    accountability.accountability_decide(
        case=case,
        violation=Violation.OTHER,
        sanctions=[Sanction.SELF_CRITICISM],
        findings="未按期办结",
        decided_by=admin_user,
    )
    assert_desk_tallies_kept()
    late.refresh_from_db()
    previous = {late.pk: (late.deadline_date, late.deadline_at)}
    Matter.objects.filter(pk=late.pk).update(deadline_at=at(2027, 1, 5), deadline_date=at(2027, 1, 4).date())
    assert accountability.overdue_withdraw_recomputed(previous=previous, now=at(2026, 12, 2)) == [late.pk]
    assert_desk_tallies_kept()
    # The new deadline passes too: the run reopens the withdrawn case (ON CONFLICT … DO UPDATE), on a new day.
    accountability.mark_overdue(now=at(2027, 1, 6))
    assert AccountabilityCase.objects.get(matter=late).state == AccountabilityCase.State.OPEN
    assert_desk_tallies_kept()

    # Plain ORM writes: a stale instance saved, bulk updates of the state, the handler, the mark, of nothing
    # counted; a bulk insert of matters and of cases.
    stale = Matter.objects.get(pk=justified.pk)
    Matter.objects.filter(pk=justified.pk).update(state=MatterState.AWAITING_MATERIALS)
    stale.result = "补录"
    stale.save()  # writes back the state it read
    assert_desk_tallies_kept()
    Matter.objects.filter(state=MatterState.ACCEPTED).update(handler=colleague)
    assert_desk_tallies_kept()
    Matter.objects.filter(overdue_at__isnull=False).update(overdue_at=None)
    assert_desk_tallies_kept()
    Matter.objects.update(window="一号窗口")
    assert_desk_tallies_kept()
    copied = {f.attname: getattr(waiting, f.attname) for f in Matter._meta.concrete_fields}
    Matter.objects.bulk_create(
        [
            Matter(**copied | {"id": None, "receipt_number": f"BULK-{n}", "sequence": 9000 + n})
            for n in range(3)
        ]
    )
    AccountabilityCase.objects.bulk_create(
        [AccountabilityCase(responsible=colleague, opened_at=at(2026, 12, 3, 23, 59 - n)) for n in range(2)]
    )
    assert_desk_tallies_kept()
    AccountabilityCase.objects.filter(matter__isnull=True).update(opened_at=at(2026, 12, 4, 0, 1))
    assert_desk_tallies_kept()

    # Deletes: a case, then every matter and case in one statement.
    AccountabilityCase.objects.filter(matter__isnull=True).first().delete()
    assert_desk_tallies_kept()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's pending checks first
        cursor.execute("TRUNCATE services_matter, services_accountabilitycase CASCADE")
    assert not OpenMatterTally.objects.exists() and not CaseTally.objects.exists()
    assert_desk_tallies_kept()


def test_the_queue_counts_its_matters_from_the_kept_tally_R_SV_01(client, clerk):
    """The desk queue's number of matters (its pages) is the kept tally's where the tally's columns answer the
    filters — the holder (我的, R-SV-01) and the state — and a direct count otherwise; both equal a direct count."""
    colleague = factories.make_user(Role.CLERK, username="colleague")
    mine = [register(clerk, when=at(2026, 11, n), applicant_name=f"群众{n}") for n in range(2, 8)]
    theirs = register(colleague, when=at(2026, 11, 3))
    desk.matter_handover(
        matter=mine[0], by=clerk, reason="轮岗", to_user=colleague
    )  # still mine: first contact
    desk.matter_handover(matter=theirs, by=colleague, reason="轮岗", to_user=clerk)
    desk.matter_request_supplement(matter=mine[1], items=["身份证"], by=clerk)
    desk.matter_complete(matter=mine[2], result="已办结", by=clerk)
    register(colleague, when=at(2026, 11, 20))
    accountability.mark_overdue(now=at(2026, 11, 18))
    direct = {
        "mine": Matter.objects.open().filter(Q(handler=clerk) | Q(first_contact=clerk)),
        "all": Matter.objects.open(),
    }
    with frozen_at(at(2026, 11, 19)) as now:
        client.force_login(clerk)
        for scope, matters in direct.items():
            for state in (None, *OPEN_STATES):
                expected = matters.filter(state=state) if state else matters
                query = f"?scope={scope}" + (f"&state={state}" if state else "")
                paginator = client.get(f"/services/{query}").context["page_obj"].paginator
                assert paginator.count == expected.count(), query
                assert hasattr(paginator, "known_count"), query  # from the tally
            paginator = client.get(f"/services/?scope={scope}&due=overdue").context["page_obj"].paginator
            assert not hasattr(paginator, "known_count")  # counted: the tally has no deadlines
            assert paginator.count == matters.filter(overdue_condition(now)).count() > 0


def overdue_by_staff_from_cases(start, end) -> list:
    """The former figure: the cases resting on a matter opened on a local day of [start, end], counted."""
    return list(
        AccountabilityCase.objects.filter(**on_local_days("opened_at", start, end), matter__isnull=False)
        .values_list("responsible__username")
        .annotate(n=Count("pk"))
        .order_by("-n", "responsible__username")
    )


def test_the_overdue_cases_by_staff_equal_a_count_of_the_cases_R_SV_10(clerk):
    """The statistics' 超期责任追究（按责任人） from CaseTally, for periods whose edges cut through the cases at
    a local midnight (23:59 and 00:01 Beijing time), and after a case is reopened on a later day."""
    colleague = factories.make_user(Role.CLERK, username="colleague")
    matters = [register(clerk, when=at(2026, 10, 9), applicant_name=f"群众{n}") for n in range(4)]
    desk.matter_handover(matter=matters[0], by=clerk, reason="轮岗", to_user=colleague)
    accountability.mark_overdue(now=at(2026, 10, 31, 23, 59))
    later = register(colleague, when=at(2026, 10, 16))
    accountability.mark_overdue(now=at(2026, 11, 1, 0, 1))
    AccountabilityCase.objects.create(
        responsible=clerk, opened_at=at(2026, 11, 1, 9)
    )  # no matter: not counted
    periods = [
        (date(2026, 10, 1), date(2026, 10, 31)),
        (date(2026, 11, 1), date(2026, 11, 30)),
        (date(2026, 10, 31), date(2026, 11, 1)),
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2026, 12, 1), date(2026, 12, 31)),
    ]
    for start, end in periods:
        assert desk_report(start=start, end=end).overdue_by_staff == overdue_by_staff_from_cases(start, end)
    assert desk_report(start=date(2026, 10, 1), end=date(2026, 10, 31)).overdue_by_staff == [
        ("clerk_persona", 3),
        ("colleague", 1),
    ]
    # Withdrawn, then reopened on a later day (R-SV-07, R-SV-10): it moves to that day.
    previous = {later.pk: (later.deadline_date, later.deadline_at)}
    Matter.objects.filter(pk=later.pk).update(deadline_at=at(2026, 12, 10), deadline_date=date(2026, 12, 9))
    accountability.overdue_withdraw_recomputed(previous=previous, now=at(2026, 11, 2))
    accountability.mark_overdue(now=at(2026, 12, 11))
    for start, end in periods:
        assert desk_report(start=start, end=end).overdue_by_staff == overdue_by_staff_from_cases(start, end)
    assert_desk_tallies_kept()
