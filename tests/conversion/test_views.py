"""Staff pages: permissions with the personas, POST-redirect-GET, domain errors beside the fields."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from conversion.models import ConversionCase, ConversionTask, DemocraticReview, LedgerEntry
from core.registry import dashboard_for, timeline_for
from core.rules import citation, cite
from tests import factories
from tests.factories.conversion import bring_to, enrolled_case, record_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(center, branch_a, clerk):
    return enrolled_case(center, branch=branch_a, by=clerk)


def _login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["admin_user", "clerk", "auditor"])
def test_staff_personas_see_the_case_list_and_page(client, request, case, persona):
    _login(client, request.getfixturevalue(persona))
    listing = client.get(reverse("conversion:case_list"))
    assert listing.status_code == 200 and case.member.name in listing.content.decode()
    page = client.get(reverse("conversion:case_detail", args=[case.pk]))
    assert page.status_code == 200 and "积分台账" in page.content.decode()


@pytest.mark.parametrize("persona", ["secretary_a", "secretary_b"])
def test_branch_secretaries_see_nothing_of_conversion(client, request, case, persona):
    user = request.getfixturevalue(persona)
    _login(client, user)
    assert client.get(reverse("conversion:case_list")).status_code == 403
    assert client.get(reverse("conversion:case_detail", args=[case.pk])).status_code == 403
    assert [item for item in dashboard_for(user) if item.section == "转化管理"] == []
    assert [event for event in timeline_for(case.member, user) if event.source == "转化管理"] == []


def test_anonymous_user_is_sent_to_login(client, case):
    response = client.get(reverse("conversion:case_detail", args=[case.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_case_is_404(client, clerk):
    _login(client, clerk)
    assert client.get(reverse("conversion:case_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("persona", ["auditor", "secretary_a"])
def test_read_only_and_outside_personas_cannot_record_points_R_CV_05(client, request, case, clerk, persona):
    task = record_tasks(case, completed=True, count=0, by=clerk).tasks.create(
        title="任务", assigned_on=date(2026, 3, 2), due_on=date(2026, 3, 9)
    )
    _login(client, request.getfixturevalue(persona))
    url = reverse("conversion:task_close", args=[case.pk, task.pk])
    assert client.post(url, {"completed": "1", "closed_on": "2026-03-05"}).status_code == 403
    enrol = client.post(reverse("conversion:case_enrol"), {})
    assert enrol.status_code == 403
    assert not LedgerEntry.objects.filter(case=case).exists()
    task.refresh_from_db()
    assert task.status == ConversionTask.Status.OPEN


def test_clerk_enrols_a_member_through_the_form_R_CV_01(client, center, branch_a, clerk):
    member = factories.make_member(branch_a)
    _login(client, clerk)
    response = client.post(
        reverse("conversion:case_enrol"),
        {"member": member.pk, "opened_on": "2026-03-02", "reason": "镇党委决定"},
    )
    case = ConversionCase.objects.get(member=member)
    assert response.status_code == 302 and response["Location"] == reverse(
        "conversion:case_detail", args=[case.pk]
    )
    member.refresh_from_db()
    assert member.organization == center and case.original_organization == branch_a


def test_a_refusal_about_no_field_is_shown_at_the_top_of_the_form_R_CV_07(client, case, clerk):
    _login(client, clerk)
    response = client.post(
        reverse("conversion:review_schedule", args=[case.pk]), {"scheduled_on": "2026-06-01"}
    )
    assert response.status_code == 200
    assert citation("R-CV-07") in str(response.context["form"].non_field_errors())
    assert not DemocraticReview.objects.exists()


def test_a_refusal_naming_a_field_is_shown_beside_it_and_nothing_is_written_R_CV_03(client, case, clerk):
    _login(client, clerk)
    url = reverse("conversion:task_add", args=[case.pk])
    data = {"title": "打扫活动室", "assigned_on": "2026-06-10", "due_on": "2026-06-09"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["due_on"] == [cite("完成期限不能早于布置日期（R-CV-03）。")]
    assert not ConversionTask.objects.filter(case=case).exists()

    done = client.post(url, data | {"due_on": "2026-06-20"}, follow=True)
    assert "任务“打扫活动室”已布置，完成期限2026年6月20日。" in [str(m) for m in done.context["messages"]]


def test_clerk_runs_a_case_in_the_browser_from_tasks_to_the_end_of_transition_R_CV_03_R_CV_11(
    client, case, clerk
):
    _login(client, clerk)
    detail = reverse("conversion:case_detail", args=[case.pk])
    r = client.post(
        reverse("conversion:task_add", args=[case.pk]),
        {"title": "义务劳动", "assigned_on": "2026-03-02", "due_on": "2026-03-20"},
    )
    assert r.status_code == 302 and r["Location"] == detail
    task = case.tasks.get()
    r = client.post(
        reverse("conversion:task_close", args=[case.pk, task.pk]),
        {"completed": "1", "closed_on": "2026-03-10"},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.balance == Decimal("5.5")
    entry = case.entries.get()
    r = client.post(reverse("conversion:entry_reverse", args=[case.pk, entry.pk]), {"reason": "误评"})
    assert r.status_code == 302
    case = bring_to(case, Decimal("15"), by=clerk)

    assert (
        client.post(
            reverse("conversion:review_schedule", args=[case.pk]), {"scheduled_on": "2026-06-01"}
        ).status_code
        == 302
    )
    review = case.reviews.get()
    roster = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "0",
        "form-0-name": "甲",
        "form-0-category": "center_staff",
        "form-0-village": "镇区",
        "form-1-name": "乙",
        "form-1-category": "village_cadre",
        "form-1-village": "东村",
        "form-2-name": "丙",
        "form-2-category": "party_member",
        "form-2-village": "东村",
    }
    r = client.post(reverse("conversion:review_roster", args=[case.pk, review.pk]), roster)
    assert r.status_code == 200 and citation("R-CV-08") in r.content.decode()  # 2 of 3 from 东村
    assert "R-CV-08" not in r.content.decode()
    roster["form-2-village"] = "西村"
    assert (
        client.post(reverse("conversion:review_roster", args=[case.pk, review.pk]), roster).status_code == 302
    )
    scores = {f"score_{p.pk}": "85" for p in review.participants.all()}
    assert (
        client.post(reverse("conversion:review_scores", args=[case.pk, review.pk]), scores).status_code == 302
    )
    r = client.post(
        reverse("conversion:review_conclude", args=[case.pk, review.pk]), {"concluded_on": "2026-06-02"}
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert (
        case.state == ConversionCase.State.TRANSITION
        and case.member.organization == case.original_organization
    )

    r = client.post(
        reverse("conversion:observation_add", args=[case.pk]),
        {"observed_on": "2026-07-01", "note": "表现良好"},
    )
    assert r.status_code == 302
    r = client.post(reverse("conversion:case_close", args=[case.pk]), {"closed_on": "2026-12-01"})
    assert r.status_code == 200 and citation("R-CV-11") in str(r.context["form"].errors["closed_on"])
    assert (
        client.post(reverse("conversion:case_close", args=[case.pk]), {"closed_on": "2026-12-02"}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.state == ConversionCase.State.CLOSED
    assert client.get(detail).status_code == 200


def test_dashboard_counts_below_three_cases_awaiting_a_decision_R_CV_06(case, clerk):
    bring_to(case, Decimal("2.5"), by=clerk)
    items = {item.label: item.count for item in dashboard_for(clerk)}
    assert items["低于3分待镇党委处理"] == 1


def test_member_timeline_shows_the_case(case, clerk):
    titles = [event.title for event in timeline_for(case.member, clerk)]
    assert "纳入转化管理" in titles


def test_case_page_leads_with_the_next_step_and_points_to_the_center_roll_R_CV_04(
    client, case, clerk, center
):
    """Issue 18: the next step as a primary button; an absence is recorded through the center branch's roll."""
    html = _login(client, clerk).get(reverse("conversion:case_detail", args=[case.pk])).content.decode()
    header = html[html.index('<div class="page-header">') : html.index("</div>", html.index("page-header"))]
    assert reverse("conversion:task_add", args=[case.pk]) in header and "btn btn-primary" in header
    hint = html[html.index('id="absence-hint"') :]
    assert f"{reverse('members:meetings')}?organization={center.pk}" in hint[:600]


def test_a_due_review_leads_and_the_tasks_wait_behind_a_disclosure_R_CV_07(client, case, clerk):
    bring_to(case, Decimal("15"), by=clerk)
    html = _login(client, clerk).get(reverse("conversion:case_detail", args=[case.pk])).content.decode()
    header = html[html.index('<div class="page-header">') : html.index("</div>", html.index("page-header"))]
    assert reverse("conversion:review_schedule", args=[case.pk]) in header
    details = html[html.index("<details") : html.index("</details>")]
    assert reverse("conversion:task_add", args=[case.pk]) in details
    for name, question in [("discipline_referral_add", "确定移交吗？"), ("case_close", "确定结案吗？")]:
        form = client.get(reverse(f"conversion:{name}", args=[case.pk])).content.decode()
        assert question in form and "data-confirm" in form and "js/confirm.js" in form
