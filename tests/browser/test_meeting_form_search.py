"""In Chromium: a clerk with many organisations narrows the meeting form's organisation list by typing
(static/js/select-filter.js, issue 18 point 7). No library, no internet: the page's own script under the CSP."""

import pytest

from core.access import Role
from tests import factories
from tests.conftest import DESKTOP
from tests.two_factor import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_types_part_of_a_name_and_the_list_keeps_the_matches(browser, live_server, town):
    for name in ("东村党支部", "西村党支部", "南村党支部", *(f"第{n:02d}企业党支部" for n in range(12))):
        factories.make_branch(name)
    factories.make_user(Role.CLERK, username="zhongxin1", first_name="李敏")
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "favicon" not in (m.location or {}).get("url", "")
            else None
        ),
    )
    sign_in(page, live_server.url, "zhongxin1", "Test-pass-2026")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/members/meetings/new/")
    search = page.locator("input.select-filter")
    assert search.get_attribute("aria-label") == "输入名称筛选党组织"
    search.fill("西村")
    visible = page.eval_on_selector_all(
        "select[name=organization] option",
        "options => options.filter(o => !o.hidden && o.value).map(o => o.text)",
    )
    assert visible == ["西村党支部"]
    assert page.locator("select[name=organization] option:checked").inner_text() == "西村党支部"
    search.fill("")
    assert (
        page.eval_on_selector_all("select[name=organization] option", "o => o.filter(x => !x.hidden).length")
        >= 15
    )
    assert not errors  # no CSP refusal, no script error
    context.close()
