"""End to end in Chromium: a branch secretary finds a member, records a meeting with its roll (R-MB-08),
and sees the 工作台 change. Writes screenshots of the dashboard and the member page to artifacts/screenshots/."""

from datetime import date
from decimal import Decimal

import pytest

from core.access import Role
from core.dates import local_today
from core.idnumbers import make_id_number
from members.models import DuesPayment, Member
from members.records import member_create
from tests import factories
from tests.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "Test-pass-2026"


@pytest.fixture
def village(db):
    branch = factories.make_branch("东村党支部", village="东村", code="EAST")
    factories.make_branch("西村党支部", village="西村", code="WEST")
    secretary = factories.make_user(
        Role.SECRETARY, organization=branch, username="dongcun", first_name="王书记"
    )
    zhang = member_create(
        recorded_by=secretary,
        name="张三",
        gender=Member.Gender.MALE,
        birth_date=date(1975, 5, 4),
        id_number=make_id_number("320102", date(1975, 5, 4), 1),
        organization=branch,
        joined_on=date(2001, 7, 1),
        full_member_on=date(2002, 7, 1),
        phone="13912345678",
        address="东村12组8号",
        village="东村",
        work_unit="东村村民委员会 委员",
        committee_role=Member.CommitteeRole.SECRETARY,
    )
    DuesPayment.objects.create(
        member=zhang, month=date(2026, 1, 1), amount=Decimal("2.00"), paid_on=date(2026, 1, 10)
    )
    lisi = factories.make_member(branch, name="李四", committee_role=Member.CommitteeRole.ORGANIZATION)
    factories.make_member(branch, name="王五")  # not on the committee: not on the committee meeting's roll
    return {"branch": branch, "secretary": secretary, "zhang": zhang, "lisi": lisi}


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("h1").inner_text() == "工作人员登录"
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _meeting_count(page) -> str:
    item = page.locator(".attention li", has_text="本月未召开支部委员会的支部")
    return item.locator(".count").inner_text()


def test_secretary_records_a_meeting_and_the_dashboard_changes_R_MB_08(
    browser, live_server, village, screenshot_dir
):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    _log_in(page, live_server, "dongcun")

    # The 工作台 shows the branch missing its monthly committee meeting.
    assert _meeting_count(page) == "1"
    page.screenshot(path=screenshot_dir / "dashboard-desktop.png", full_page=True)

    # Find a member by pinyin initials and open the page.
    page.click("nav.nav >> text=党员")
    page.fill("input[name=q]", "zs")
    page.click("form.search-form button")
    page.click("table >> text=张三")
    assert page.locator("h1").inner_text().startswith("张三")
    assert "3201**********0011" in page.content()  # masked for a branch secretary (R-MB-04)
    page.screenshot(path=screenshot_dir / "member-desktop.png", full_page=True)
    member_url = page.url

    # Record a committee meeting; 李四 is absent.
    page.click("nav.nav >> text=三会一课")
    page.click("text=登记会议")
    page.select_option("select[name=kind]", "committee_meeting")
    page.fill("input[name=held_on]", local_today().isoformat())
    page.fill("input[name=topic]", "学习党的二十届四中全会精神")
    with page.expect_navigation():
        page.click("button[type=submit] >> text=下一步")
    # The committee meeting's roll lists the committee (issue 18), not every member of the branch.
    roll = page.locator("ul.roll").inner_text()
    assert "张三" in roll and "李四" in roll and "王五" not in roll
    page.uncheck("label:has-text('李四') input")
    page.select_option(f"select[name=reason_{village['lisi'].pk}]", "公差")
    with page.expect_navigation():
        page.click("button:has-text('保存出勤名单')")
    assert "出席1人，缺席1人" in page.locator(".alert-success").inner_text()

    # The 工作台 no longer lists the branch.
    page.click("nav.nav >> text=工作台")
    assert _meeting_count(page) == "0"

    # The member page's timeline shows the meeting.
    page.goto(member_url)
    assert "出席支部委员会" in page.locator(".timeline").inner_text()

    # The same pages at a phone's width (375 px).
    phone = browser.new_context(viewport=PHONE, storage_state=context.storage_state(), locale="zh-CN")
    phone_page = phone.new_page()
    phone_page.goto(f"{live_server.url}/")
    phone_page.screenshot(path=screenshot_dir / "dashboard-phone.png", full_page=True)
    phone_page.goto(member_url)
    phone_page.screenshot(path=screenshot_dir / "member-phone.png", full_page=True)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the member page scrolls sideways on a phone"
    phone.close()
    context.close()


def test_other_branch_member_page_is_not_found_in_the_browser(browser, live_server, village):
    other = factories.make_branch("南村党支部", code="SOUTH")
    stranger = factories.make_member(other, name="赵六")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    _log_in(page, live_server, "dongcun")
    response = page.goto(f"{live_server.url}/members/{stranger.pk}/")
    assert response.status == 404
    assert "没有找到" in page.content()
    context.close()
