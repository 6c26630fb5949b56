"""The desk's statistics read daily tallies the database keeps (issue 9); they must give exactly the figures
of the computation over every matter they replaced (R-SV-02, R-SV-05, R-SV-07, R-SV-08, R-SV-09, R-SV-10).

``figures_from_matters`` below is that former computation, kept here as the reference: every figure of
``desk_report`` is compared with it, on matters written by the desk's operations, by plain ORM writes (as the
admin or a bulk load would) and after updates and deletes, for periods whose edges cut through the data.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, Q
from django.db.models.expressions import RawSQL

from core.dates import SHANGHAI
from services import desk
from services.models import Matter, MatterKind, Service, SupplementNotice
from services.statistics import NO_SERVICE, desk_report
from tests.factories.services import at, register

pytestmark = pytest.mark.django_db

# The former SQL (services/statistics.py before issue 9): a generate_series per matter, same rule as
# core.dates.is_working_day.
WORKING_DAYS_SQL = """
(SELECT count(*) FROM generate_series(
    "services_matter".clock_started_on + 1,
    ("services_matter".completed_at AT TIME ZONE %s)::date,
    interval '1 day') AS d(day)
  WHERE CASE
    WHEN NOT EXISTS (SELECT 1 FROM core_calendaryear y
                     WHERE y.year = extract(year FROM d.day)) THEN extract(isodow FROM d.day) < 6
    WHEN EXISTS (SELECT 1 FROM core_calendarday c
                 WHERE c.date = d.day::date AND c.kind = 'workday') THEN true
    WHEN EXISTS (SELECT 1 FROM core_calendarday c
                 WHERE c.date = d.day::date AND c.kind = 'holiday') THEN false
    ELSE extract(isodow FROM d.day) < 6
  END)
