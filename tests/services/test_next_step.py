"""The matter page leads with the next step its state allows (issue 18 point 4): primary buttons from the
lifecycle table, the rest behind a disclosure, 办结/退回/移交 confirmed, each message saying what happened."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.access import Role
from services import desk, lifecycle
from services.models import MatterKind, MatterState
from tests import factories
from tests.factories.services import register


def _sections(html: str) -> tuple[str, str]:
    """The open part of the next-step section and the part behind the disclosure."""
    section = html[html.index('<section class="next-step"') :]
    section = section[: section.index("</section>")]
    if "<details" not in section:
        return section, ""
    return section[: section.index("<details")], section[section.index("<details") :]


def _forms(part: str) -> list[str]:
    return re.findall(r"/matters/\d+/([a-z_]+)/", part)


def test_next_steps_come_from_the_table_R_SV_02(clerk):
    registered = register(clerk, accept=False)
    assert lifecycle.next_steps(registered) == (["accept"], ["request_supplement", "return", "refer"])
    consultation = register(clerk, kind=MatterKind.CONSULTATION)
    assert lifecycle.next_steps(consultation) == (["answer"], ["refer"])
    accepted = register(clerk)
    assert accepted.state == MatterState.ACCEPTED
    assert lifecycle.next_steps(accepted) == (["complete"], ["request_supplement"])


def test_registered_matter_page_leads_with_accept_and_hides_the_rest(client, clerk):
    matter = register(clerk, accept=False)
    client.force_login(clerk)
    html = client.get(reverse("services:matter", args=[matter.pk])).content.decode()
    shown, hidden = _sections(html)
    assert _forms(shown) == ["accept"] and "btn-primary" in shown
    assert _forms(hidden) == ["request_supplement", "return", "refer", "handover", "delay_reason", "fee"]
    assert 'data-confirm="退回后办件即告终结，确定退回吗？"' in hidden
    assert 'data-confirm="移交后由接收人办理，确定移交吗？"' in hidden
    assert "js/confirm.js" in html


def test_accepted_matter_leads_with_complete_which_asks_first(client, clerk):
    matter = register(clerk)
    client.force_login(clerk)
    shown, hidden = _sections(client.get(reverse("services:matter", args=[matter.pk])).content.decode())
    assert _forms(shown) == ["complete"] and 'data-confirm="办结后' in shown
    assert "accept" not in _forms(hidden) and "return" not in _forms(hidden)


def test_auditor_sees_no_buttons(client, clerk, auditor):
    matter = register(clerk)
    client.force_login(auditor)
    html = client.get(reverse("services:matter", args=[matter.pk])).content.decode()
    assert "next-step" not in html and "matter_action" not in html


def _message(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_handover_says_to_whom_and_which_window_R_SV_01(client, clerk):
    colleague = factories.make_user(Role.CLERK, first_name="王丽")
    colleague.staff_profile.window = "2号窗口"
    colleague.staff_profile.save()
    matter = register(clerk)
    client.force_login(clerk)
    response = client.post(
        reverse("services:matter_action", args=[matter.pk, "handover"]),
        {"to_user": colleague.pk, "reason": "业务分工"},
    )
    assert _message(response) == ["已移交给王丽（2号窗口）。"]


@pytest.mark.parametrize(
    ("action", "data", "expected"),
    [
        ("complete", {"text": "已转入"}, "已办结，办理结果已记录。"),
        ("return", {"text": "不属于本中心受理范围"}, "退回通知书可打印。"),
    ],
)
def test_each_action_says_what_happened(client, clerk, action, data, expected):
    matter = register(clerk, accept=action == "complete")
    client.force_login(clerk)
    response = client.post(reverse("services:matter_action", args=[matter.pk, action]), data)
    (said,) = _message(response)
    assert said.startswith(matter.receipt_number) or matter.receipt_number in said
    assert expected in said and said != "已保存。"


def test_request_supplement_is_not_offered_twice_R_SV_08(client, clerk, service):
    matter = register(clerk, service=service)
    desk.matter_request_supplement(matter=matter, items=["介绍信"], by=clerk)
    desk.matter_materials_complete(matter=matter, by=clerk)
    client.force_login(clerk)
    shown, hidden = _sections(client.get(reverse("services:matter", args=[matter.pk])).content.decode())
    assert "request_supplement" not in _forms(shown + hidden)


def test_the_overdue_counter_opens_the_queue_of_overdue_matters_with_working_days_R_SV_10(client, clerk):
    """Issue 18 point 9: the counter's link lists what it counts, and says by how many working days."""
    from core.registry import dashboard_for
    from tests.clock import frozen_at
    from tests.factories.services import at

    late = register(clerk, when=at(2026, 11, 2), applicant_name="超期甲")  # last day Monday 16 November
    fresh = register(clerk, when=at(2026, 11, 18), applicant_name="新办乙")
    with frozen_at(at(2026, 11, 19, 10)):
        item = next(i for i in dashboard_for(clerk) if i.label == "超期办件")
        assert item.count == 1 and "due=overdue" in item.url
        assert late.overdue_working_days() == 3  # 17, 18, 19 November
        client.force_login(clerk)
        html = client.get(item.url).content.decode()
        assert late.applicant_name in html and fresh.applicant_name not in html
        assert "超期3个工作日" in html
        page = client.get(reverse("services:matter", args=[late.pk])).content.decode()
        assert "已超期3个工作日" in page
