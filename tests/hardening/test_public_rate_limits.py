"""The public pages (catalog, board, lookup) are rate-limited per client address: past the limit they answer
429 with a Chinese message and show nothing of any matter or person."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from services import desk, views
from services.models import Service
from tests.factories.services import register

SECRETS = ["王建国", "13812345678", "11010519491231002X", "办理组织关系转接"]


@pytest.fixture(autouse=True)
def _clear_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(db, clerk):
    service = Service.objects.create(name="党员组织关系转接", materials=["介绍信"], limit_working_days=None)
    matter = register(clerk, service=service, applicant_id_number="11010519491231002X")
    desk.matter_complete(
        matter=matter, result="已为王建国办理", by=clerk, is_public=True, public_result="已办结"
    )
    return matter


def assert_refused_in_chinese_without_personal_data(response, matter):
    assert response.status_code == 429
    page = response.content.decode()
    assert "过于频繁" in page and "请" in page
    for secret in [*SECRETS, matter.receipt_number, "王**"]:
        assert secret not in page


@pytest.mark.parametrize("url_name", ["services:public_catalog", "services:public_board"])
def test_catalog_and_board_answer_429_in_chinese_past_the_limit(client, published, url_name, monkeypatch):
    monkeypatch.setattr(views, "PUBLIC_PAGE_LIMIT", 3)
    url = reverse(url_name)
    for _ in range(3):
        assert client.get(url).status_code == 200
    assert_refused_in_chinese_without_personal_data(client.get(url), published)
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200  # another address is not affected


def test_lookup_answers_429_in_chinese_past_the_limit_even_with_the_right_answer(client, published):
    data = {"receipt_number": published.receipt_number, "phone_suffix": "0000"}
    for _ in range(views.LOOKUP_LIMIT):
        assert client.post(reverse("services:public_lookup"), data).status_code == 200
    data["phone_suffix"] = "5678"
    response = client.post(reverse("services:public_lookup"), data)
    assert_refused_in_chinese_without_personal_data(response, published)
    assert "已办结" not in response.content.decode()


def test_behind_the_proxy_the_limit_counts_each_client_not_the_proxy(
    client, published, settings, monkeypatch
):
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(views, "PUBLIC_PAGE_LIMIT", 2)
    url = reverse("services:public_board")
    for _ in range(2):
        assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200
