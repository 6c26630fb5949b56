"""End to end in Chromium: a clerk uploads a big member file, watches the progress bar move without a reload
(static/js/job_progress.js polling the job's status) while a real queue worker imports it, and lands on the
result. Screenshots of the bar and the result go to artifacts/screenshots/."""

import threading
import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from core import jobs
from core.models import TaskRun
from members.models import Member
from tests.conftest import DESKTOP
from tests.jobs.test_queue import _empty_queue, run_workers  # noqa: F401 (the fixture empties the queue)
from tests.jobs.test_user_jobs import csv_bytes, member_rows
from tests.two_factor import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROWS = 3000


@pytest.fixture
def slow_progress(monkeypatch):
    """Hold the job for 0.7 s after each of its first three part-way progress writes, longer than the page's
    0.5 s poll, so the page sees the bar part-way however fast this machine imports (without it, a fast import
    finished between two polls and the test failed at random)."""
    update = jobs._Progress.update
    pauses = []
    # The check of 3,000 rows can take less than one throttle interval: write every 50 ms, so part-way
    # progress is written at all, however fast the import has become.
    monkeypatch.setattr(jobs._Progress, "EVERY", 0.05)

    def held(self, done, total, stage):
        written = self.written
        update(self, done, total, stage)
        if self.written != written and total is not None and 0 < done < total and len(pauses) < 3:
            pauses.append(done)
            time.sleep(0.7)

    monkeypatch.setattr(jobs._Progress, "update", held)
    return pauses


def test_a_big_import_shows_a_moving_progress_bar_and_lands_on_its_result(
    browser, live_server, branch_a, clerk, screenshot_dir, slow_progress
):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server.url, clerk.username, "Test-pass-2026")
    page.goto(f"{live_server.url}/members/import/")
    page.select_option("select[name=kind]", "members")
    page.set_input_files(
        "input[name=file]",
        {"name": "党员.csv", "mimeType": "text/csv", "buffer": csv_bytes(member_rows(ROWS))},
    )
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    run = TaskRun.objects.get(task_name="members.import_file")
    assert page.url == f"{live_server.url}/jobs/{run.pk}/"
    assert page.locator("progress.job-bar").is_visible() and "排队" in page.locator(".job-stage").inner_text()

    worker = threading.Thread(target=run_workers)
    worker.start()
    seen: list[float] = []
    shot = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:  # one snapshot of the page: the bar's value and the state badge beside it
            if page.locator(".job-summary").count():
                break
            value, badge = page.evaluate(
                "() => { const bar = document.querySelector('progress.job-bar');"
                " const badge = document.querySelector('.job-state .badge');"
                " return [bar && bar.hasAttribute('value') ? bar.value : null, badge ? badge.textContent : ''];}"
            )
        except PlaywrightError:  # the script landed on the result page while we asked: ask the new page
            continue
        if value is not None and 0 < value < 100:
            seen.append(value)
            assert badge.strip() == "执行中"
            if not shot and value >= 20:
                page.screenshot(path=screenshot_dir / "job-progress-bar.png", full_page=True)
                shot = True
        page.wait_for_timeout(100)
    worker.join()

    page.wait_for_selector(".job-summary")
    assert page.url == f"{live_server.url}/jobs/{run.pk}/"
    assert page.locator(".job-summary").inner_text() == f"导入完成：新增{ROWS}条，更新0条，无变化0条。"
    # The bar showed the job part-way (0 < value < 100) without a reload, then the page reached the result. How
    # many distinct values a poll catches depends on the machine; `slow_progress` makes sure it catches one.
    assert slow_progress, "the job never reported part-way progress"
    assert seen, "the bar never showed the job part-way"
    assert Member.objects.count() == ROWS
    page.screenshot(path=screenshot_dir / "job-result.png", full_page=True)
    assert page.locator("text=查看党员名册").is_visible()
    # 我的任务 (linked in the header) lists the job with its times and state.
    page.click("header >> text=我的任务")
    assert page.locator("table", has_text=f"导入党员（{ROWS}行）").is_visible()
    assert page.locator("td", has_text="已完成").count() == 1
    page.screenshot(path=screenshot_dir / "my-jobs.png", full_page=True)
    context.close()
