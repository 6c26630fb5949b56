"""Batch jobs of the benchmark, one per process: ``python -m bench.jobs <name> --size S`` prints one JSON line.

Peak memory is the process's ru_maxrss (Django and the data included), so it is an upper bound of the job's
own memory. Jobs that write roll their writes back, so the dataset stays as generated — and then vacuum the
tables they wrote (``vacuum_written``): a rolled-back insert still leaves its dead rows and, in every GIN index
(the members' trigram indexes), an entry in the index's pending list that each search reads through until a
vacuum merges it. 10,000 rolled-back members made every search by ID number or phone scan 10,000 pending
entries of two indexes, ≈ 20–40 ms a query, at L only (the jobs run at the largest size): issue 21's
"党员查询：身份证号 grows L/S 2.5×".
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
IMPORT_ROWS = 10_000


class Rollback(Exception):
    pass


def _peak_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent that
    forked the job, so it would report the benchmark worker's peak instead."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _clerk():
    from django.contrib.auth.models import User

    return User.objects.get(username="clerk")


#: tables with at least this many dead rows after a writing job are vacuumed
DEAD_ROWS_TO_VACUUM = 100


def vacuum_written() -> list[str]:
    """VACUUM (ANALYZE) every table a job left dead rows in (rolled-back or deleted writes): the dead rows and
    the GIN pending lists go, so the pages of the next run are timed on the dataset as generated. Autovacuum
    would get there too, but not before the next run's pages (and never for fewer than its threshold)."""
    from django.db import connection

    with connection.cursor() as cursor:
        # this session's counts of dead rows, visible from the next query
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'public' AND n_dead_tup >= %s",
            [DEAD_ROWS_TO_VACUUM],
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    return tables


