"""Shared fixtures: the organisation tree, the personas every permission test uses, and the browser."""

import importlib
import os
from pathlib import Path

import pytest

from core.access import Role
from core.dates import invalidate_calendar_cache
from tests import factories
from tests.two_factor import verify_two_factor


@pytest.fixture(autouse=True, scope="session")
def _attachments_in_a_temporary_folder(tmp_path_factory):
    """Scanned materials (core.attachments) go to the session's temporary folder, never to var/ — for the
    module-scoped worlds too (hence a session-wide override, not the per-test ``settings`` fixture)."""
    from django.conf import settings
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("attachments")
    storages = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    override = override_settings(STORAGES=storages)
    override.enable()
    yield folder
    override.disable()


@pytest.fixture(autouse=True, scope="session")
def _sql_reuse_checked():
    """Every reuse of compiled SQL (core.sqlreuse) is rebuilt and compared: the suite proves each key names
    every input of its build."""
    from django.test import override_settings

    override = override_settings(SQL_REUSE_CHECK=True)
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Tests load and roll back calendar years; never let one test see another's cached calendar.
    invalidate_calendar_cache()
    yield
    invalidate_calendar_cache()


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        or (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    """``client.force_login(user)`` signs in as a persona who has also passed two-factor sign-in (a confirmed
    authenticator verified in the session), so tests of pages need not type codes; tests of the two-factor
    sign-in itself log in through the login form (tests/core/test_two_factor.py, the browser tests)."""
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verify_two_factor(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


def _restores_serialized(item) -> bool:
    """A ``serialized_rollback`` test loads the migrated contents (seeds included) itself at set-up: seeding
    before it would insert the role groups twice (a duplicate ``auth_group`` name)."""
    marker = item.get_closest_marker("django_db") if item is not None else None
    return bool(marker and marker.kwargs.get("serialized_rollback"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional or live-server test ends with the database flushed, which also empties what the data
    migrations seeded (role groups, the baseline rule profile, the holiday calendar). Put it back once every
    fixture — pytest-django's flush included — has been torn down, so the tests that follow find it."""
    yield
    if _is_transactional(item) and not _restores_serialized(nextitem):
        from django.apps import apps
        from django.core.cache import cache
        from pytest_django.plugin import blocking_manager_key

        seed = importlib.import_module("core.migrations.0002_seed_calendar_groups").seed
        with item.config.stash[blocking_manager_key].unblock():
            seed(apps, None)
            cache.clear()  # the database cache's table is not flushed: no rate-limit count outlives its test
        invalidate_calendar_cache()


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright; one per test session (browser tests are marked
    ``browser``). The live server runs in a thread while Playwright's sync API runs an event loop here."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make setup` (it installs the chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


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
