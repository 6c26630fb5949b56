"""A bounded load run against a server on 127.0.0.1: fixed request count, time limit, zero 5xx allowed.

    python bench/load.py --base http://127.0.0.1:8765 --requests 300 --threads 4 --time-limit 60

Each thread takes the next path in turn (``--path`` may repeat; defaults: health check, login page, a
static file). Prints status counts and latency percentiles; exits 1 on any 5xx, connection error, or
when the time limit cuts the run short. ``make load`` starts gunicorn, runs this and stops it again.

``--clerks`` (with ``--username``/``--password``, default the demo clerk) logs each thread in through
/accounts/login/ (GET for the CSRF cookie, POST the form) and mixes the dashboard, member search, the desk
queue and the public progress lookup (a POST). The lookup is rate-limited per address, so 429s are expected:
they are counted apart and are not failures; only 5xx (and connection errors) fail the run.

With ``--clerks`` the same session also takes ``--requests`` requests of the *floor* (/bench/floor/<pk>/, the
benchmark's cheapest staff page: session, user, one primary-key query; mounted with BENCH=1, which
scripts/load.sh sets), half before the clerk mix and half after it, with the same threads: the clerk mix's
throughput is reported as a ratio of the floor's measured in the same run (issue 21: ≥ 0.25, zero 5xx), and
printed as a row for bench/results.md.

``--queue`` runs the queue probe beside the load (``python -m bench.jobs queue_jobs``: a worker in that process,
the 10,000-row import through the job and 40 small jobs) and prints the import's rows/s and the queue's
enqueue → start p50/p95 under the load.
"""

import argparse
import base64
import hmac
import http.cookiejar
import itertools
import statistics
import struct
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from urllib.parse import urlencode, urlsplit

DEFAULT_PATHS = ["/healthz", "/accounts/login/", "/static/css/app.css"]
# (method, path, form data) — the clerk mix; POSTs carry the CSRF token from the cookie jar.
CLERK_MIX = [
    ("GET", "/", None),
    ("GET", "/members/?q=王", None),
    ("GET", "/services/", None),
    ("GET", "/members/?q=1390", None),
    ("POST", "/services/lookup/", {"receipt_number": "不存在-0000", "phone_suffix": "1234"}),
]
LOOKUP = "/services/lookup/"
FLOOR = "/bench/floor/{pk}/"
#: issue 21: the clerk mix's throughput through gunicorn at least this share of the floor's in the same run
TARGET_FLOOR_RATIO = 0.25