def make_import_file(size: str) -> dict:
    """10,000 new members (ID numbers of a region the demo never uses) in the export's own format."""
    from datetime import date

    from core.idnumbers import make_id_number
    from core.models import Organization
    from members.importing import _dump
    from members.models import Member
    from members.resources import MemberResource

    branches = list(Organization.objects.branches().filter(is_center=False))
    members = []
    for n in range(IMPORT_ROWS):
        born = date(1950 + n % 50, 1 + n % 12, 1 + n % 28)
        members.append(
            Member(
                name=f"导入党员{n}",
                gender=Member.Gender.MALE if n % 2 else Member.Gender.FEMALE,
                birth_date=born,
                id_number=make_id_number("110101", born, (n // 1000) * 2 + n % 2),
                education=Member.Education.SENIOR,
                phone=f"137{n:08d}",
                address="某某村1组1号",
                village="某某村",
                organization=branches[n % len(branches)],
                status=Member.Status.FULL,
                joined_on=date(2000, 7, 1),
                full_member_on=date(2001, 7, 1),
            )
        )
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"import_{IMPORT_ROWS}.xlsx"
    path.write_bytes(_dump(MemberResource().export(members), "xlsx"))
    return {"file": str(path), "bytes": path.stat().st_size}


def import_members(size: str) -> dict:
    """Validation (a dry run, as the page's 检查 step) then the real import, rolled back afterwards."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from members.importing import import_members as run_import

    path = CACHE / f"import_{IMPORT_ROWS}.xlsx"
    if not path.exists():
        subprocess.run([sys.executable, "-m", "bench.jobs", "make_import_file", "--size", size], check=True)
    data, user = path.read_bytes(), _clerk()
    upload = lambda: SimpleUploadedFile(path.name, data)  # noqa: E731
    started = time.monotonic()
    checked = run_import(file=upload(), file_format="xlsx", user=user, dry_run=True)
    validate_s = time.monotonic() - started
    started = time.monotonic()
    try:
        with transaction.atomic():
            imported = run_import(file=upload(), file_format="xlsx", user=user)
            raise Rollback
    except Rollback:
        pass
    commit_s = time.monotonic() - started
    return {
        "rows": IMPORT_ROWS,
        "validate_s": round(validate_s, 2),
        "commit_s": round(commit_s, 2),
        "seconds": round(validate_s + commit_s, 2),
        "peak_mb": _peak_mb(),
        "ok": checked.ok and imported.ok and imported.created == IMPORT_ROWS,
        "errors": (checked.errors or imported.errors)[:3],
    }


def export_members(size: str) -> dict:
    from members.importing import export_members as run_export
    from members.models import Member

    queryset = Member.objects.all()
    started = time.monotonic()
    content = run_export(queryset=queryset, file_format="xlsx", user=_clerk())
    return {
        "rows": queryset.count(),
        "seconds": round(time.monotonic() - started, 2),
        "peak_mb": _peak_mb(),
        "bytes": len(content),
    }


def _busiest_member():
    from bench.pages import _scalar
    from members.models import Member

    pk = _scalar(
        "SELECT member_id FROM members_attendance GROUP BY member_id ORDER BY count(*) DESC, member_id LIMIT 1"
    )
    return Member.objects.get(pk=pk)


def _pages(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


def pdf_notice(size: str) -> dict:
    """A one-page notice through core.pdf (median of five, after a warm-up render)."""
    import statistics
    from datetime import date

    try:
        from core.pdf import Document, render_document
    except ImportError:
        return {"skipped": "core.pdf 尚未合并"}
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
    render_document(notice)
    times = []
    for _ in range(5):
        started = time.monotonic()
        pdf = render_document(notice)
        times.append(time.monotonic() - started)
    return {"seconds": round(statistics.median(times), 3), "pages": _pages(pdf), "peak_mb": _peak_mb()}


def pdf_bundle(size: str) -> dict:
    """The archive bundle (PDF/A-3u) of the member with the most meetings on record."""
    try:
        from members.documents import member_archive_pdf
    except ImportError:
        return {"skipped": "core.archive 尚未合并"}
    member, user = _busiest_member(), _clerk()
    started = time.monotonic()
    pdf = member_archive_pdf(member, user)
    return {"seconds": round(time.monotonic() - started, 2), "pages": _pages(pdf), "peak_mb": _peak_mb()}


def _scanned_pdf(pages: int) -> bytes:
    """A scanner's PDF: ``pages`` A4 pages at 150 dpi, grey paper with dark handwriting-like strokes."""
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(20)
    images = []
    for _ in range(pages):
        image = Image.new("L", (1240, 1754), 235)
        draw = ImageDraw.Draw(image)
        for line in range(40):
            y = 120 + line * 38
            x = 100
            while x < 1120:
                w = rng.randint(12, 40)
                draw.line([(x, y + rng.randint(-6, 6)), (x + w, y + rng.randint(-6, 6))], fill=30, width=3)
                x += w + rng.randint(4, 14)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=150.0)
    return out.getvalue()


def _photo(width: int, height: int, seed: int = 0) -> bytes:
    """A phone photo of a handwritten page (JPEG, quality 90 as phones save them): paper with sensor noise and
    dark strokes, so that it compresses like a real photo (about 1 MB for 3024×4032), not like a flat image."""
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    paper = Image.effect_noise((width, height), 12).point(lambda v: min(255, v + 100))
    draw = ImageDraw.Draw(paper)
    for line in range(30):
        y = height // 12 + line * (height * 5 // 6) // 30
        x = width // 12
        while x < width * 11 // 12:
            w = rng.randint(width // 100, width // 30)
            draw.line([(x, y + rng.randint(-9, 9)), (x + w, y + rng.randint(-9, 9))], fill=40, width=7)
            x += w + rng.randint(width // 300, width // 80)
    out = io.BytesIO()
    paper.convert("RGB").save(out, format="JPEG", quality=90)
    return out.getvalue()


@contextmanager
def _rolled_back():
    """A transaction that is rolled back at the end, as a test case's: the job's writes (materials filed) never
    stay in the dataset. Marked like the atomic block Django's TestCase wraps around a test, which is the one
    block core.pdf.ensure_outside_transaction lets a PDF be rendered in (the test suite renders bundles the
    same way); WeasyPrint still runs with queries refused (core.pdf.html_to_pdf)."""
    from django.db import transaction

    atomic = transaction.atomic()
    atomic._from_testcase = True  # type: ignore[attr-defined]
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@contextmanager
def _temporary_attachment_storage():
    """STORAGES["attachments"] in a temporary folder, removed afterwards with the files the job stored."""
    import tempfile

    from django.conf import settings
    from django.test import override_settings

    with tempfile.TemporaryDirectory() as folder:
        storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": folder}}
        with override_settings(STORAGES={**settings.STORAGES, "attachments": storage}):
            yield


def _bundle_member():
    """A member who joined through the system (their recruitment file is part of their bundle, as in real
    life), the one with the most meetings on record: the largest bundle of the dataset without scans."""
    from django.db.models import Count

    from members.models import Member

    return (
        Member.objects.filter(candidate__isnull=False)
        .annotate(meetings=Count("attendance"))
        .order_by("-meetings", "pk")
        .first()
    )


def file_scans(member, user) -> list:
    """10 scanned pages filed with ``member``'s record the way the electronic file does it
    (core.attachments.attach_files: checked by content, images re-encoded, stored, one row each): on the member,
    the 5-page scan of a transfer letter received; on their recruitment file (the candidate), phone photos of
    the handwritten application (3 photos uploaded together: one 3-page PDF) and two thought reports (one
    photo each: JPEG materials)."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from core.attachments import attach_files
    from recruitment.models import Candidate

    candidate = Candidate.objects.get(member=member)
    photo = lambda n: SimpleUploadedFile(f"IMG_{n:04d}.jpg", _photo(3024, 4032, n))  # noqa: E731
    day = timezone.localdate() - timedelta(days=30)
    return [
        attach_files(
            owner=member,
            kind="transfer-letter",
            files=[SimpleUploadedFile("介绍信扫描.pdf", _scanned_pdf(5))],
            uploaded_by=user,
            received_on=day,
        ),
        attach_files(
            owner=candidate,
            kind="application",
            files=[photo(1), photo(2), photo(3)],
            uploaded_by=user,
            received_on=candidate.applied_on or day,
        ),
        *[
            attach_files(
                owner=candidate, kind="thought-report", files=[photo(n)], uploaded_by=user, received_on=day
            )
            for n in (4, 5)
        ],
    ]


def meeting_history(member, *, years: int = 2) -> int:
    """``years`` of the organisational life of ``member``'s branch with ``member`` on every roll (支部党员大会,
    党小组会 and 主题党日 monthly, 党课 quarterly: 80 meetings in 2 years), as a member of some years has it:
    the bundle's attendance excerpt runs over several pages. Bulk-written (the kept meeting tallies follow by
    their triggers); for the rolled-back bundle job only."""
    from datetime import date

    from django.utils import timezone

    from members.models import Attendance, Meeting

    today = timezone.localdate()
    kinds = [
        (Meeting.Kind.MEMBER_MEETING, 5, 1),
        (Meeting.Kind.GROUP_MEETING, 12, 1),
        (Meeting.Kind.PARTY_DAY, 1, 1),
        (Meeting.Kind.PARTY_LECTURE, 20, 3),
    ]
    meetings = []
    for back in range(1, years * 12 + 1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        for kind, day, every in kinds:
            if (month + 1) % every == 0:
                meetings.append(
                    Meeting(
                        organization_id=member.organization_id,
                        kind=kind,
                        held_on=date(year, month + 1, day),
                        topic=f"{month + 1}月{kind.label}",
                    )
                )
    meetings = Meeting.objects.bulk_create(meetings)
    Attendance.objects.bulk_create(
        Attendance(meeting=m, member=member, present=n % 9 != 0, absence_reason="" if n % 9 else "事假")
        for n, m in enumerate(meetings)
    )
    return len(meetings)


def pdf_bundle_scans(size: str) -> dict:
    """The archive bundle of a member who joined through the system (recruitment file, records, two years of
    meetings: ``meeting_history``) with 10 scanned pages filed with it (``file_scans``): about 30 pages, end to end: ``members.documents.member_archive_pdf``, the
    function the archive job calls (PDF/A-3u, table of contents, outline). The materials and their files are
    rolled back and removed afterwards."""
    from members.documents import member_archive_pdf

    member, user = _bundle_member(), _clerk()
    if member is None:
        return {"skipped": "没有经系统发展入党的党员"}
    with _temporary_attachment_storage(), _rolled_back():
        meeting_history(member)
        materials = file_scans(member, user)
        started = time.monotonic()
        pdf = member_archive_pdf(member, user)
        seconds = time.monotonic() - started
    return {
        "seconds": round(seconds, 2),
        "pages": _pages(pdf),
        "scanned_pages": sum(m.page_count for m in materials),
        "bytes": len(pdf),
        "peak_mb": _peak_mb(),
    }


def overdue_marking(size: str) -> dict:
    """``manage.py mark_overdue`` over every service matter, rolled back afterwards."""
    import io

    from django.core.management import call_command
    from django.db import transaction

    try:
        from services.models import Matter
    except ImportError:
        return {"skipped": "services 尚未合并"}
    matters = Matter.objects.count()
    out = io.StringIO()
    started = time.monotonic()
    try:
        with transaction.atomic():
            call_command("mark_overdue", stdout=out)
            seconds = time.monotonic() - started
            marked = Matter.objects.filter(overdue_at__isnull=False).count()
            raise Rollback
    except Rollback:
        pass
    return {"rows": matters, "seconds": round(seconds, 2), "marked": marked, "peak_mb": _peak_mb()}


def deadline_recompute(size: str) -> dict:
    """Load this year's calendar again (as after editing it): every open deadline touching it is recomputed
    by the services receiver of calendar_changed. Rolled back afterwards."""
    from django.db import transaction
    from django.utils import timezone

    from core.calendar_loading import load_calendar_year_from_package, package_knows_year

    try:
        from services.models import OPEN_STATES, Matter
    except ImportError:
        return {"skipped": "services 尚未合并"}
    year = timezone.localdate().year
    if not package_knows_year(year):
        return {"skipped": f"chinese-calendar 不含{year}年"}
    started = time.monotonic()
    try:
        with transaction.atomic():
            load_calendar_year_from_package(year)
            seconds = time.monotonic() - started
            raise Rollback
    except Rollback:
        pass
    return {
        "rows": Matter.objects.filter(state__in=OPEN_STATES).count(),
        "seconds": round(seconds, 2),
        "peak_mb": _peak_mb(),
    }


def _delete_imported() -> int:
    """Remove what the import job wrote (its members — ID numbers of region 110101 — their first status
    events and history rows), so the dataset stays as generated; how many members there were."""
    from django.db import transaction

    from members.models import Member, MemberStatusEvent

    with transaction.atomic():
        imported = Member.objects.filter(id_number__startswith="110101")
        count = imported.count()
        MemberStatusEvent.objects.filter(member__in=imported).delete()
        Member.history.filter(id_number__startswith="110101").delete()
        imported.delete()
    return count


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


LATENCY_JOBS = 40


def queue_jobs(size: str) -> dict:
    """Through the real queue (Procrastinate, a worker of two slots in this process, as `manage.py procrastinate
    worker` runs it): the queue latency — enqueue (core.jobs.start) to start — over LATENCY_JOBS small jobs
    queued 50 ms apart, then the 10,000-row member import as the page queues it (members.tasks.start_import):
    its rows per second through the job and its own enqueue-to-start. The imported members are deleted
    afterwards, so the dataset stays as generated."""
    import asyncio
    import threading

    from django.db import connections
    from procrastinate.contrib.django import app

    from core import jobs
    from core.models import TaskRun
    from members.tasks import start_import

    path = CACHE / f"import_{IMPORT_ROWS}.xlsx"
    if not path.exists():
        subprocess.run([sys.executable, "-m", "bench.jobs", "make_import_file", "--size", size], check=True)
    noop = jobs.job("bench.noop", "基准：空任务", retry=False)(lambda: "完成。")
    stop = threading.Event()
    failures: list[BaseException] = []

    def worker() -> None:
        async def go():
            with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
                async with worker_app.open_async():
                    task = asyncio.create_task(
                        worker_app.run_worker_async(
                            install_signal_handlers=False, concurrency=2, name="bench-worker"
                        )
                    )
                    while not stop.is_set() and not task.done():
                        await asyncio.sleep(0.05)
                    task.cancel()
                    try:
                        await task
                    except asyncio.CancelledError:
                        pass

        try:
            asyncio.run(go())
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    def wait_for(pks: list[int], limit: float) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and not failures:
            if not TaskRun.objects.filter(pk__in=pks, finished_at__isnull=True).exists():
                return
            time.sleep(0.1)

    user = _clerk()
    _delete_imported()  # a previous run cut short
    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    time.sleep(1)  # the worker is listening
    try:
        small = []
        for _ in range(LATENCY_JOBS):
            small.append(jobs.start(noop, user=user).pk)
            time.sleep(0.05)
        wait_for(small, 60)
        latencies = [
            (run.started_at - run.queued_at).total_seconds() * 1000
            for run in TaskRun.objects.filter(pk__in=small, finished_at__isnull=False)
        ]
        data = path.read_bytes()
        started = time.monotonic()
        run = start_import(user=user, kind="members", data=data, file_format="xlsx", rows=IMPORT_ROWS)
        wait_for([run.pk], 600)
        wall_s = time.monotonic() - started
        run.refresh_from_db()
    finally:
        stop.set()
        thread.join(30)
    created = _delete_imported()
    job_s = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    return {
        "rows": IMPORT_ROWS,
        "seconds": round(wall_s, 2),
        "job_s": round(job_s, 2) if job_s else None,
        "rows_per_s": round(IMPORT_ROWS / job_s) if job_s else None,
        "import_wait_ms": round((run.started_at - run.queued_at).total_seconds() * 1000, 1),
        "latency_jobs": len(latencies),
        "latency_p50_ms": round(_percentile(latencies, 0.5), 1) if latencies else None,
        "latency_p95_ms": round(_percentile(latencies, 0.95), 1) if latencies else None,
        "peak_mb": _peak_mb(),
        "ok": run.state == TaskRun.State.SUCCEEDED
        and created == IMPORT_ROWS
        and len(latencies) == LATENCY_JOBS,
        "errors": [run.error or str(f) for f in failures][:3] or ([run.error] if run.error else []),
    }


JOBS = {
    "import_members": import_members,
    "queue_jobs": queue_jobs,
    "export_members": export_members,
    "pdf_notice": pdf_notice,
    "pdf_bundle": pdf_bundle,
    "pdf_bundle_scans": pdf_bundle_scans,
    "overdue_marking": overdue_marking,
    "deadline_recompute": deadline_recompute,
}
HELPERS = {"make_import_file": make_import_file}
#: jobs that write (rolled back or deleted afterwards): the tables they wrote are vacuumed after them
WRITING_JOBS = {"import_members", "queue_jobs", "pdf_bundle_scans", "overdue_marking", "deadline_recompute"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("job", choices=sorted({**JOBS, **HELPERS}))
    parser.add_argument("--size", required=True)
    args = parser.parse_args()
    import django

    django.setup()
    result = {**JOBS, **HELPERS}[args.job](args.size)
    if args.job in WRITING_JOBS:
        result["vacuumed"] = vacuum_written()
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
