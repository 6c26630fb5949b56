#!/usr/bin/env bash
# A consistent backup of the database named by DATABASE_URL, in pg_dump's custom format.
#   scripts/backup.sh [FILE]        default FILE: var/backups/dangyuan-YYYYmmdd-HHMMSS.dump
# pg_dump reads everything in one snapshot, so the dump is consistent while clerks keep working.
# BACKUP_KEEP_DAYS=N (optional) deletes dumps older than N days from the default directory afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/dangyuan}
dir=var/backups
out=${1:-$dir/dangyuan-$(date +%Y%m%d-%H%M%S).dump}
mkdir -p "$(dirname "$out")"
umask 077  # the dump holds ID numbers: readable by its owner only
pg_dump --format=custom --compress=6 --no-owner --no-privileges --dbname="$url" --file="$out.partial"
mv "$out.partial" "$out"
if [ -n "${BACKUP_KEEP_DAYS:-}" ] && [ -z "${1:-}" ]; then
  find "$dir" -name 'dangyuan-*.dump' -mtime +"$BACKUP_KEEP_DAYS" -delete
fi
echo "$out"
