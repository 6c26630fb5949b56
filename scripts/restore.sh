#!/usr/bin/env bash
# Restores a dump made by scripts/backup.sh into an EMPTY database (create it first: createdb NAME).
#   scripts/restore.sh FILE TARGET_DATABASE_URL
# Refuses a database that already has tables; restores in one transaction, so a failure leaves it empty.
# Afterwards compare with the source:  .venv/bin/python scripts/db_fingerprint.py SOURCE_URL TARGET_URL
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 FILE TARGET_DATABASE_URL" >&2; exit 2
fi
dump=$1 target=$2
[ -r "$dump" ] || { echo "!! cannot read $dump" >&2; exit 1; }
tables=$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$target" \
  --command="SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != "0" ]; then
  echo "!! the target database already has $tables tables; restore only into an empty database" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$target" "$dump"
echo "restored $dump"
