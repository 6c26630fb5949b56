"""One candidate walked from application to full member in headless Chromium, through the real forms
(issue 5: "a branch secretary and the center clerk can take a candidate through every stage in the browser").

The branch secretary of 东村 records the file and the branch meetings; the center clerk records the town
committee's approvals and the decisions that follow them. Every date is in the past, so the minimum waits
(R-RC-07, R-RC-12, R-RC-17) are over.
"""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from core.idnumbers import make_id_number
from members.models import Member
from recruitment.models import Candidate, Stage
from tests import factories
from tests.factories import recruitment as b
from tests.two_factor import sign_in

SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PASSWORD = "Test-pass-2026"  # tests.factories.make_user


def _log_in(page, live_server, username):
    page.context.clear_cookies()
    sign_in(page, live_server.url, username, PASSWORD)  # two-factor sign-in included for the clerk
    page.wait_for_url(f"{live_server.url}/")


def _submit(page):
    page.click("main form.form button[type=submit]")
    page.wait_for_load_state()


def _fill(page, **fields):
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)


def _record(page, record_kind, **fields):
    """Open the record form from the candidate page, fill it and save; back on the candidate page."""
    page.locator(f"a[href$='/records/{record_kind}/']").first.click()
    selects = {k: fields.pop(k) for k in ("member", "purpose", "kind") if k in fields}
    _fill(page, **fields)
    for name, label in selects.items():
        page.select_option(f"[name={name}]", label=label)
    _submit(page)
    assert page.locator(".field-error, .alert-error").count() == 0, page.inner_text("main")
    assert "已记录" in page.inner_text("main")


def _decide(page, label, decided_on):
    """From the next-step panel; the transition checks every condition on its decision date (R-RC-23)."""
    page.locator(f"#next-steps a:has-text('办理：{label}')").first.click()
    _fill(page, decided_on=decided_on)
    _submit(page)
    assert f"办理“{label}”" in page.inner_text("main"), page.inner_text("main")


def _branch_meeting(page, held_on, proposal, yes):
    page.click("a:has-text('登记支部大会表决')")
    _fill(page, held_on=held_on, host="支部书记")
    for box in page.locator("[name=present]").all():
        box.check()
    _submit(page)
    page.select_option("[name=proposal]", label=proposal)
    _fill(page, yes=str(yes), no="0", abstain="0")
    _submit(page)
    assert "通过。" in page.inner_text("main"), page.inner_text("main")


def _voting_members(branch):
    return Member.objects.filter(organization=branch, status=Member.Status.FULL).count()


