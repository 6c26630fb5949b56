#!/usr/bin/env bash
# `make run`'s last step: a queue worker (scheduled round, background jobs) beside the development server.
# The worker stops when the server stops (Ctrl+C, or the server exiting).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
export DEBUG=1
.venv/bin/python manage.py procrastinate worker >var/worker.log 2>&1 &
worker=$!
echo "==> Queue worker running (pid $worker, log var/worker.log)"
stop_worker() { kill "$worker" 2>/dev/null && wait "$worker" 2>/dev/null || true; }
trap stop_worker EXIT
trap 'exit 130' INT TERM
.venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
