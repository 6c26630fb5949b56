"""Pages: scoping by branch, read-only auditors, refusals shown in Chinese, dashboard and timeline."""

import re
from datetime import date

import pytest
from django.urls import reverse

from core.registry import dashboard_for
from core.rules import citation
from recruitment.models import Stage
from tests.factories import recruitment as b

pytestmark = pytest.mark.django_db


def test_secretary_sees_only_own_branch_candidates(client, secretary_a, branch_a, branch_b):
    mine = b.candidate(branch_a, name="东村申请人")
    theirs = b.candidate(branch_b, name="西村申请人")
    client.force_login(secretary_a)
    board = client.get(reverse("recruitment:board")).content.decode()
    assert "东村申请人" in board and "西村申请人" not in board
    assert client.get(reverse("recruitment:candidate", args=[mine.pk])).status_code == 200
    assert client.get(reverse("recruitment:candidate", args=[theirs.pk])).status_code == 404
    url = reverse("recruitment:record_add", args=[theirs.pk, "talk"])
    assert client.post(url, {"talked_on": "2024-03-10", "talker": "x"}).status_code == 404


def test_auditor_reads_but_cannot_record(client, auditor, branch_a):
    c = b.candidate(branch_a)
    client.force_login(auditor)
    assert client.get(reverse("recruitment:candidate", args=[c.pk])).status_code == 200
    url = reverse("recruitment:record_add", args=[c.pk, "talk"])
    assert client.post(url, {"talked_on": "2024-03-10", "talker": "x"}).status_code == 403


def test_refused_transition_shows_every_problem_with_its_regulation_R_RC_23(client, clerk, branch_a):
    c = b.candidate(branch_a)
    client.force_login(clerk)
    url = reverse("recruitment:transition", args=[c.pk, "make_activist"])
    page = client.post(url, {"decided_on": "2024-05-01", "decided_by": "党支部委员会"}).content.decode()
    assert "缺少入党申请人谈话记录" in page and citation("R-RC-02") in page and citation("R-RC-03") in page
    assert not re.search(r"R-[A-Z]{2}-\d{2}", page)
    c.refresh_from_db()
    assert c.stage == Stage.APPLICANT


def test_secretary_records_talk_and_advances_with_post_redirect_get_R_RC_02_R_RC_03(
    client, secretary_a, branch_a
):
    c = b.candidate(branch_a)
    client.force_login(secretary_a)
    for kind, data in (
        ("talk", {"talked_on": "2024-03-10", "talker": "书记", "summary": "谈话"}),
        ("recommendation", {"purpose": "activist", "kind": "members", "recommended_on": "2024-03-20"}),
    ):
        response = client.post(reverse("recruitment:record_add", args=[c.pk, kind]), data)
        assert response.status_code == 302
    page = client.get(reverse("recruitment:candidate", args=[c.pk])).content.decode()
    assert "条件已具备" in page
    response = client.post(
        reverse("recruitment:transition", args=[c.pk, "make_activist"]),
        {"decided_on": "2024-04-01", "decided_by": "党支部委员会"},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.stage == Stage.ACTIVIST


def test_candidate_form_refuses_an_applicant_under_18_next_to_the_field_R_RC_01(client, clerk, branch_a):
    from core.idnumbers import make_id_number

    client.force_login(clerk)
    data = {
        "name": "少年",
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": "2008-06-01",
        "id_number": make_id_number("320102", date(2008, 6, 1), 7),
        "organization": branch_a.pk,
        "applied_on": "2026-05-31",
    }
    page = client.post(reverse("recruitment:candidate_create"), data).content.decode()
    assert "须年满18周岁" in page and citation("R-RC-01") in page and "R-RC-01" not in page
    data["applied_on"] = "2026-06-01"
    assert client.post(reverse("recruitment:candidate_create"), data).status_code == 302


def test_dashboard_counts_overdue_talks_in_the_users_scope_R_RC_02(clerk, secretary_b, branch_a, branch_b):
    b.candidate(branch_a, applied_on=date(2024, 3, 4))
    labels = {item.label: item.count for item in dashboard_for(clerk)}
    assert labels.get("入党谈话到期或超期（R-RC-02）") == 1
    assert "入党谈话到期或超期（R-RC-02）" not in {item.label for item in dashboard_for(secretary_b)}


def test_candidate_page_puts_the_ways_out_behind_a_disclosure_and_confirms_them(client, clerk, branch_a):
    """Issue 18: the next steps lead; 转接 and the exits (退出发展程序 …) are behind 其他办理 and ask first."""
    c = b.candidate(branch_a)
    client.force_login(clerk)
    html = client.get(reverse("recruitment:candidate", args=[c.pk])).content.decode()
    details = html[html.index('id="more-actions"') : html.index("</details>")]
    assert reverse("recruitment:transfer", args=[c.pk]) in details
    assert reverse("recruitment:transition", args=[c.pk, "withdraw"]) in details
    next_steps = html[html.index('id="next-steps"') : html.index('id="more-actions"')]
    assert "btn-danger" not in next_steps
    form = client.get(reverse("recruitment:transition", args=[c.pk, "withdraw"])).content.decode()
    assert 'data-confirm="“退出发展程序”后发展程序即告结束，确定办理吗？"' in form
