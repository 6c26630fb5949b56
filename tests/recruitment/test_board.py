"""The pipeline board shows each stage's count and its most urgent cards; "查看全部" lists every candidate of the
stage, paginated, filterable by branch and searchable by name or ID number; a branch secretary sees only their
own branch however the URL is written (issue 9)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from core.dates import local_today
from recruitment import views
from tests.factories import recruitment as b

pytestmark = pytest.mark.django_db

BOARD = reverse("recruitment:board")


def _applicants(branch, *, overdue, recent, prefix):
    """``overdue`` applicants whose month for the talk ran out long ago (R-RC-02), ``recent`` who applied today."""
    today = local_today()
    late = [
        b.candidate(branch, name=f"{prefix}逾期{i}", applied_on=today - timedelta(days=120 + i))
        for i in range(overdue)
    ]
    fresh = [b.candidate(branch, name=f"{prefix}新{i}", applied_on=today) for i in range(recent)]
    return late, fresh


def _column(page: str, stage: str) -> str:
    return re.search(rf'id="column-{stage}">(.*?)</section>', page, re.S).group(1)


def _stage(stage, **query):
    url = reverse("recruitment:stage_list", args=[stage])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_each_column_counts_its_candidates_and_shows_the_most_urgent_first_R_RC_02(
    client, clerk, branch_a, monkeypatch
):
    monkeypatch.setattr(views, "BOARD_CARDS", 3)
    late, fresh = _applicants(branch_a, overdue=2, recent=4, prefix="东村")
    client.force_login(clerk)
    column = _column(client.get(BOARD).content.decode(), "applicant")
    assert "6人" in column and "逾期或待提醒2人" in column
    assert "查看全部（6）" in column
    shown = re.findall(r'board-card[^"]*">\s*<a href="[^"]+">([^<]+)</a>', column)
    assert len(shown) == 3
    # the two overdue first, the one who applied longest ago first (the earliest deadline)
    assert shown[:2] == [late[1].name, late[0].name]
    assert "入党谈话期限" in column and "已逾期" in column and "R-RC-02" not in column
    # the board filters by branch only; a search term belongs to the stage list
    assert "6人" in _column(client.get(BOARD + "?q=zzz").content.decode(), "applicant")


def test_see_all_lists_every_candidate_of_the_stage_page_by_page(client, clerk, branch_a, monkeypatch):
    monkeypatch.setattr(views, "STAGE_PAGE_SIZE", 2)
    late, fresh = _applicants(branch_a, overdue=2, recent=3, prefix="东村")
    b.activist(branch_a, name="东村积极分子")
    client.force_login(clerk)
    names = []
    for number in (1, 2, 3):
        page = client.get(_stage("applicant", page=number)).content.decode()
        names += re.findall(r'<td><a href="/recruitment/\d+/">([^<]+)</a></td>', page)
        assert "共 5 条" in page
    assert sorted(names) == sorted(c.name for c in late + fresh)
    assert names[:2] == [late[1].name, late[0].name]  # overdue first
    assert "东村积极分子" not in names
    # a page number past the end shows the last page, not an error
    assert client.get(_stage("applicant", page=99)).status_code == 200


def test_stage_list_searches_by_name_or_id_number_and_filters_by_branch(client, clerk, branch_a, branch_b):
    mine = b.candidate(branch_a, name="王晓明")
    b.candidate(branch_a, name="李丽华")
    theirs = b.candidate(branch_b, name="王建国")
    client.force_login(clerk)
    page = client.get(_stage("applicant", q="晓明")).content.decode()
    assert "王晓明" in page and "李丽华" not in page and "王建国" not in page
    page = client.get(_stage("applicant", q=theirs.id_number[-8:])).content.decode()
    assert "王建国" in page and "王晓明" not in page
    page = client.get(_stage("applicant", q="王", org=branch_a.pk)).content.decode()
    assert "王晓明" in page and "王建国" not in page
    assert mine.id_number not in page  # the list does not show ID numbers (R-MB-04)


def test_secretary_never_sees_another_branch_however_the_url_is_written(
    client, secretary_a, branch_a, branch_b
):
    b.candidate(branch_a, name="东村申请人")
    b.candidate(branch_b, name="西村申请人")
    client.force_login(secretary_a)
    board = client.get(BOARD).content.decode()
    assert "东村申请人" in board and "西村申请人" not in board
    assert "1人" in _column(board, "applicant")
    assert branch_b.name not in board  # not even in the branch filter
    for url in (BOARD + f"?org={branch_b.pk}", _stage("applicant", org=branch_b.pk)):
        page = client.get(url).content.decode()
        assert "西村申请人" not in page and "东村申请人" not in page
        assert "没有这个党支部，或它不在您的管辖范围内" in page
    page = client.get(_stage("applicant", q="西村")).content.decode()
    assert "西村申请人" not in page and "没有找到符合条件的入党申请人" in page


def test_bad_filter_input_gives_a_chinese_error_and_shows_nothing(client, clerk, branch_a):
    b.candidate(branch_a, name="东村申请人")
    client.force_login(clerk)
    for url in (BOARD + "?org=abc", _stage("applicant", org="1%27%3B--"), _stage("applicant", q="长" * 31)):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "东村申请人" not in page
        assert "alert-error" in page
    assert "不超过 30 字符" in client.get(_stage("applicant", q="长" * 31)).content.decode()
    assert client.get(_stage("full")).status_code == 404  # not a column of the board
    assert client.get(_stage("nonsense")).status_code == 404


def test_auditor_reads_the_board_and_the_stage_list(client, auditor, branch_a):
    b.activist(branch_a, name="东村积极分子")
    client.force_login(auditor)
    assert "东村积极分子" in client.get(BOARD).content.decode()
    assert "东村积极分子" in client.get(_stage("activist")).content.decode()
