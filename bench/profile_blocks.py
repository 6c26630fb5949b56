"""Where the statistics page and the 工作台 spend their time (issue 21): per block / per dashboard provider,
the median time, the number of queries and the slowest query, against a benchmark database.

    BENCH_DB_PREFIX=x_ python -m bench.profile_blocks --size L [--period year|quarter|month] [--explain]

``--explain`` prints EXPLAIN (ANALYZE, BUFFERS) of the slowest query of each part.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def _setup(size: str) -> None:
    prefix = os.environ.get("BENCH_DB_PREFIX", "")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{prefix}bench_{size.lower()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "profile-only-" + "abcdefghij" * 5)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import django

    django.setup()


class _Log:
    def __init__(self):
        self.queries: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql, params))


def _measure(label: str, call, repeat: int, explain: bool) -> None:
    from django.db import connection

    times, log = [], _Log()
    for i in range(repeat):
        current = _Log()
        started = time.perf_counter()
        with connection.execute_wrapper(current):
            call()
        times.append(time.perf_counter() - started)
        if i == repeat - 1:
            log = current
    slowest = max(log.queries, default=(0.0, "", None), key=lambda q: q[0])
    sql_ms = sum(q[0] for q in log.queries) * 1000
    print(
        f"{label:40} {statistics.median(times) * 1000:8.1f} ms  {len(log.queries):3} queries  "
        f"sql {sql_ms:7.1f} ms  slowest {slowest[0] * 1000:6.1f} ms"
    )
    if explain and slowest[1]:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[1], slowest[2])
            print("\n".join("    " + row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="L")
    parser.add_argument("--period", default="quarter", choices=["year", "quarter", "month"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated block keys / 'dashboard'")
    args = parser.parse_args()
    _setup(args.size)

    from django.contrib.auth.models import User

    from core.dates import local_today
    from core.registry import dashboard_providers
    from reports.blocks import Scope, compute_block, registered_blocks
    from reports.periods import Period

    today = local_today()
    period = {
        "year": Period("year", today.year),
        "quarter": Period.current_quarter(today),
        "month": Period("month", today.year, today.month),
    }[args.period]
    only = {k for k in args.only.split(",") if k}
    scope = Scope(None)
    print(f"size {args.size}, period {period.label}, town scope")
    for spec in registered_blocks():
        if not only or spec.key in only:
            _measure(
                f"block {spec.key}",
                lambda spec=spec: compute_block(spec, scope, period),
                args.repeat,
                args.explain,
            )
    if not only or "dashboard" in only:
        for username in ("clerk", "secretary"):
            user = User.objects.filter(username=username).first()
            if user is None:
                continue
            for provider in dashboard_providers:
                name = f"{provider.__module__}.{provider.__name__}"
                _measure(
                    f"{username} {name}", lambda p=provider, u=user: list(p(u)), args.repeat, args.explain
                )


if __name__ == "__main__":
    main()
