"""The small town of tests/factories/world.py, built once per module that asks for it."""

import pytest
from django.db import transaction

from tests.factories.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built inside a transaction that is rolled back after the module; each test's own transaction nests
    inside it. Marked like a test case's block so that PDFs may be rendered (core.pdf)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
