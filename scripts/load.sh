#!/usr/bin/env bash
# Starts gunicorn (production settings over plain http) on 127.0.0.1:$LOAD_PORT, runs the bounded
# load run bench/load.py against it, and stops gunicorn again. Extra arguments go to bench/load.py.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${LOAD_PORT:-8765}
static_root=$(mktemp -d)
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
export SECURE_HSTS_SECONDS=0 STATIC_ROOT=$static_root LOG_LEVEL=WARNING
export BENCH=1  # mounts the floor (/bench/floor/<pk>/), which the clerk run measures its throughput against
export SECRET_KEY=${SECRET_KEY:-$(.venv/bin/python -c "import secrets; print(secrets.token_urlsafe(60))")}
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/gunicorn -c gunicorn.conf.py --bind "127.0.0.1:$port" --workers 2 --access-logfile /dev/null \
  config.wsgi >"$static_root/gunicorn.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$static_root"' EXIT
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
.venv/bin/python bench/load.py --base "http://127.0.0.1:$port" "$@"
