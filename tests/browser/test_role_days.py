"""Each role's day in Chromium, as a new user would do it: a village secretary on a 375 px phone, the center's
clerk and the town administrator at 1366 px, a citizen on a phone. Every page on the way must not scroll
sideways and must pass axe-core (no serious or critical violation); phone pages also need 44 px buttons.
Regenerates the screenshots in artifacts/screenshots/day-*.png, which are committed and looked at."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.dates import local_today
from services import desk
from tests.browser.phone import check_page
from tests.conftest import PHONE
from tests.factories.world import build_world
from tests.two_factor import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Test-pass-2026"
WIDE = {"width": 1366, "height": 900}


class Day:
    """One person's day: pages visited in order, each screenshotted and checked."""

    def __init__(self, browser, live_server, shots, who: str, viewport: dict):
        self.base = live_server.url
        self.shots = shots
        self.who = who
        self.phone = viewport["width"] <= PHONE["width"]
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.page = self.context.new_page()
        self.step = 0
        self.problems: list[str] = []

    def open(self, name: str, **kwargs) -> None:
        response = self.page.goto(self.base + reverse(name, kwargs=kwargs or None))
        assert response is not None and response.status == 200, f"{self.who} cannot open {name}"

    def look(self, what: str) -> None:
        self.step += 1
        self.page.wait_for_load_state()
        shot = self.shots / f"day-{self.who}-{self.step:02d}-{what}.png"
        result = check_page(self.page, screenshot=shot)
        problems = result.problems if self.phone else [p for p in result.problems if "44 px" not in p]
        self.problems += [f"{self.who} {what} {self.page.url}: {p}" for p in problems]

    def submit(self) -> None:
        with self.page.expect_navigation():
            self.page.click("main form.form button[type=submit]")


@pytest.fixture
def town(db):
    world = build_world()
    # One matter completed and put on the board yesterday-or-today, so that the citizen sees a notice.
    done = desk.matter_register(
        kind="promised", applicant_name="王小明", applicant_phone="13800002222", request="开具党组织关系证明",
        service=world.matter.service, first_contact=world.clerk,
    )  # fmt: skip
    desk.matter_complete(
        matter=done, result="证明已开具", by=world.clerk, is_public=True, public_result="证明已开具"
    )
    return world


def test_each_role_gets_through_the_day_on_its_own_screen(browser, live_server, town, screenshot_dir):
    shots = screenshot_dir
    problems: list[str] = []

    # A village secretary on a phone: the 工作台, a member, a meeting with its roll, recruitment, transfers,
    # statistics.
    day = Day(browser, live_server, shots, "secretary", PHONE)
    sign_in(day.page, day.base, town.secretary_a.username, PASSWORD)
    day.open("core:dashboard")
    day.look("dashboard")
    day.open("members:list")
    day.page.fill("input[name=q]", town.member.name)
    with day.page.expect_navigation():
        day.page.click("form.search-form button")
    day.look("member-search")
    with day.page.expect_navigation():
        day.page.click(f"main a[href='{reverse('members:detail', args=[town.member.pk])}']")
    day.look("member")
    day.open("members:meeting_create")
    day.page.select_option("select[name=organization]", str(town.branch_a.pk))
    day.page.select_option("select[name=kind]", index=1)
    day.page.fill("input[name=held_on]", local_today().isoformat())
    day.page.fill("input[name=topic]", "学习党的二十届四中全会精神")
    day.look("meeting-form")
    day.submit()
    day.look("meeting-roll")
    day.open("recruitment:board")
    day.look("recruitment-board")
    day.open("recruitment:candidate", pk=town.candidate.pk)
    day.look("candidate")
    day.open("members:meetings")
    day.look("meetings")
    day.open("members:transfers")
    day.look("transfers")
    day.open("reports:statistics")
    day.look("statistics")
    problems += day.problems
    day.context.close()

    # The center's clerk at a desk: the queue, a new matter at the window, its page, a conversion case's task.
    day = Day(browser, live_server, shots, "clerk", WIDE)
    sign_in(day.page, day.base, town.clerk.username, PASSWORD)
    day.open("core:dashboard")
    day.look("dashboard")
    day.open("services:queue")
    day.look("queue")
    day.open("services:intake")
    day.page.select_option("select[name=kind]", "promised")
    day.page.select_option("select[name=service]", str(town.matter.service.pk))
    day.page.fill("input[name=applicant_name]", "李秀英")
    day.page.fill("input[name=applicant_phone]", "13912340000")
    day.page.fill("textarea[name=request]", "开具党员身份证明")
    day.look("intake")
    day.submit()
    day.look("matter")
    day.open("conversion:case_list")
    day.look("conversion-cases")
    day.open("conversion:case_detail", pk=town.case.pk)
    day.look("conversion-case")
    day.open("conversion:task_add", pk=town.case.pk)
    day.page.fill("input[name=title]", "村内环境整治义务劳动")
    day.page.fill("input[name=due_on]", "2026-12-31")
    day.submit()
    day.look("task-added")
    day.open("services:records")
    day.look("records")
    problems += day.problems
    day.context.close()

    # The town administrator: the 工作台, the organisation tree, scheduled jobs, the audit trail, the admin.
    day = Day(browser, live_server, shots, "admin", WIDE)
    sign_in(day.page, day.base, town.admin.username, PASSWORD)
    day.open("core:dashboard")
    day.look("dashboard")
    day.open("members:organizations")
    day.look("organizations")
    day.open("core:task_index")
    day.look("tasks")
    day.open("core:audit_index")
    day.look("audit")
    day.open("reports:statistics")
    day.look("statistics")
    day.open("admin:index")
    day.look("admin")
    day.open("admin:members_member_changelist")
    day.look("admin-members")
    problems += day.problems
    day.context.close()

    # A citizen on a phone: the service guide, the completion board, then the progress of their own matter.
    day = Day(browser, live_server, shots, "citizen", PHONE)
    day.open("services:public_catalog")
    day.look("guide")
    day.open("services:public_board")
    assert day.page.locator("main", has_text="证明已开具").count() == 1
    day.look("board")
    day.open("services:public_lookup")
    day.page.fill("input[name=receipt_number]", town.matter.receipt_number)
    day.page.fill("input[name=phone_suffix]", "5678")
    day.submit()
    assert day.page.locator("main", has_text="查询结果").count() == 1
    day.look("lookup")
    problems += day.problems
    day.context.close()

    assert not problems, "\n".join(problems)
