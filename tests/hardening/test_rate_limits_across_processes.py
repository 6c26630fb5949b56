"""The public lookup's limit of 10 attempts holds across worker processes: the counts live in the shared
database cache, not in each process's memory (issue 15: three workers allowed 30 tries)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.db import connection

from services import views

ROOT = Path(__file__).resolve().parents[2]

# One "worker": its own interpreter, its own Django, its own database connection, posting the lookup form.
WORKER = """
import json, sys
import django
django.setup()
from django.test import Client
client = Client(REMOTE_ADDR=sys.argv[2])
statuses = [
    client.post("/services/lookup/", {"receipt_number": "X-1", "phone_suffix": "0000"}).status_code
    for _ in range(int(sys.argv[1]))
]
print(json.dumps(statuses))
"""


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker(attempts: int, address: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("CACHE_BACKEND", None)
    env.pop("REDIS_URL", None)
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(attempts), address],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.mark.django_db
def test_two_processes_together_get_ten_lookups_not_twenty():
    """The workers commit their counts themselves; a fresh address per run keeps runs apart (counts expire)."""
    address = f"2001:db8::{uuid.uuid4().hex[:8]}"
    workers = [_start_worker(8, address), _start_worker(8, address)]  # at once: 16 attempts, one address
    statuses = []
    for worker in workers:
        out, _ = worker.communicate(timeout=180)
        assert worker.returncode == 0
        statuses += json.loads(out.strip().splitlines()[-1])
    assert statuses.count(200) == views.LOOKUP_LIMIT
    assert statuses.count(429) == 16 - views.LOOKUP_LIMIT


def test_a_per_process_cache_with_several_workers_is_warned_about(settings, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "core.W001" in {message.id for message in run_checks()}


def test_the_default_database_cache_raises_no_warning(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert "core.W001" not in {message.id for message in run_checks()}
