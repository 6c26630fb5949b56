"""Shared fixtures: the organisation tree and the personas every permission test uses."""

import pytest

from core.access import Role
from core.dates import invalidate_calendar_cache
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Tests load and roll back calendar years; never let one test see another's cached calendar.
    invalidate_calendar_cache()
    yield
    invalidate_calendar_cache()


@pytest.fixture
def town(db):
    return factories.town_committee()


@pytest.fixture
def center(db, town):
    return factories.center_branch()


@pytest.fixture
def branch_a(db, town):
    return factories.make_branch("东村党支部", village="东村", code="EAST")


@pytest.fixture
def branch_b(db, town):
    return factories.make_branch("西村党支部", village="西村", code="WEST")


@pytest.fixture
def admin_user(db):
    return factories.make_user(Role.ADMIN, username="admin_persona", is_superuser=True)


@pytest.fixture
def clerk(db):
    return factories.make_user(Role.CLERK, username="clerk_persona")


@pytest.fixture
def secretary_a(db, branch_a):
    return factories.make_user(Role.SECRETARY, organization=branch_a, username="secretary_a")


@pytest.fixture
def secretary_b(db, branch_b):
    return factories.make_user(Role.SECRETARY, organization=branch_b, username="secretary_b")


@pytest.fixture
def auditor(db):
    return factories.make_user(Role.AUDITOR, username="auditor_persona")
