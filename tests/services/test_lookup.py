"""The public progress lookup reads a receipt number however a citizen types it, answers with the matter's
progress and next step, and still tells nobody whether a number exists (issue 18, point 1)."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from services import desk
from services.lookup import lookup_url, parse_receipt_number
from services.models import Matter
from tests.clock import frozen_at
from tests.factories.services import at, register

pytestmark = pytest.mark.django_db

TODAY = at(2026, 11, 20)


@pytest.fixture(autouse=True)
def _clear_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    "typed",
    [
        "便民〔2026〕031号",
        "便民[2026]031号",
        "便民（2026）031号",
        "便民(2026)31",
        "【2026】031",
        "［２０２６］０３１号",
        "2026〔031〕",
        " 2026031 ",
        "２０２６０３１",
        "2026-31",
        "031",
        "31号",
    ],
)
def test_a_receipt_number_is_read_in_any_bracket_width_and_with_or_without_prefix(typed):
    assert parse_receipt_number(typed, this_year=2026) == (2026, 31)


@pytest.mark.parametrize("typed", ["", "便民", "号", "0", "〔2026〕000号", "1999031", "99999999999999"])
def test_what_cannot_name_a_matter_is_read_as_nothing(typed):
    assert parse_receipt_number(typed, this_year=2026) is None


def _lookup(client, number, suffix="5678"):
    with frozen_at(TODAY):
        response = client.post(
            reverse("services:public_lookup"), {"receipt_number": number, "phone_suffix": suffix}
        )
    assert response.status_code == 200
    return response.content.decode()


def test_the_lookup_finds_the_matter_from_digits_only_and_any_brackets(client, clerk, service):
    service.window = "2号窗口"
    service.save()
    matter = register(clerk, service=service)
    assert matter.receipt_number == "便民〔2026〕001号"
    for typed in ["便民[2026]001号", "便民（2026）001号", "2026001", "001", "１", matter.receipt_number]:
        html = _lookup(client, typed)
        assert 'id="lookup-result"' in html, typed
    assert "党员组织关系转接" in html  # the service
    assert "办理中" in html and "2026年11月2日" in html  # state, acceptance date
    assert "2026年11月16日 24:00" in html  # deadline
    assert "2号窗口" in html
    assert "王建国" not in html and "13812345678" not in html


def test_a_completed_matter_says_where_and_how_to_collect_the_result(client, clerk, service):
    matter = register(clerk, service=service)
    desk.matter_complete(matter=matter, result="已办结", by=clerk, at=at(2026, 11, 10))
    html = _lookup(client, "2026001")
    assert "已办结" in html and "领取办理结果" in html and "身份证" in html
    assert "办结期限" not in html


def test_a_referred_matter_names_the_unit_it_went_to(client, clerk):
    register(clerk, accept=False)
    desk.matter_refer(matter=Matter.objects.get(), unit="镇社保所", by=clerk)
    assert "镇社保所" in _lookup(client, "2026001")


def test_a_wrong_suffix_and_an_unknown_number_in_any_form_give_the_same_answer(client, clerk):
    register(clerk)

    def page(html):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    wrong_suffix = page(_lookup(client, "2026001", suffix="0000"))
    unknown_number = page(_lookup(client, "2026002", suffix="5678"))
    assert "lookup-result" not in wrong_suffix and "未查到" in wrong_suffix
    typed_back = {"2026001": "N", "2026002": "N", 'value="0000"': "S", 'value="5678"': "S"}
    for typed, mark in typed_back.items():
        wrong_suffix, unknown_number = wrong_suffix.replace(typed, mark), unknown_number.replace(typed, mark)
    assert wrong_suffix == unknown_number


def test_the_qr_address_opens_the_lookup_with_the_number_filled_in(client, clerk):
    matter = register(clerk)
    url = lookup_url(matter)
    assert url.startswith("http") and url.endswith("/services/lookup/?n=2026001")
    html = client.get("/" + url.split("://", 1)[1].split("/", 1)[1]).content.decode()
    assert 'value="2026001"' in html
    assert 'id="lookup-result"' in _lookup(client, "2026001")