class Session:
    """A browser-like client: cookies kept, CSRF token sent with every POST, redirects followed."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        url = self.base + path.replace("王", "%E7%8E%8B")
        body, headers = None, {}
        if method == "POST":
            body = urlencode({**(data or {}), "csrfmiddlewaretoken": self.csrf()}).encode()
            headers = {"Referer": url, "Content-Type": "application/x-www-form-urlencoded"}
        req = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with self.opener.open(req, timeout=10) as response:
                return response.status, response.geturl()
        except urllib.error.HTTPError as exc:
            return exc.code, url

    def login(self, username: str, password: str, otp_secret: str = "") -> bool:
        """The login form, then two-factor sign-in with a code computed from the authenticator secret (the demo
        clerk's, members.demo.DEMO_TOTP_SECRET) when the server asks for one."""
        self.request("GET", "/accounts/login/")
        status, final = self.request("POST", "/accounts/login/", {"username": username, "password": password})
        if status == 200 and "/accounts/two-factor/" in final and otp_secret:
            status, final = self.request(
                "POST", urlsplit(final).path + "?" + urlsplit(final).query, {"code": totp_code(otp_secret)}
            )
        return status == 200 and "/accounts/" not in final


def totp_code(base32_secret: str, step: int = 30) -> str:
    """RFC 6238 TOTP (SHA-1, 6 digits), as an authenticator app computes it."""
    key = base64.b32decode(base32_secret.replace(" ", ""))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // step), "sha1").digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


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


def sign_in_clerk(base: str, username: str, password: str, otp_secret: str = "") -> Session | None:
    """The clerk signed in once (password and two-factor code: one code is accepted once), or None."""
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("load runs only against 127.0.0.1")
    signed_in = Session(base)
    try:
        return signed_in if signed_in.login(username, password, otp_secret) else None
    except OSError:
        return None


def run_clerks(
    base: str,
    total: int,
    threads: int,
    time_limit: float,
    signed_in: Session | None,
    mix: list[tuple[str, str, dict | None]] = CLERK_MIX,
) -> dict:
    """Every thread works in the signed-in clerk's session, taking the next request of ``mix`` in turn."""
    counter = itertools.count()
    lock = threading.Lock()
    statuses: Counter = Counter()
    rate_limited = Counter()
    latencies: list[float] = []
    logins: Counter = Counter()
    deadline = time.monotonic() + time_limit

    def worker() -> None:
        session = Session(base)
        for cookie in signed_in.jar if signed_in else []:
            session.jar.set_cookie(cookie)
        logged_in = signed_in is not None
        with lock:
            logins["ok" if logged_in else "failed"] += 1
        if not logged_in:
            return
        while time.monotonic() < deadline:
            n = next(counter)
            if n >= total:
                return
            method, path, data = mix[n % len(mix)]
            started = time.perf_counter()
            try:
                status, _ = session.request(method, path, data)
            except OSError as exc:
                status = f"error: {type(exc).__name__}"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 429 and path == LOOKUP:
                    rate_limited[path] += 1  # the lookup's rate limit doing its job: not a failure
                else:
                    statuses[status] += 1
                latencies.append(elapsed)

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {
        "statuses": statuses,
        "latencies": latencies,
        "seconds": time.monotonic() - started,
        "rate_limited": rate_limited,
        "logins": logins,
    }


def report(result: dict, total: int) -> bool:
    statuses, latencies = result["statuses"], sorted(result["latencies"])
    done = len(latencies)
    print(
        f"requests: {done}/{total} in {result['seconds']:.1f}s ({done / max(result['seconds'], 1e-9):.0f}/s)"
    )
    if "logins" in result:
        print(f"clerk logins: {result['logins']['ok']} ok, {result['logins']['failed']} failed")
    for status, count in sorted(statuses.items(), key=lambda kv: str(kv[0])):
        print(f"  {status}: {count}")
    for path, count in result.get("rate_limited", {}).items():
        print(f"  429 rate-limited (expected, not a failure) {path}: {count}")
    if latencies:
        q = statistics.quantiles(latencies, n=100) if done > 1 else latencies * 99
        print(f"latency ms: p50 {q[49]:.1f}  p90 {q[89]:.1f}  p99 {q[98]:.1f}  max {latencies[-1]:.1f}")
    bad = sum(c for s, c in statuses.items() if not isinstance(s, int) or s >= 500)
    ok = bad == 0 and done == total and not result.get("logins", {}).get("failed")
    print("OK: no 5xx" if ok else f"FAILED: {bad} server errors, {total - done} requests not made")
    return ok


def throughput(result: dict) -> float:
    return len(result["latencies"]) / max(result["seconds"], 1e-9)


def floor_ratio(mix: dict, floors: list[dict]) -> dict:
    """The clerk mix's requests per second over the floor's, the floor over all its phases of the run."""
    floor_done = sum(len(f["latencies"]) for f in floors)
    floor_rate = floor_done / max(sum(f["seconds"] for f in floors), 1e-9)
    floor_bad = sum(c for f in floors for s, c in f["statuses"].items() if not isinstance(s, int) or s >= 500)
    floor_ok = sum(c for f in floors for s, c in f["statuses"].items() if s == 200)
    return {
        "mix_rps": throughput(mix),
        "floor_rps": floor_rate,
        "ratio": throughput(mix) / floor_rate if floor_rate else 0.0,
        "floor_5xx": floor_bad,
        "floor_not_200": floor_done - floor_ok,
    }


def report_floor_ratio(found: dict, mix: dict, threads: int) -> bool:
    """Prints the ratio and a row for bench/results.md; whether it meets issue 21's target."""
    q = statistics.quantiles(sorted(mix["latencies"]), n=100) if len(mix["latencies"]) > 1 else [0] * 99
    mix_5xx = sum(c for s, c in mix["statuses"].items() if not isinstance(s, int) or s >= 500)
    ok = found["ratio"] >= TARGET_FLOOR_RATIO and mix_5xx == 0 and found["floor_5xx"] == 0
    ok = ok and found["floor_not_200"] == 0
    print(
        f"throughput: clerk mix {found['mix_rps']:.1f}/s, floor {found['floor_rps']:.1f}/s "
        f"(same session and threads, this run): ratio {found['ratio']:.2f} (target ≥ {TARGET_FLOOR_RATIO})"
    )
    if found["floor_not_200"]:
        print(f"  the floor answered {found['floor_not_200']} requests without 200: is BENCH=1 set?")
    print("for bench/results.md:")
    print("| load run | threads | clerk mix req/s | floor req/s | ratio | mix p50 / p99 ms | 5xx | target |")
    print("|---|---:|---:|---:|---:|---|---:|---|")
    print(
        f"| `make load-clerks` (gunicorn, 2 workers) | {threads} | {found['mix_rps']:.1f} | {found['floor_rps']:.1f} "
        f"| {found['ratio']:.2f} | {q[49]:.0f} / {q[98]:.0f} | {mix_5xx + found['floor_5xx']} "
        f"| {'✅' if ok else '❌'} ≥ {TARGET_FLOOR_RATIO}, 0 5xx |"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--path", action="append", dest="paths")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--clerks", action="store_true", help="logged-in clerks + public lookups")
    parser.add_argument(
        "--floor-pk", type=int, default=1, help="the member the floor reads (any key: one query either way)"
    )
    parser.add_argument("--username", default="clerk")
    parser.add_argument("--password", default="Demo-2026")
    parser.add_argument(
        "--otp-secret", default="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", help="members.demo.DEMO_TOTP_SECRET"
    )
    parser.add_argument(
        "--queue",
        action="store_true",
        help="meanwhile, the queue probe (bench.jobs queue_jobs): import rows/s and enqueue→start under load",
    )
    args = parser.parse_args()
    probe = start_queue_probe() if args.queue else None
    ratio_ok = True
    if args.clerks:
        signed_in = sign_in_clerk(args.base, args.username, args.password, args.otp_secret)
        floor = [("GET", FLOOR.format(pk=args.floor_pk), None)]
        half = args.requests // 2
        floors = [run_clerks(args.base, half, args.threads, args.time_limit, signed_in, floor)]
        result = run_clerks(args.base, args.requests, args.threads, args.time_limit, signed_in)
        floors.append(
            run_clerks(args.base, args.requests - half, args.threads, args.time_limit, signed_in, floor)
        )
    else:
        result = run(args.base, args.paths or DEFAULT_PATHS, args.requests, args.threads, args.time_limit)
    ok = report(result, args.requests)
    if args.clerks:
        ratio_ok = report_floor_ratio(floor_ratio(result, floors), result, args.threads)
    if probe is not None:
        report_queue_probe(probe)
    return 0 if ok and ratio_ok else 1


def start_queue_probe():
    """``python -m bench.jobs queue_jobs`` beside the load, on the server's database (the environment
    scripts/load.sh set): a worker in that process takes the probe's jobs while the pages are under load."""
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(root)}
    return subprocess.Popen(
        [sys.executable, "-m", "bench.jobs", "queue_jobs", "--size", "load"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def report_queue_probe(probe) -> None:
    import json

    out, _ = probe.communicate(timeout=900)
    try:
        found = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        print(f"queue probe: no result (exit {probe.returncode})")
        return
    print(
        f"queue under load: import {found.get('rows')} rows at {found.get('rows_per_s')} rows/s through the job "
        f"(waited {found.get('import_wait_ms')} ms); enqueue→start p50 {found.get('latency_p50_ms')} ms, "
        f"p95 {found.get('latency_p95_ms')} ms over {found.get('latency_jobs')} jobs; ok {found.get('ok')}"
    )


if __name__ == "__main__":
    sys.exit(main())
