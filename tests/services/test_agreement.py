"""R-SV-10: the rule, the queryset, the 工作台, the desk queue and the matter page agree on "overdue".

A promised matter registered on 2 November 2026 has 16 November as its last day: its deadline ends at 24:00
(R-GN-03). Read at 23:59 on the 16th and at 00:00 on the 17th, with and without a recorded delay reason, and
after the scheduled run has marked an older one.
"""

import re

import pytest

from services import accountability, desk
from services.models import Matter
from tests.clock import dashboard_count, frozen_at
from tests.factories.services import at, register

OVERDUE_LINE = "超期办件"


@pytest.fixture
def matters(clerk):
    plain = register(clerk, when=at(2026, 11, 2), applicant_name="无理由")
    justified = register(clerk, when=at(2026, 11, 2), applicant_name="有理由")
    desk.matter_record_delay_reason(matter=justified, reason="需等待县局现场勘查", by=clerk)
    marked = register(clerk, when=at(2026, 10, 9), applicant_name="已认定")
    # The scheduled run's mark (mark_overdue itself is checked below, without the change row it writes).
    Matter.objects.filter(pk=marked.pk).update(overdue_at=at(2026, 11, 10))
    return {"plain": plain, "justified": justified, "marked": marked}


def queue_levels(client) -> dict[str, str]:
    html = client.get("/services/?scope=all").content.decode()
    return dict(
        (number, level)
        for level, number in re.findall(
            r'<tr class="(?:row-)?([a-z]*)">\s*<td><a href="[^"]*">([^<]+)</a>', html
        )
    )


def detail_says_overdue(client, matter) -> bool:
    html = client.get(f"/services/matters/{matter.pk}/").content.decode()
    return "认定超期" in html or "已超期" in html


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 11, 16, 23, 59), {"plain": False, "justified": False, "marked": True}),
        (at(2026, 11, 17, 0, 0), {"plain": True, "justified": False, "marked": True}),
    ],
    ids=["last_minute_of_the_last_day", "first_minute_after"],
)
def test_overdue_agrees_everywhere_before_the_nightly_run_and_with_a_justified_delay_R_SV_10(
    client, clerk, matters, moment, expected
):
    client.force_login(clerk)
    with frozen_at(moment):
        by_query = set(Matter.objects.overdue().values_list("pk", flat=True))
        levels = queue_levels(client)
        for name, matter in matters.items():
            matter.refresh_from_db()
            assert matter.is_overdue_at(moment) is expected[name], name
            assert (matter.pk in by_query) is expected[name], name
            assert (levels[matter.receipt_number] == "danger") is expected[name], name
            assert detail_says_overdue(client, matter) is expected[name], name
        assert dashboard_count(clerk, OVERDUE_LINE) == sum(expected.values())


def test_the_nightly_run_marks_exactly_what_the_queryset_calls_overdue_R_SV_10(clerk, matters):
    moment = at(2026, 11, 17, 0, 0)
    unmarked = set(
        Matter.objects.overdue(moment).filter(overdue_at__isnull=True).values_list("pk", flat=True)
    )
    assert unmarked == {matters["plain"].pk}
    assert {m.matter_id for m in accountability.mark_overdue(now=moment)} == unmarked
    assert set(Matter.objects.overdue(moment).values_list("pk", flat=True)) == {
        matters["plain"].pk,
        matters["marked"].pk,
    }


def test_a_completed_matter_is_never_overdue_R_SV_10(clerk, matters):
    desk.matter_complete(matter=matters["plain"], result="已办结", by=clerk, at=at(2026, 11, 18))
    moment = at(2026, 11, 20)
    matters["plain"].refresh_from_db()
    assert not matters["plain"].is_overdue_at(moment)
    assert not Matter.objects.overdue(moment).filter(pk=matters["plain"].pk).exists()
