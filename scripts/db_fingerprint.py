"""Row count and content checksum of every table, to prove a restore brought everything back.

    python scripts/db_fingerprint.py URL            prints {table: {"rows": n, "checksum": md5}} as JSON
    python scripts/db_fingerprint.py URL_A URL_B    compares two databases; exit status 1 if they differ

The checksum covers every column of every row (ordered independently of physical order), so ledger
entries, balances and document counters are compared along with everything else.
"""

import json
import sys

import psycopg
from psycopg import sql


def fingerprint(url: str) -> dict[str, dict]:
    with psycopg.connect(url) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute("SET DateStyle = 'ISO'")
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        result = {}
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) "
                "FROM {} AS t"
            ).format(sql.Identifier(table))
            rows, checksum = conn.execute(query).fetchone()
            result[table] = {"rows": rows, "checksum": checksum}
        return result


def differences(a: dict[str, dict], b: dict[str, dict]) -> list[str]:
    problems = []
    for table in sorted(a.keys() | b.keys()):
        if table not in b:
            problems.append(f"{table}: missing in the second database")
        elif table not in a:
            problems.append(f"{table}: missing in the first database")
        elif a[table] != b[table]:
            problems.append(f"{table}: {a[table]['rows']} rows vs {b[table]['rows']} rows, content differs")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) == 1:
        print(json.dumps(fingerprint(argv[0]), indent=1, sort_keys=True))
        return 0
    if len(argv) == 2:
        first, second = fingerprint(argv[0]), fingerprint(argv[1])
        problems = differences(first, second)
        for line in problems:
            print(line)
        if not problems:
            print(f"identical: {len(first)} tables, {sum(t['rows'] for t in first.values())} rows")
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
