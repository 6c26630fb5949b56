import pytest
from django.db import connections


@pytest.fixture(scope="session")
def seed_data_restored_at_session_end(django_db_setup, django_db_blocker):
    """Transactional tests end with a flush of every table, which also removes the rows the data migrations
    seeded (role groups, calendar). Put them back when the session ends, so the next ``--reuse-db`` run
    starts from a migrated database. Needs a test marked ``serialized_rollback=True`` in the session."""
    yield
    with django_db_blocker.unblock():
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents:
                connections[alias].creation.deserialize_db_from_string(contents)
