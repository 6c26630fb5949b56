"""The demo town after the scheduled commands, generated once for the smoke tests (as `make run` does)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

DEMO_MEMBERS = 80


@pytest.fixture(scope="package")
def demo_site(django_db_setup, django_db_blocker):
    """`demo_data --members 80`, then every scheduled command once (`run_scheduled`); rolled back after the smoke tests.

    The block is marked like a Django test case's class-level transaction, so code that must run outside the
    application's transactions (PDF typesetting) treats it as the test's, not as an open transaction.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        connection.atomic_blocks[-1]._from_testcase = True
        try:
            call_command("demo_data", "--members", str(DEMO_MEMBERS), stdout=StringIO())
            call_command("run_scheduled", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
