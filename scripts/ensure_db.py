"""Make sure the PostgreSQL named by DATABASE_URL (default: local server, database ``dangyuan``) answers and
the database exists. Starts the machine's cluster with pg_ctlcluster when it is installed but stopped."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/dangyuan"
info = psycopg.conninfo.conninfo_to_dict(url)
dbname = info.pop("dbname", "dangyuan")


def connect():
    return psycopg.connect(**info, dbname="postgres", autocommit=True, connect_timeout=3)


def start_local_cluster() -> None:
    versions = sorted(os.listdir("/etc/postgresql")) if Path("/etc/postgresql").is_dir() else []
    if not versions or not shutil.which("pg_ctlcluster"):
        return
    print(f"==> Starting PostgreSQL {versions[-1]} (pg_ctlcluster)")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=False)


for attempt in range(2):
    try:
        with connect() as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
            if not exists:
                print(f"==> Creating database {dbname}")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        break
    except psycopg.OperationalError as exc:
        if attempt == 0:
            start_local_cluster()
            time.sleep(2)
            continue
        sys.exit(
            f"!! PostgreSQL is not reachable at {info.get('host')}:{info.get('port')} ({exc}).\n"
            "   Set DATABASE_URL=postgres://user:password@host:5432/dbname, or install PostgreSQL locally."
        )
