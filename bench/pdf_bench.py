"""Benchmark (not a test): render time of a one-page notice and of a ~30-page archive bundle, and peak memory.

    export DEBUG=1 DATABASE_URL=postgres://…; .venv/bin/python bench/pdf_bench.py [--runs 5]

Works in a throw-away database bench_<name> (created and dropped), so no real data is touched.
Expect about 0.1–0.2 s for the notice when libharfbuzz-subset0 is installed (without it, several seconds).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def _timed(label: str, func, runs: int) -> bytes:
    func()  # warm up: fontconfig, CSS parsing
    times, result = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    print(f"{label:<34} median {statistics.median(times):6.3f} s   min {min(times):6.3f} s   ({runs} runs)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        _run(args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _run(runs: int) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    from core.access import Role
    from core.pdf import Document, render_document
    from members.documents import member_archive_pdf
    from members.transfers import transfer_accept
    from tests import factories
    from tests.factories.members import make_certificate, make_floating, make_meeting, make_transfer

    branch_a = factories.make_branch("东村党支部", village="东村", code="EAST")
    branch_b = factories.make_branch("西村党支部", village="西村", code="WEST")
    clerk = factories.make_user(Role.CLERK, username="bench_clerk")
    member = factories.make_member(branch_a, name="孙晓明")
    for n in range(8):
        factories.make_member(branch_a, name=f"同支部党员{n}")
    for year, month in [(y, m) for y in (2024, 2025) for m in range(1, 13)]:
        for day in range(1, 29, 4):
            make_meeting(
                branch_a, held_on=date(year, month, day), recorded_by=clerk, topic=f"{month}月{day}日组织生活"
            )  # noqa: E501
    make_certificate(make_floating(member), issued_on=date(2026, 3, 2), issued_by=clerk)
    first = make_transfer(member, branch_b, issued_on=date(2026, 4, 1), created_by=clerk)
    transfer_accept(transfer=first, accepted_on=date(2026, 4, 5), accepted_by=clerk)
    make_transfer(member, branch_a, issued_on=date(2026, 5, 8), created_by=clerk)

    notice = Document(
        title="受理通知书",
        template_name="documents/notice.html",
        number="便民〔2026〕001号",
        dated=date(2026, 5, 8),
        context={
            "addressee": "孙晓明",
            "paragraphs": ["您申请的事项已于2026年5月8日受理，承诺于2026年5月22日前办结。"],
        },
    )
    pdf = _timed("one-page notice", lambda: render_document(notice), runs)
    print(f"{'':<34} {len(PdfReader(BytesIO(pdf)).pages)} page(s), {len(pdf) / 1024:.0f} KiB")

    bundle = _timed("archive bundle (PDF/A-3u)", lambda: member_archive_pdf(member, clerk), runs)
    print(f"{'':<34} {len(PdfReader(BytesIO(bundle)).pages)} page(s), {len(bundle) / 1024:.0f} KiB")
    _timed("archive bundle (plain PDF)", lambda: member_archive_pdf(member, clerk, variant=None), runs)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        cProfile.runctx("member_archive_pdf(member, clerk)", globals(), locals(), "/tmp/bundle.prof")
        pstats.Stats("/tmp/bundle.prof").sort_stats("cumulative").print_stats(25)
    # tracemalloc slows Python down several times: measure memory in a separate, untimed run.
    tracemalloc.start()
    member_archive_pdf(member, clerk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak Python memory during bundles   {peak / 2**20:.1f} MiB (tracemalloc)")
    print(
        f"peak process RSS                    {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
