import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _empty_queue(transactional_db):
    """The queue's tables are not Django-managed, so the flush between transactional tests leaves them:
    start each test with an empty queue."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_periodic_defers, procrastinate_events, "
            "procrastinate_workers CASCADE"
        )
