"""The county-scale benchmark (issue 9): ``make bench`` (sizes S and L) or ``make bench SIZE=S``.

For each size a worker process (bench/worker.py) generates or reuses its own database (bench_s, bench_l),
times every page in-process through the full middleware stack, and runs the batch jobs (bench/jobs.py).
This script then writes bench/results.json and bench/results.md and prints the table.

Options: --size S|L|SL, --requests N (per page, default 30), --fresh (regenerate the datasets),
--skip-jobs (pages only), --jobs a,b (only these jobs), --pages a,b (only these pages, plus the floor),
--reuse (keep a dataset whose fingerprint is stale and only migrate it: for profiling while code changes).
BENCH_DB_PREFIX=x_ names the databases x_bench_s, x_bench_l (one set per git worktree).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

TARGET_P95_MS = 100
TARGET_GROWTH = 1.5
JOB_TARGETS = {  # job: (seconds, peak MB or None)
    "import_members": (20, 500),
    "queue_jobs": (30, 500),  # the 10,000-row import through the queue, plus the latency probe
    "export_members": (15, None),
    "pdf_notice": (0.3, None),
    "pdf_bundle": (5, 500),
    "pdf_bundle_scans": (10, 600),  # about 30 pages, 10 of them scanned (issue 20)
    "overdue_marking": (10, None),
}


def admin_url() -> tuple[str, dict]:
    """The maintenance connection of the server named by DATABASE_URL (or the local default)."""
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/dangyuan"
    info = psycopg.conninfo.conninfo_to_dict(url)
    info.pop("dbname", None)
    return psycopg.conninfo.make_conninfo(**info, dbname="postgres"), info


def database_url(info: dict, dbname: str) -> str:
    user = info.get("user", "postgres")
    password = f":{info['password']}" if info.get("password") else ""
    return f"postgres://{user}{password}@{info.get('host', '127.0.0.1')}:{info.get('port', 5432)}/{dbname}"


def run_size(size: str, args) -> dict:
    maintenance, info = admin_url()
    dbname = f"{os.environ.get('BENCH_DB_PREFIX', '')}bench_{size.lower()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(info, dbname),
        "BENCH": "1",
        "BENCH_ADMIN_URL": maintenance,
        "BENCH_DBNAME": dbname,
        # Production-like: DEBUG off (no query log, no template debug); a throwaway key; the test client host.
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "STATIC_MANIFEST": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
    }
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [
            sys.executable,
            "-m",
            "bench.worker",
            "--size",
            size,
            "--requests",
            str(args.requests),
            "--out",
            out.name,
        ]
        # The jobs' targets are for size L: run them once, at the largest size of this run.
        skip_jobs = args.skip_jobs or size != args.size[-1]
        command += ["--fresh"] * args.fresh + ["--skip-jobs"] * skip_jobs + ["--jobs", args.jobs]
        command += ["--reuse"] * args.reuse + ["--pages", args.pages]
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        return json.loads(Path(out.name).read_text())


def ratio(page: dict, floor: dict) -> float | None:
    if "p50_ms" not in page or "p50_ms" not in floor:
        return None
    return round(page["p50_ms"] / floor["p50_ms"], 1)


def verdict(page_l: dict, page_s: dict | None) -> str:
    if "p95_ms" not in page_l:
        return ""
    problems = []
    if page_l["p95_ms"] > TARGET_P95_MS:
        problems.append(f"p95 > {TARGET_P95_MS} ms")
    if page_s and "p95_ms" in page_s:
        if page_l["p95_ms"] > TARGET_GROWTH * page_s["p95_ms"]:
            problems.append(f"L > {TARGET_GROWTH}× S")
        if page_l["queries"] != page_s["queries"]:
            problems.append("queries grow")
    return "❌ " + "; ".join(problems) if problems else "✅"


def markdown(results: dict) -> str:
    sizes = [s for s in ("S", "L") if s in results["sizes"]]
    lines = [f"# Benchmark results ({results['when']})", ""]
    lines += [
        f"Machine: {results['machine']}. Server time per request, in-process through the full middleware",
        "stack (Django test client, DEBUG off); ×floor = p50 divided by the floor's p50 in the same run.",
        "",
    ]
    lines += ["## Datasets", "", "| | " + " | ".join(sizes) + " |", "|---|" + "---|" * len(sizes)]
    keys = []
    for s in sizes:
        keys += [k for k in results["sizes"][s]["counts"] if k not in keys]
    for key in keys:
        lines.append(
            f"| {key} | "
            + " | ".join(
                f"{results['sizes'][s]['counts'].get(key, '—'):,}"
                if isinstance(results["sizes"][s]["counts"].get(key), int)
                else "—"
                for s in sizes
            )
            + " |"
        )
    lines.append(
        "| generation (s) | "
        + " | ".join(
            str(results["sizes"][s]["generation"].get("total_s", "—"))
            + " (demo_data "
            + str(results["sizes"][s]["generation"].get("demo_data_s", "—"))
            + ")"
            for s in sizes
        )
        + " |"
    )
    lines += ["", "## Pages", ""]
    head = "| page |"
    rule = "|---|"
    for s in sizes:
        head += f" {s} p50 | {s} p95 | {s} max | {s} queries | {s} ×floor |"
        rule += "---:|" * 5
    if sizes == ["S", "L"]:
        head += " L/S p95 | targets at L |"
        rule += "---:|---|"
    lines += [head, rule]
    first = results["sizes"][sizes[0]]["pages"]
    for key, page in first.items():
        row = f"| {page['label']} |"
        for s in sizes:
            p = results["sizes"][s]["pages"].get(key, {})
            floor = results["sizes"][s]["pages"].get("floor", {})
            if "p50_ms" in p:
                row += f" {p['p50_ms']:.1f} | {p['p95_ms']:.1f} | {p['max_ms']:.1f} | {p['queries']} | {ratio(p, floor)} |"
            else:
                row += f" {p.get('skipped') or p.get('error', '—')} | | | | |"
        if sizes == ["S", "L"]:
            pl, ps = results["sizes"]["L"]["pages"].get(key, {}), first.get(key)
            growth = round(pl["p95_ms"] / ps["p95_ms"], 2) if "p95_ms" in pl and "p95_ms" in ps else "—"
            row += f" {growth} | {verdict(pl, ps)} |"
        lines.append(row)
    lines += [
        "",
        "## Jobs",
        "",
        "| job | size | rows | seconds | peak RSS (MB) | target | |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for s in sizes:
        for name, job in results["sizes"][s].get("jobs", {}).items():
            seconds_target, mb_target = JOB_TARGETS.get(name, (None, None))
            target = (
                f"≤ {seconds_target} s" + (f", ≤ {mb_target} MB" if mb_target else "")
                if seconds_target
                else ""
            )
            if "seconds" not in job:
                lines.append(f"| {name} | {s} | | | | {target} | {job.get('skipped') or job.get('error')} |")
                continue
            ok = (
                (seconds_target is None or job["seconds"] <= seconds_target)
                and (mb_target is None or job.get("peak_mb", 0) <= mb_target)
                and job.get("ok", True)
            )
            detail = ", ".join(
                f"{k} {v}"
                for k, v in job.items()
                if k
                in (
                    "validate_s",
                    "commit_s",
                    "pages",
                    "matters",
                    "marked",
                    "rows_per_s",
                    "import_wait_ms",
                    "latency_p50_ms",
                    "latency_p95_ms",
                )
            )
            lines.append(
                f"| {name} | {s} | {job.get('rows', '')} | {job['seconds']} | {job.get('peak_mb', '')} | "
                f"{target} | {'✅' if ok else '❌'} {detail} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="SL", choices=["S", "L", "SL"])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--skip-jobs", action="store_true")
    parser.add_argument("--jobs", default="", help="comma-separated job names (default: all)")
    parser.add_argument("--pages", default="", help="comma-separated page keys (default: all)")
    parser.add_argument(
        "--reuse", action="store_true", help="migrate a stale dataset instead of regenerating"
    )
    args = parser.parse_args()
    results = {
        "when": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start",
        "sizes": {size: run_size(size, args) for size in args.size},
    }
    (HERE / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    table = markdown(results)
    (HERE / "results.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
