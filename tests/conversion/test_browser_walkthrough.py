"""A clerk runs a conversion case in headless Chromium: enrolment (R-CV-01/02), tasks (R-CV-03), a center-branch
absence (R-CV-04), reaching 15 (R-CV-07), the roster's own-village share (R-CV-08), scores (R-CV-09), the
return (R-CV-10) and the transition period (R-CV-11). Screenshots go to artifacts/screenshots/conversion-*.png.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from conversion.models import ConversionCase
from core.dates import local_today
from core.rules import citation
from members.meetings import meeting_create, record_attendance
from members.models import Meeting
from tests import factories
from tests.factories.conversion import bring_to
from tests.two_factor import sign_in

SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PASSWORD = "Test-pass-2026"  # tests.factories.make_user


def _log_in(browser, live_server, user, *, width: int, height: int = 900):
    """Through the real login form (django-axes, CSRF and all)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server.url, user.username, PASSWORD)  # two-factor sign-in included
    assert "/accounts/" not in page.url
    return page


def _watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "response", lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None
    )
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def _submit(page) -> None:
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def _ledger(page) -> str:
    return page.locator("section.card", has_text="积分台账").inner_text()


def _fits_phone_width(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide at phone width"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_clerk_runs_a_case_from_enrolment_to_the_transition_period_in_the_browser_R_CV_01_to_R_CV_11(
    browser, live_server, center, branch_a, clerk
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    member = factories.make_member(branch_a, name="张转化", village="东村")
    today = local_today()
    page = _log_in(browser, live_server, clerk, width=1280)
    errors = _watch_errors(page)

    # R-CV-01/02: enrol through the form; the relation moves to the center branch and the case opens at 5
    page.goto(f"{live_server.url}{reverse('conversion:case_list')}")
    page.click("a.btn:text-is('纳入转化管理')")
    page.select_option("select[name=member]", str(member.pk))
    page.fill("textarea[name=reason]", "长期不参加组织生活，镇党委决定纳入转化管理")
    _submit(page)
    assert "已纳入转化管理" in page.inner_text("main"), page.inner_text("main")
    case = ConversionCase.objects.get(member=member)
    assert page.url.endswith(reverse("conversion:case_detail", args=[case.pk]))
    assert "当前积分：5.0" in page.inner_text("main")
    assert "中心党支部" in page.inner_text("main")

    # R-CV-03: two tasks, one completed (+0.5), one not (−0.5)
    for title, completed in (("参加村道路清扫", "1"), ("提交思想汇报", "0")):
        page.click("a.btn:text-is('布置任务')")
        page.fill("input[name=title]", title)
        page.fill("input[name=due_on]", (today + timedelta(days=14)).isoformat())
        _submit(page)
        page.locator("tr", has_text=title).locator("text=评定").click()
        page.check(f"input[name=completed][value='{completed}']")
        _submit(page)
    ledger = _ledger(page)
    assert "任务“参加村道路清扫”已完成" in ledger and "任务“提交思想汇报”未完成" in ledger
    assert "当前积分：5.0" in page.inner_text("main")

    # R-CV-04: absent from a center-branch meeting (members has no meeting page yet: the roll is written
    # through its operation, which announces the absence to the ledger)
    meeting = meeting_create(
        organization=center, kind=Meeting.Kind.PARTY_DAY, held_on=today, topic="学习党章", recorded_by=clerk
    )
    record_attendance(meeting=meeting, present_ids=[], recorded_by=clerk)
    page.reload()
    absence_row = page.locator("section.card", has_text="积分台账").locator("tr", has_text="学习党章")
    assert "−0.5" in absence_row.inner_text()
    assert "当前积分：4.5" in page.inner_text("main")

    # R-CV-07: the last task that reaches 15 is assessed in the browser; the review becomes due
    bring_to(case, Decimal("14.5"), by=clerk)
    page.reload()
    assert "安排民主评议" not in page.locator(".page-header").inner_text()
    page.click("a.btn:text-is('布置任务')")
    page.fill("input[name=title]", "协助调解邻里纠纷")
    page.fill("input[name=due_on]", (today + timedelta(days=7)).isoformat())
    _submit(page)
    page.locator("tr", has_text="协助调解邻里纠纷").locator("text=评定").click()
    page.check("input[name=completed][value='1']")
    _submit(page)
    assert "当前积分：15.0" in page.inner_text("main")
    page.screenshot(path=str(SCREENSHOTS / "conversion-case-15.png"), full_page=True)

    page.click(".page-header >> text=安排民主评议")
    _submit(page)
    assert "民主评议已安排" in page.inner_text("main")

    # R-CV-08: 4 of 7 from the member's own village is refused in Chinese; 3 of 7 is saved
    page.click("a.btn:text-is('参加人员')")
    roster = [
        ("李中心", "center_staff", "镇区"),
        ("王村干", "village_cadre", "东村"),
        ("赵人大", "peoples_deputy", "西村"),
        ("钱党代", "party_deputy", "南村"),
        ("孙村民", "villager_representative", "东村"),
        ("周党员", "party_member", "东村"),
        ("吴组织", "organization_head", "东村"),
    ]
    for i, (name, category, village) in enumerate(roster):
        page.fill(f"input[name=form-{i}-name]", name)
        page.select_option(f"select[name=form-{i}-category]", category)
        page.fill(f"input[name=form-{i}-village]", village)
    _submit(page)
    refusal = page.inner_text(".alert-error")
    assert "本村（东村）人员4人" in refusal and "超过50%" in refusal and citation("R-CV-08") in refusal
    page.fill("input[name=form-6-village]", "北村")
    _submit(page)
    assert "参加人员名单已保存" in page.inner_text("main")

    # R-CV-09: scores with a mean of 84 pass
    page.click("a.btn:text-is('录入评分')")
    for field, score in zip(
        page.locator("input[name^=score_]").all(), (90, 85, 80, 88, 82, 80, 83), strict=True
    ):
        field.fill(str(score))
    _submit(page)
    page.click("a.btn:text-is('得出结论')")
    _submit(page)

    # R-CV-10/11: back to the original branch, six months of transition
    case.refresh_from_db()
    member.refresh_from_db()
    assert case.state == ConversionCase.State.TRANSITION and member.organization == branch_a
    main = page.inner_text("main")
    assert "合格" in main and "平均分 84.00" in main
    assert "现所在组织：东村党支部" in main
    assert f"过渡期（{today.year}年" in main and "跟踪记录" in main
    assert "过渡期跟踪记录" in page.locator(".page-header").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "conversion-case.png"), full_page=True)

    page.goto(f"{live_server.url}{reverse('conversion:case_list')}")
    assert "张转化" in page.inner_text("main") and "过渡期至" in page.inner_text("main")
    page.screenshot(path=str(SCREENSHOTS / "conversion-list.png"), full_page=True)
    assert not errors, errors

    phone = _log_in(browser, live_server, clerk, width=375, height=800)
    phone.goto(f"{live_server.url}{reverse('conversion:case_list')}")
    _fits_phone_width(phone)
    phone.screenshot(path=str(SCREENSHOTS / "conversion-list-phone.png"), full_page=True)
    phone.goto(f"{live_server.url}{reverse('conversion:case_detail', args=[case.pk])}")
    _fits_phone_width(phone)
    phone.screenshot(path=str(SCREENSHOTS / "conversion-case-phone.png"), full_page=True)
