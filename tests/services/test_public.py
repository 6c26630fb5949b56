"""Public pages, no login: catalog (R-SV-16), completion board (R-SV-14), progress lookup."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from services import desk
from services.models import Service
from services.views import LOOKUP_LIMIT
from tests.factories.services import register


@pytest.fixture(autouse=True)
def _clear_cache(db):
    cache.clear()
    yield
    cache.clear()


def test_catalog_is_public_and_lists_materials_limit_and_fees_R_SV_16(client, service):
    Service.objects.create(name="医保代缴", is_agent_service=True, limit_working_days=3)
    html = client.get(reverse("services:public_catalog")).content.decode()
    assert "党员组织关系转接" in html and "介绍信" in html and "10个工作日" in html
    assert "代办 免费" in html and "3个工作日" in html


def test_board_shows_only_public_matters_without_name_phone_or_id_R_SV_14(client, clerk, service):
    public = register(
        clerk, service=service, applicant_name="王建国", applicant_id_number="11010519491231002X"
    )
    desk.matter_complete(
        matter=public, result="已为王建国办理", by=clerk, is_public=True, public_result="已办结"
    )
    private = register(clerk, applicant_name="李秀英", applicant_phone="13999998888")
    desk.matter_complete(matter=private, result="已办结", by=clerk)
    html = client.get(reverse("services:public_board")).content.decode()
    assert public.receipt_number in html and "王**" in html and "党员组织关系转接" in html
    for secret in ["王建国", "13812345678", "11010519491231002X", "李秀英", private.receipt_number]:
        assert secret not in html


def test_lookup_with_right_suffix_shows_state_and_deadline(client, clerk):
    matter = register(clerk)
    response = client.post(
        reverse("services:public_lookup"), {"receipt_number": matter.receipt_number, "phone_suffix": "5678"}
    )
    html = response.content.decode()
    assert "办理中" in html and "2026年11月16日 24:00" in html
    assert "王建国" not in html and "13812345678" not in html


def test_lookup_with_wrong_suffix_reveals_nothing_not_even_that_the_number_exists(client, clerk):
    matter = register(clerk)
    wrong = client.post(
        reverse("services:public_lookup"), {"receipt_number": matter.receipt_number, "phone_suffix": "0000"}
    ).content.decode()
    unknown = client.post(
        reverse("services:public_lookup"), {"receipt_number": "便民〔2026〕999号", "phone_suffix": "0000"}
    ).content.decode()
    assert "办理中" not in wrong and "王建国" not in wrong

    def normalise(html, number):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html).replace(number, "X")

    assert normalise(wrong, matter.receipt_number) == normalise(unknown, "便民〔2026〕999号")


def test_lookup_is_rate_limited_per_ip(client, clerk):
    matter = register(clerk)
    data = {"receipt_number": matter.receipt_number, "phone_suffix": "0000"}
    for _ in range(LOOKUP_LIMIT):
        assert client.post(reverse("services:public_lookup"), data).status_code == 200
    data["phone_suffix"] = "5678"
    response = client.post(reverse("services:public_lookup"), data)
    assert response.status_code == 429 and "办理中" not in response.content.decode()
    other_ip = client.post(reverse("services:public_lookup"), data, REMOTE_ADDR="10.0.0.9")
    assert "办理中" in other_ip.content.decode()
