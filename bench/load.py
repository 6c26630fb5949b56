"""A bounded load run against a server on 127.0.0.1: fixed request count, time limit, zero 5xx allowed.

    python bench/load.py --base http://127.0.0.1:8765 --requests 300 --threads 4 --time-limit 60

Each thread takes the next path in turn (``--path`` may repeat; defaults: health check, login page, a
static file). Prints status counts and latency percentiles; exits 1 on any 5xx, connection error, or
when the time limit cuts the run short. ``make load`` starts gunicorn, runs this and stops it again.
"""

import argparse
import itertools
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from urllib.parse import urlsplit

DEFAULT_PATHS = ["/healthz", "/accounts/login/", "/static/css/app.css"]


def run(base: str, paths: list[str], total: int, threads: int, time_limit: float) -> dict:
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("load runs only against 127.0.0.1")
    counter = itertools.count()
    lock = threading.Lock()
    statuses: Counter = Counter()
    latencies: list[float] = []
    deadline = time.monotonic() + time_limit

    def worker() -> None:
        while time.monotonic() < deadline:
            n = next(counter)
            if n >= total:
                return
            url = base.rstrip("/") + paths[n % len(paths)]
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError as exc:
                status = f"error: {type(exc).__name__}"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                statuses[status] += 1
                latencies.append(elapsed)

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"statuses": statuses, "latencies": latencies, "seconds": time.monotonic() - started}


def report(result: dict, total: int) -> bool:
    statuses, latencies = result["statuses"], sorted(result["latencies"])
    done = len(latencies)
    print(
        f"requests: {done}/{total} in {result['seconds']:.1f}s ({done / max(result['seconds'], 1e-9):.0f}/s)"
    )
    for status, count in sorted(statuses.items(), key=lambda kv: str(kv[0])):
        print(f"  {status}: {count}")
    if latencies:
        q = statistics.quantiles(latencies, n=100) if done > 1 else latencies * 99
        print(f"latency ms: p50 {q[49]:.1f}  p90 {q[89]:.1f}  p99 {q[98]:.1f}  max {latencies[-1]:.1f}")
    bad = sum(c for s, c in statuses.items() if not isinstance(s, int) or s >= 500)
    ok = bad == 0 and done == total
    print("OK: no 5xx" if ok else f"FAILED: {bad} server errors, {total - done} requests not made")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--path", action="append", dest="paths")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=60)
    args = parser.parse_args()
    result = run(args.base, args.paths or DEFAULT_PATHS, args.requests, args.threads, args.time_limit)
    return 0 if report(result, args.requests) else 1


if __name__ == "__main__":
    sys.exit(main())
