"""Each 工作台 counter opens the board filtered to exactly what it counts (issue 18 point 9, R-RC-02, R-RC-07)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from core.registry import dashboard_for
from core.rules import cite
from recruitment import dashboard
from tests.factories import recruitment as b

pytestmark = pytest.mark.django_db


def _counters(user):
    return {item.label: item for item in dashboard_for(user) if item.section == dashboard.SECTION}


def test_every_recruitment_counter_opens_the_board_with_its_flag(clerk, branch_a):
    b.candidate(branch_a, name="超期申请人", applied_on=date(2024, 3, 4))
    b.activist(branch_a, name="满一年积极分子", since=date(2024, 4, 10))
    counters = _counters(clerk)
    assert counters
    for label, item in counters.items():
        assert item.url == f"{reverse('recruitment:board')}?flag={dashboard.KEYS[label]}"


@pytest.mark.parametrize("label", [dashboard.TALK_DUE, dashboard.ACTIVIST_YEAR])
def test_the_filtered_board_lists_exactly_the_counted_candidates_R_RC_02_R_RC_07(
    client, secretary_a, branch_a, branch_b, label
):
    late = b.candidate(branch_a, name="超期申请人", applied_on=date(2024, 3, 4))
    fresh = b.candidate(branch_a, name="新申请人", applied_on=date.today())
    year = b.activist(branch_a, name="满一年积极分子", since=date(2024, 4, 10))
    elsewhere = b.candidate(branch_b, name="西村申请人", applied_on=date(2024, 3, 4))
    counted = {dashboard.TALK_DUE: {late.name}, dashboard.ACTIVIST_YEAR: {year.name}}[label]
    item = _counters(secretary_a)[label]
    client.force_login(secretary_a)
    html = client.get(item.url).content.decode()
    shown = {c.name for c in (late, fresh, year, elsewhere) if c.name in html}
    assert shown == counted and item.count == len(counted)
    assert f"仅显示：{escape(cite(label))}" in html and "R-RC-" not in html
    stage = "applicant" if label == dashboard.TALK_DUE else "activist"
    url = reverse("recruitment:stage_list", args=[stage]) + f"?flag={dashboard.KEYS[label]}"
    more = client.get(url).content.decode()
    assert fresh.name not in more and all(name in more for name in counted)


def test_an_unknown_flag_shows_the_whole_board(client, clerk, branch_a):
    c = b.candidate(branch_a, applied_on=date.today())
    client.force_login(clerk)
    html = client.get(reverse("recruitment:board") + "?flag=nonsense").content.decode()
    assert c.name in html and "仅显示" not in html


def test_a_late_card_says_by_how_many_days(client, clerk, branch_a):
    c = b.candidate(branch_a, name="超期申请人", applied_on=date(2024, 3, 4))
    client.force_login(clerk)
    html = client.get(reverse("recruitment:board")).content.decode()
    card = html[html.index(c.name) :][:600]
    assert "已逾期" in card and "天" in card.split("已逾期", 1)[1][:8]
