"""The statistics page in headless Chromium, at desktop and phone width (issue 8)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


def _logged_in_page(browser, client, user, live_server, width, height):
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_statistics_page_shows_charts_and_figures_at_desktop_and_phone_width(
    browser, client, live_server, admin_user, quarter
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    url = f"{live_server.url}{reverse('reports:statistics')}"
    page = _logged_in_page(browser, client, admin_user, live_server, 1280, 900)
    errors = []
    # A missing stylesheet or a CSP violation shows up here (the favicon is not this page's business).
    page.on(
        "response", lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None
    )
    page.on(
        "console",
        lambda m: (
            errors.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None
        ),
    )
    page.goto(url)
    page.select_option("select[name=year]", "2026")
    page.select_option("select[name=part]", "q1")
    page.click("form.period-form button[type=submit]")
    page.wait_for_selector("#block-dues svg.chart")
    assert "2026年第一季度" in page.inner_text("h1")
    assert page.locator("svg.chart").count() >= 10
    dues = page.inner_text("#block-dues")
    assert "东村党支部" in dues and "49.00" in dues
    page.screenshot(path=str(SCREENSHOTS / "statistics.png"), full_page=True)
    assert not errors, errors

    phone = _logged_in_page(browser, client, admin_user, live_server, 375, 800)
    phone.goto(f"{url}?year=2026&part=q1")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide at phone width"
    chart_width = phone.evaluate("document.querySelector('svg.chart').getBoundingClientRect().width")
    assert chart_width >= 300
    phone.screenshot(path=str(SCREENSHOTS / "statistics-phone.png"), full_page=True)
