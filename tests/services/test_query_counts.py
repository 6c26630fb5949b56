"""The desk queue and the public pages make a bounded number of queries, not one more per matter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.access import Role
from services import desk
from services.models import MatterKind
from tests import factories
from tests.factories.services import at, register

QUEUE = reverse("services:queue") + "?scope=all"


@pytest.fixture
def colleague(db):
    return factories.make_user(Role.CLERK, username="window_2", first_name="赵敏")


def _add_matters(clerk, colleague, service, count):
    """A mix: with and without a catalog service, handed over, waiting for materials, completed and public."""
    for n in range(count):
        matter = register(
            clerk,
            kind=[MatterKind.PROMISED, MatterKind.PETITION, MatterKind.IMMEDIATE][n % 3],
            service=service if n % 2 else None,
            applicant_name=f"群众{n}",
            when=at(2026, 11, 2),
        )
        if n % 4 == 1:
            desk.matter_handover(matter=matter, by=clerk, to_user=colleague, reason="转二号窗口")
        if n % 4 == 2 and matter.kind != MatterKind.IMMEDIATE:
            desk.matter_request_supplement(matter=matter, items=["身份证复印件"], by=clerk)
        if n % 4 == 3:
            desk.matter_complete(matter=matter, result="已办结", by=clerk, is_public=True)


def _queries(client, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code == 200
    return len(captured)


def test_desk_queue_queries_are_bounded_and_do_not_grow_with_matters(
    client, clerk, colleague, service, django_assert_max_num_queries
):
    client.force_login(clerk)
    _add_matters(clerk, colleague, service, 3)
    few = _queries(client, "get", QUEUE)
    _add_matters(clerk, colleague, service, 20)
    with django_assert_max_num_queries(few):
        response = client.get(QUEUE)
    assert response.content.decode().count("群众") >= 15  # the open ones of the 23 are listed
    with django_assert_max_num_queries(12):
        client.get(QUEUE)


def test_public_board_and_lookup_queries_are_bounded_R_SV_14(
    client, clerk, colleague, service, django_assert_max_num_queries
):
    _add_matters(clerk, colleague, service, 4)
    board = reverse("services:public_board")
    few = _queries(client, "get", board)
    _add_matters(clerk, colleague, service, 20)
    with django_assert_max_num_queries(few):
        client.get(board)

    matter = register(clerk, applicant_phone="13900001234")
    lookup = reverse("services:public_lookup")
    # 3 for the lookup, 5 for the shared rate limit (core.rate_limits: read the slots, claim one in the cache
    # table — the database cache's add is a cull check, a read and an INSERT inside a savepoint).
    with django_assert_max_num_queries(8):
        response = client.post(lookup, {"receipt_number": matter.receipt_number, "phone_suffix": "1234"})
    assert "办理中" in response.content.decode()
    with django_assert_max_num_queries(8):
        response = client.post(lookup, {"receipt_number": matter.receipt_number, "phone_suffix": "0000"})
    assert "未查到" in response.content.decode()
