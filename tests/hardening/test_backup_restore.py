"""Backup and restore: a dump of a populated database restores into an empty one with every row intact."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection, transaction
from psycopg import sql

from core.audit import log_id_number_view
from core.numbering import next_number
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def database_url(name: str) -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "postgres") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield database_url(name)
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def run(*args: str, env_url: str | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "DATABASE_URL": env_url or ""}
    return subprocess.run(list(args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def populate() -> None:
    branch = factories.make_branch()
    clerk = factories.make_user()
    members = [factories.make_member(branch) for _ in range(5)]
    for member in members[:2]:
        member.address = "已更新住址"
        member.save()
    log_id_number_view(user=clerk, person=members[0], request=None)
    with transaction.atomic():
        next_number("letter", 2026)
        next_number("letter", 2026)


@pytest.mark.django_db(transaction=True)
def test_backup_of_a_populated_database_restores_every_row_into_an_empty_one(tmp_path, empty_database):
    populate()
    source = database_url(connection.settings_dict["NAME"])
    dump = tmp_path / "backup.dump"

    backup = run("bash", "scripts/backup.sh", str(dump), env_url=source)
    assert backup.returncode == 0, backup.stderr
    restore = run("bash", "scripts/restore.sh", str(dump), empty_database)
    assert restore.returncode == 0, restore.stderr

    compare = run(sys.executable, "scripts/db_fingerprint.py", source, empty_database)
    assert compare.returncode == 0, compare.stdout
    assert compare.stdout.startswith("identical")

    sys.path.insert(0, str(ROOT / "scripts"))
    from db_fingerprint import fingerprint

    restored = fingerprint(empty_database)
    assert restored["members_member"]["rows"] >= 5
    assert restored["members_historicalmember"]["rows"] >= 7
    assert restored["core_idnumberview"]["rows"] == 1


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path, empty_database):
    source = database_url(connection.settings_dict["NAME"])
    dump = tmp_path / "backup.dump"
    assert run("bash", "scripts/backup.sh", str(dump), env_url=source).returncode == 0
    assert run("bash", "scripts/restore.sh", str(dump), empty_database).returncode == 0

    again = run("bash", "scripts/restore.sh", str(dump), empty_database)
    assert again.returncode != 0
    assert "empty database" in again.stderr


def test_fingerprint_comparison_reports_a_table_whose_content_differs():
    sys.path.insert(0, str(ROOT / "scripts"))
    from db_fingerprint import differences

    a = {"ledger": {"rows": 2, "checksum": "x"}, "members": {"rows": 1, "checksum": "y"}}
    b = {"ledger": {"rows": 2, "checksum": "z"}}
    assert differences(a, b) == [
        "ledger: 2 rows vs 2 rows, content differs",
        "members: missing in the second database",
    ]
