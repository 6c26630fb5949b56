"""Every page a branch secretary, a center clerk and a citizen open, on a 375 px phone, in headless Chromium:
none scrolls sideways, no table is clipped inside its frame, every button is at least 44 px tall (a thumb's
target), and axe-core (shipped by the axe-playwright-python package, injected from disk: no CDN) finds no
serious or critical accessibility violation. One representative URL per page kind (tests/factories/world.py
has a record behind each); one browser; each page is looked at once, by the first persona that may open it.
Writes a screenshot of each page to artifacts/screenshots/phone/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.phone import PageCheck, check_page
from tests.conftest import PHONE
from tests.factories.world import URL_ARGS, build_world, url_kwargs
from tests.two_factor import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Test-pass-2026"
PUBLIC = ["services:public_catalog", "services:public_board", "services:public_lookup", "login"]
# Not pages: PDFs, downloads, sign-out and the buttons posted from another page (405 to a GET).
NOT_PAGES = (
    "appointment_close",
    "matter_action",
    "reminder_read",
    "reminders_read",
    "_print:",
    "export",
    "csv",
    "archive",
    "xlsx",
    "analysis_pdf",
    "attachment_open",  # the scanned file itself (an image or a PDF)
    "logout",
    "health",
    "task_run_now",
    "task_retry",
    "two_factor",
    "password_change_done",
    "analysis_job",  # buttons that queue a background job (POST)
    "records_job",
    "dues_template",  # the XLSX template of the bases import
    "my_job_file",  # a job's file
    "my_job_status",  # the progress bar's JSON
)
# The addresses of the large documents: a page with the button that queues the job (core.task_views.
# job_start_page), looked at like every page although their names read like downloads.
JOB_START_PAGES = (
    "members_print:member_archive",
    "recruitment_print:candidate_archive",
    "reports:analysis_pdf",
    "services:records_csv",
)


def _staff_urls(world) -> list[tuple[str, str]]:
    """(name, url) of every staff page: the first argument set of each URL name."""
    urls = []
    for name in sorted(URL_ARGS):
        if name in PUBLIC or (name not in JOB_START_PAGES and any(part in name for part in NOT_PAGES)):
            continue
        urls.append((name, reverse(name, kwargs=url_kwargs(world, name)[0])))
    return urls


def test_every_secretary_clerk_and_public_page_fits_a_phone_and_passes_axe(
    browser, live_server, screenshot_dir
):
    world = build_world()
    shots = screenshot_dir / "phone"
    shots.mkdir(exist_ok=True)
    problems: list[str] = []
    seen: set[str] = set()

    def visit(page, persona: str, name: str, url: str) -> None:
        # Asked first outside the page (same cookies): a 403/404 is another persona's page, a 405 a button's
        # target, a download no page; only a page is opened in the browser.
        probe = page.request.get(f"{live_server.url}{url}")
        if probe.status != 200 or "text/html" not in probe.headers["content-type"]:
            return
        page.goto(f"{live_server.url}{url}")
        seen.add(name)
        result: PageCheck = check_page(page, screenshot=shots / f"{name.replace(':', '-')}.png")
        problems.extend(f"{persona} {name} {url}: {p}" for p in result.problems)

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    for name in PUBLIC:
        visit(page, "公众", name, reverse(name))
    for persona, user in (("书记", world.secretary_a), ("工作人员", world.clerk), ("管理员", world.admin)):
        context.clear_cookies()
        sign_in(page, live_server.url, user.username, PASSWORD)
        for name, url in _staff_urls(world):
            if name not in seen:
                visit(page, persona, name, url)
    context.close()

    assert not problems, "\n".join(problems)
    assert seen >= {name for name, _ in _staff_urls(world)} | set(PUBLIC)