def _approve(page, proposal, decided_on, filed_on=""):
    page.click(f"a:has-text('登记上级党委审批：{proposal}')")
    page.select_option("[name=organization]", label="中共某某镇委员会")
    _fill(page, decided_on=decided_on, filed_on=filed_on)
    _submit(page)
    assert "已记录上级党委审批意见" in page.inner_text("main"), page.inner_text("main")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_secretary_and_clerk_take_a_candidate_from_application_to_full_member_in_the_browser(
    browser, live_server, town, branch_a, secretary_a, clerk
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    voters = [factories.make_member(branch_a, name=f"东村党员{i}") for i in range(1, 6)]
    # Others in the pipeline, so the board has a card in every column.
    b.candidate(branch_a, name="东村申请人", applied_on=date(2026, 10, 8))
    b.activist(branch_a, name="东村积极分子", since=date(2026, 3, 10))
    b.target(branch_a, name="东村发展对象", since=date(2025, 3, 10), decided_on=date(2026, 3, 10))

    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    errors = []
    page.on("response", lambda r: errors.append(r.url) if r.status >= 500 else None)

    # --- the branch secretary: application to development target --------------------------------------
    _log_in(page, live_server, secretary_a.username)
    page.goto(f"{live_server.url}{reverse('recruitment:board')}")
    page.click("a:has-text('登记入党申请人')")
    _fill(
        page,
        name="李文杰",
        birth_date="1995-05-05",
        id_number=make_id_number("320102", date(1995, 5, 5), 77),
        applied_on="2023-01-09",
    )
    page.select_option("[name=gender]", label="男")
    page.select_option("[name=organization]", label=str(branch_a))
    _submit(page)
    assert "已登记入党申请人李文杰" in page.inner_text("main")
    candidate = Candidate.objects.get(name="李文杰")

    _record(page, "talk", talked_on="2023-01-20", talker="支部书记")  # R-RC-02
    _record(
        page, "recommendation", purpose="推荐为入党积极分子", kind="党员推荐", recommended_on="2023-02-01"
    )
    _decide(page, "确定为入党积极分子", "2023-02-10")  # R-RC-03

    _record(page, "contact", member=voters[0].name, assigned_on="2023-02-15")  # R-RC-04
    _record(page, "thought-report", submitted_on="2023-05-10", summary="学习党章体会")  # R-RC-05
    _record(page, "assessment", assessed_on="2024-02-01", conclusion="表现良好")  # R-RC-06
    _decide(page, "确定为发展对象", "2024-02-20")  # R-RC-07: a year and ten days as activist

    for member in voters[1:3]:
        _record(page, "introducer", member=member.name, assigned_on="2024-03-01")  # R-RC-09
    _record(page, "political-review", concluded_on="2024-03-10", conclusion="政治历史清白")  # R-RC-10
    _record(page, "training", course="发展对象培训班", finished_on="2024-03-15", hours="24")  # R-RC-11
    _record(page, "public-notice", starts_on="2024-03-20", ends_on="2024-03-28")  # R-RC-12
    _record(page, "pre-review", reviewed_on="2024-04-01")  # R-RC-13
    assert "入党志愿书" in page.inner_text("#timeline")
    _branch_meeting(page, "2024-04-08", "接收为预备党员", yes=_voting_members(branch_a))  # R-RC-14
    _record(page, "upper-talk", talked_on="2024-04-12", talker="镇党委组织委员")  # R-RC-15

    # --- the center clerk: the town committee's approval and the admission ---------------------------------
    _log_in(page, live_server, clerk.username)
    page.goto(f"{live_server.url}{reverse('recruitment:candidate', args=[candidate.pk])}")
    _approve(page, "接收为预备党员", "2024-04-20", filed_on="2024-05-06")  # R-RC-16
    _decide(page, "接收为预备党员", "2024-04-20")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.PROBATIONARY
    assert candidate.member.joined_on == date(2024, 4, 8)  # R-RC-17: from the branch meeting

    # --- the branch secretary: probation -----------------------------------------------------------------
    _log_in(page, live_server, secretary_a.username)
    page.goto(f"{live_server.url}{reverse('recruitment:candidate', args=[candidate.pk])}")
    _record(page, "oath", taken_on="2024-04-26", place="镇党群服务中心")  # R-RC-18
    _record(page, "thought-report", submitted_on="2024-07-10")
    _record(page, "conversion-application", submitted_on="2025-04-01")  # R-RC-19
    # The probationary member sits in the room but does not vote (R-RC-14, R-RC-20).
    _branch_meeting(page, "2025-04-10", "按期转为正式党员", yes=_voting_members(branch_a))

    # --- the center clerk: approval and conversion -----------------------------------------------------------
    _log_in(page, live_server, clerk.username)
    page.goto(f"{live_server.url}{reverse('recruitment:candidate', args=[candidate.pk])}")
    _approve(page, "按期转为正式党员", "2025-04-20")
    _decide(page, "转为正式党员", "2025-04-20")  # R-RC-20

    candidate.refresh_from_db()
    candidate.member.refresh_from_db()
    assert candidate.stage == Stage.FULL
    assert candidate.member.status == Member.Status.FULL
    assert candidate.member.full_member_on == date(2025, 4, 8)  # R-MB-03: from the end of probation
    assert "正式党员" in page.inner_text("h1")
    timeline = page.inner_text("#timeline")
    for event in ("入党积极分子", "发展对象", "预备党员", "入党宣誓", "递交转正申请", "正式党员"):
        assert event in timeline
    page.screenshot(path=str(SCREENSHOTS / "recruitment-candidate.png"), full_page=True)

    page.goto(f"{live_server.url}{reverse('recruitment:board')}")
    board = page.inner_text("main")
    assert "东村申请人" in board and "东村积极分子" in board and "东村发展对象" in board
    assert "李文杰" not in board  # a full member has left the pipeline
    page.screenshot(path=str(SCREENSHOTS / "recruitment-board.png"), full_page=True)
    # Each column counts its candidates; "查看全部" lists the whole stage (issue 9).
    assert "1人" in page.inner_text("#column-activist h2")
    page.click("#column-applicant a:has-text('查看全部（1）')")
    assert "东村申请人" in page.inner_text("#stage-list")
    page.fill("[name=q]", "积极分子")
    page.click("button:has-text('查找')")
    assert "没有找到符合条件的入党申请人" in page.inner_text("#stage-list")
    assert not errors, errors

    # At phone width nothing is wider than the screen.
    phone = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN").new_page()
    _log_in(phone, live_server, clerk.username)
    for url, name in (
        (reverse("recruitment:candidate", args=[candidate.pk]), "recruitment-candidate-phone.png"),
        (reverse("recruitment:board"), "recruitment-board-phone.png"),
        (reverse("recruitment:stage_list", args=["applicant"]), "recruitment-stage-list-phone.png"),
    ):
        phone.goto(f"{live_server.url}{url}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        phone.screenshot(path=str(SCREENSHOTS / name), full_page=True)
        assert width <= 375, f"{url} is {width}px wide at phone width"
