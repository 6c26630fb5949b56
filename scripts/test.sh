#!/usr/bin/env bash
# The whole test suite against a real PostgreSQL, plus lint and formatting, the migrations check, the rules index and mypy.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=1
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
  echo "!! Model changes without migrations: run 'python manage.py makemigrations'" >&2; exit 1; }
.venv/bin/python manage.py rules_index --check
.venv/bin/mypy    # the files it checks are listed in pyproject.toml ([tool.mypy])
.venv/bin/python -m pytest --create-db "$@"