"""


def figures_from_matters(start: date, end: date) -> dict:
    """The former desk_report: every figure aggregated over the matters themselves."""
    registered = Matter.objects.filter(registered_at__date__range=(start, end))
    counts = dict(registered.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    by_kind = [(kind.label, counts.get(kind.value, 0)) for kind in MatterKind]
    states = registered.aggregate(
        supplement=Count("pk", filter=Q(supplement_notice__isnull=False)),
        returned=Count("pk", filter=Q(state="returned")),
    )
    by_kind[-2] = (MatterKind.SUPPLEMENT.label, states["supplement"])
    by_kind[-1] = (MatterKind.RETURNED.label, states["returned"])
    by_service = [
        (name or NO_SERVICE, n)
        for name, n in registered.values_list("service__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "service__name")
    ]
    completed = Matter.objects.filter(
        state="completed", completed_at__date__range=(start, end), deadline_at__isnull=False
    )
    days = RawSQL(WORKING_DAYS_SQL, [settings.TIME_ZONE], output_field=FloatField())
    totals = completed.aggregate(
        n=Count("pk"),
        on_time=Count("pk", filter=Q(completed_at__lte=F("deadline_at"))),
        days=Avg(days, filter=Q(clock_started_on__isnull=False)),
    )
    return {
        "by_kind": by_kind,
        "by_service": by_service,
        "completed": totals["n"],
        "on_time": totals["on_time"],
        "average_working_days": round(totals["days"], 1) if totals["days"] is not None else None,
    }


def figures_from_tallies(start: date, end: date) -> dict:
    report = desk_report(start=start, end=end)
    return {
        "by_kind": report.by_kind,
        "by_service": report.by_service,
        "completed": report.completed,
        "on_time": report.on_time,
        "average_working_days": report.average_working_days,
    }


PERIODS = [
    (date(2026, 9, 1), date(2026, 9, 30)),
    (date(2026, 10, 1), date(2026, 10, 31)),
    (date(2026, 9, 28), date(2026, 10, 9)),  # edges inside National Day
    (date(2026, 10, 1), date(2026, 12, 31)),
    (date(2026, 12, 1), date(2027, 1, 31)),  # into 2027, a year not loaded
    (date(2026, 1, 1), date(2027, 12, 31)),
]


def assert_same_figures():
    for start, end in PERIODS:
        assert figures_from_tallies(start, end) == figures_from_matters(start, end), (start, end)


def plain_matter(user, n, *, kind, registered_at, **fields):
    """A matter written straight to the table, as the admin or a bulk load would, not by the desk."""
    return Matter.objects.create(
        receipt_number=f"测试{n}",
        year=registered_at.year,
        sequence=1000 + n,
        kind=kind,
        applicant_name="群众",
        request="办理",
        first_contact=user,
        handler=user,
        registered_at=registered_at,
        **fields,
    )


@pytest.fixture
def desk_data(clerk):
    proof = Service.objects.create(name="户籍证明", kind=MatterKind.PROMISED)
    other = Service.objects.create(name="党员证明", kind=MatterKind.JOINT)
    # Through the desk's operations: the full lifecycle, across National Day 2026 (make-up Saturday 10 Oct).
    on_time = register(clerk, service=proof, when=at(2026, 9, 28, 9))
    desk.matter_complete(matter=on_time, result="已办结", by=clerk, at=at(2026, 10, 9, 16))
    late = register(clerk, kind=MatterKind.JOINT, service=other, when=at(2026, 9, 30, 23, 59))
    late = Matter.objects.get(pk=late.pk)
    desk.matter_complete(matter=late, result="已办结", by=clerk, at=late.deadline_at + timedelta(seconds=1))
    exactly = register(clerk, kind=MatterKind.PETITION, when=at(2026, 10, 12, 0, 0))
    exactly = Matter.objects.get(pk=exactly.pk)
    desk.matter_complete(
        matter=exactly, result="已答复", by=clerk, at=exactly.deadline_at
    )  # 24:00 is on time
    waiting = register(clerk, service=proof, when=at(2026, 10, 31, 23, 59))
    desk.matter_request_supplement(matter=waiting, items=["身份证复印件"], by=clerk, at=at(2026, 11, 2))
    desk.matter_materials_complete(matter=waiting, by=clerk, at=at(2026, 11, 4))
    desk.matter_complete(matter=waiting, result="已办结", by=clerk, at=at(2026, 11, 20))
    returned = register(clerk, service=other, when=at(2026, 11, 1, 0, 0))
    desk.matter_request_supplement(matter=returned, items=["介绍信"], by=clerk, at=at(2026, 11, 2))
    desk.matter_return(matter=returned, reason="主要材料缺失", by=clerk, at=at(2026, 11, 10))
    desk.matter_answer(
        matter=register(clerk, kind=MatterKind.CONSULTATION, when=at(2026, 12, 31, 23, 30)),
        answer="已答复",
        by=clerk,
        at=at(2027, 1, 1, 0, 10),
    )
    desk.matter_register_referral(
        applicant_name="李四", request="社保", unit="镇社保所", first_contact=clerk, at=at(2026, 11, 3)
    )
    immediate = register(clerk, kind=MatterKind.IMMEDIATE, when=at(2026, 12, 30, 16))
    desk.matter_complete(matter=immediate, result="当场办结", by=clerk, at=at(2026, 12, 30, 16, 20))
    year_end = register(clerk, when=at(2026, 12, 28))  # completed in 2027, counted on weekends alone
    desk.matter_complete(matter=year_end, result="已办结", by=clerk, at=at(2027, 1, 8))
    register(clerk, when=at(2026, 12, 31))  # still open
    # Straight to the table: completed before its clock started (0 working days), and one without a clock.
    plain_matter(
        clerk,
        1,
        kind=MatterKind.PROMISED,
        registered_at=at(2026, 10, 20),
        state="completed",
        clock_started_on=date(2026, 10, 22),
        completed_at=at(2026, 10, 21),
        deadline_at=at(2026, 11, 5, 0, 0),
    )
    plain_matter(
        clerk,
        2,
        kind=MatterKind.REPORTED_UP,
        registered_at=at(2026, 10, 20),
        state="completed",
        completed_at=at(2026, 10, 23),
        deadline_at=at(2026, 10, 30, 0, 0),
    )
    return clerk


def test_tallies_give_the_figures_of_every_matter_R_SV_05_R_SV_07_R_SV_10(desk_data):
    assert_same_figures()
    october = figures_from_tallies(date(2026, 10, 1), date(2026, 10, 31))
    assert (october["completed"], october["on_time"]) == (4, 3)  # one completed a second after its 24:00


def test_tallies_follow_updates_and_deletes_made_outside_the_desk_R_SV_02_R_SV_08_R_SV_09(desk_data):
    """An edited kind, service, day, state or deadline moves the matter between tallies; a delete removes it."""
    matter = Matter.objects.filter(state="completed", service__name="户籍证明").earliest("registered_at")
    matter.kind = MatterKind.JOINT
    matter.service = None
    matter.registered_at = datetime(2026, 11, 30, 23, 59, 59, tzinfo=SHANGHAI)
    matter.save()
    assert_same_figures()
    Matter.objects.filter(pk=matter.pk).update(deadline_at=F("completed_at") - timedelta(seconds=1))
    Matter.objects.filter(state="completed", kind=MatterKind.IMMEDIATE).update(
        completed_at=at(2026, 10, 31, 23)
    )
    assert_same_figures()
    Matter.objects.filter(state="returned").update(state="accepted", return_reason="")
    assert_same_figures()
    SupplementNotice.objects.filter(matter__state="accepted").delete()
    open_matter = Matter.objects.get(state="accepted", completed_at__isnull=True)
    open_matter.changes.all().delete()
    open_matter.delete()
    assert_same_figures()


def test_a_calendar_change_shows_in_the_working_days_at_once_R_SV_07(desk_data):
    """The tallies keep days, not working days: loading a year changes the mean at once, as before."""
    from core.calendar_loading import load_calendar_year

    before = figures_from_tallies(date(2027, 1, 1), date(2027, 1, 31))["average_working_days"]
    load_calendar_year(
        2027,
        holidays={date(2027, 1, d): "元旦" for d in (1, 4, 5)},
        workdays={},
        source="测试：国务院办公厅通知",
    )
    assert_same_figures()
    after = figures_from_tallies(date(2027, 1, 1), date(2027, 1, 31))["average_working_days"]
    assert after == before - 3


def test_a_matter_counts_on_its_shanghai_day_R_GN_03(clerk):
    """16:00 UTC on 31 October is 00:00 on 1 November in Shanghai: the tallies count it in November."""
    plain_matter(
        clerk, 3, kind=MatterKind.PROMISED, registered_at=datetime(2026, 10, 31, 15, 59, 59, tzinfo=UTC)
    )
    plain_matter(clerk, 4, kind=MatterKind.PROMISED, registered_at=datetime(2026, 10, 31, 16, 0, tzinfo=UTC))
    assert_same_figures()
    october = dict(figures_from_tallies(date(2026, 10, 1), date(2026, 10, 31))["by_kind"])
    november = dict(figures_from_tallies(date(2026, 11, 1), date(2026, 11, 30))["by_kind"])
    assert (october["承诺件"], november["承诺件"]) == (1, 1)
