"""One size of the benchmark, in its own process and database: ``python -m bench.worker --size S --out f.json``.

bench/run.py starts one worker per size with DATABASE_URL pointing at that size's database.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import statistics
import subprocess
import sys
import time

from bench import dataset


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=sorted(dataset.SIZES), required=True)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--skip-jobs", action="store_true")
    parser.add_argument("--jobs", default="", help="comma-separated job names (default: all)")
    parser.add_argument("--pages", default="", help="comma-separated page keys (default: all)")
    parser.add_argument(
        "--reuse", action="store_true", help="migrate a stale dataset instead of regenerating"
    )
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    size = dataset.SIZES[args.size]

    admin_url, dbname = os.environ["BENCH_ADMIN_URL"], os.environ["BENCH_DBNAME"]
    print_ = lambda *a: print(f"[{size.name}]", *a, file=sys.stderr, flush=True)  # noqa: E731
    state = dataset.database_state(admin_url, dbname)
    source = dbname.removeprefix(os.environ.get("BENCH_DB_PREFIX", ""))
    if state is None and source != dbname and dataset.clone_database(admin_url, source, dbname):
        print_(f"cloned {source} into {dbname}")
        state = dataset.database_state(admin_url, dbname)
    fingerprint = dataset.fingerprint()
    stale = bool(state) and state.get("fingerprint") != fingerprint
    regenerate = args.fresh or not state or (stale and not args.reuse)
    if regenerate:
        print_(f"generating dataset {size} in {dbname} …")
        dataset.recreate_database(admin_url, dbname)

    import django

    django.setup()
    if regenerate:
        started = time.monotonic()
        timings = dataset.generate(size, io.StringIO())
        timings["total_s"] = round(time.monotonic() - started, 1)
        state = {"fingerprint": fingerprint, "generation": timings, "counts": dataset.counts()}
        dataset.record_generation(admin_url, dbname, state)
        print_("generated:", state)
    else:
        print_(f"reusing {dbname} (generated in {state['generation']['total_s']} s)")
        if stale:
            from django.core.management import call_command

            print_("stale fingerprint (--reuse): migrating only")
            call_command("migrate", verbosity=0)
            from django.db import connection

            with connection.cursor() as cursor:  # new tables and indexes: statistics, as autovacuum would
                cursor.execute("ANALYZE")

    result = {"size": size.name, "generation": state["generation"], "counts": state["counts"]}
    only_pages = {key for key in args.pages.split(",") if key}
    result["pages"] = measure_pages(args.requests, print_, only_pages)
    result["jobs"] = (
        {} if args.skip_jobs else run_jobs(size.name, print_, [j for j in args.jobs.split(",") if j])
    )
    with open(args.out, "w") as out:
        json.dump(result, out, ensure_ascii=False, indent=2)


PAGE_BUDGET_MS = 20_000  # per page and size; slower pages get at least five samples …
SLOW_PAGE_MS = 5_000  # … and a page whose first request takes longer than this is timed once


def measure_pages(requests: int, print_, only: set[str] = frozenset()) -> dict:
    """Round-robin over the pages (so machine noise hits every page alike): p50, p95, max and queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import pages as page_defs
    from core.heap import settle

    ctx = page_defs.context()
    settle()  # as a gunicorn worker does before its first request (gunicorn.conf.py)
    counter = itertools.count()
    clients, urls, results = {}, {}, {}
    for page in page_defs.PAGES:
        if only and page.key not in only | {"floor"}:
            continue
        resolved = page_defs.resolve(page, ctx)
        if resolved is None:
            results[page.key] = {"label": page.label, "skipped": "页面尚未合并或缺少数据"}
            continue
        url, data = resolved
        client = Client()
        user = page_defs.user_for(page)
        if user.is_authenticated:
            page_defs.sign_in(client, user)
        started = time.perf_counter()
        response = page_defs.fetch(client, url, data, next(counter))
        first_ms = (time.perf_counter() - started) * 1000
        if first_ms < SLOW_PAGE_MS:
            for _ in range(2):  # warm up: templates compiled, caches filled
                response = page_defs.fetch(client, url, data, next(counter))
        if response.status_code != 200:
            results[page.key] = {"label": page.label, "url": url, "error": f"HTTP {response.status_code}"}
            continue
        with CaptureQueriesContext(connection) as queries:
            page_defs.fetch(client, url, data, next(counter))
        results[page.key] = {
            "label": page.label,
            "url": url,
            "staff": page.user is not None,  # issue 21's ×floor targets are for staff pages
            "queries": len(queries),
            "times_ms": [first_ms],
        }
        if first_ms < SLOW_PAGE_MS:
            clients[page.key], urls[page.key] = client, (url, data)
            results[page.key]["times_ms"] = []
    print_(f"timing {len(clients)} pages × {requests} requests …")
    spent = dict.fromkeys(clients, 0.0)
    for round_ in range(requests):
        for key, client in clients.items():
            if round_ >= 5 and spent[key] > PAGE_BUDGET_MS:
                continue  # a pathologically slow page: enough samples to show it
            started = time.perf_counter()
            page_defs.fetch(client, *urls[key], next(counter))
            results[key]["times_ms"].append((time.perf_counter() - started) * 1000)
            spent[key] += results[key]["times_ms"][-1]
    for key in [key for key, result in results.items() if "times_ms" in result]:
        times = sorted(results[key].pop("times_ms"))
        results[key].update(
            p50_ms=round(statistics.median(times), 2),
            p95_ms=round(times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], 2),
            max_ms=round(times[-1], 2),
            n=len(times),
        )
    return results


def run_jobs(size: str, print_, only: list[str]) -> dict:
    """Each job in a fresh process, so its peak memory (ru_maxrss) is its own."""
    from bench import jobs

    results = {}
    for name in only or jobs.JOBS:
        print_(f"job {name} …")
        proc = subprocess.run(
            [sys.executable, "-m", "bench.jobs", name, "--size", size],
            capture_output=True,
            text=True,
            env=os.environ,
        )
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if proc.returncode != 0 or not lines:
            results[name] = {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1][:300]}
        else:
            results[name] = json.loads(lines[-1])
    return results


if __name__ == "__main__":
    main()
