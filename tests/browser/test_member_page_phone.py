"""The member page on a 375 px phone, as the town administrator (the longest navigation): every nav item is on
screen and readable, the print buttons and the record sections fit. Writes artifacts/screenshots/member-admin-phone.png."""

from datetime import date

import pytest

from core.access import Role
from core.dates import local_today
from members.floating import certificate_issue, floating_register
from members.models import Discipline
from members.status import discipline_record
from members.transfers import transfer_start
from tests import factories
from tests.conftest import PHONE
from tests.two_factor import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def floating_member_with_records(db):
    branch = factories.make_branch("东村党支部", village="东村", code="EAST")
    other = factories.make_branch("西村党支部", village="西村", code="WEST")
    admin = factories.make_user(Role.ADMIN, username="town_admin", is_superuser=True, first_name="管理员")
    member = factories.make_member(branch, name="张三", phone="13912345678")
    floating = floating_register(
        member=member,
        direction="out",
        flowed_out_on=date(2025, 3, 1),
        destination="江苏省苏州市工业园区",
        current_work="苏州某电子厂 技术员",
        home_address="东村12组8号",
        contact_phone="13912345678",
        recorded_by=admin,
    )
    certificate_issue(floating=floating, issued_on=date(2025, 3, 2), issued_by=admin)
    transfer_start(
        member=member, direction="internal", to_organization=other, issued_on=local_today(), created_by=admin
    )
    discipline_record(
        member=member,
        kind=Discipline.Kind.PROBATION,
        decided_on=date(2025, 6, 1),
        decided_by="镇纪委",
        reason="违反组织纪律",
        recorded_by=admin,
    )
    return member


def test_member_page_on_a_phone_shows_every_nav_item_and_the_print_buttons(
    browser, live_server, floating_member_with_records, screenshot_dir
):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server.url, "town_admin", "Test-pass-2026")  # the administrator: two-factor too
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/members/{floating_member_with_records.pk}/")
    page.screenshot(path=screenshot_dir / "member-admin-phone.png", full_page=True)

    links = page.locator("nav.nav a")
    assert links.count() > 5
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            f"nav item {links.nth(i).inner_text()} is cut off on a phone"
        )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for label in ("打印档案（一人一档）", "打印活动证", "打印介绍信"):
        assert page.locator(f".btn:has-text('{label}')").is_visible()
    context.close()
