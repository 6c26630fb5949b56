"""Batch jobs of the benchmark, one per process: ``python -m bench.jobs <name> --size S`` prints one JSON line.

Peak memory is the process's ru_maxrss (Django and the data included), so it is an upper bound of the job's
own memory. Jobs that write roll their writes back, so the dataset stays as generated.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
IMPORT_ROWS = 10_000


class Rollback(Exception):
    pass


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _clerk():
    from django.contrib.auth.models import User

    return User.objects.get(username="clerk")


def make_import_file(size: str) -> dict:
    """10,000 new members (ID numbers of a region the demo never uses) in the export's own format."""
    from datetime import date

    from members.idnumbers import make_id_number
    from members.importing import _dump
    from members.models import Member, Organization
    from members.resources import MemberResource

    branches = list(Organization.objects.branches().filter(is_center=False))
    members = []
    for n in range(IMPORT_ROWS):
        born = date(1950 + n % 50, 1 + n % 12, 1 + n % 28)
        members.append(
            Member(
                name=f"导入党员{n}", gender=Member.Gender.MALE if n % 2 else Member.Gender.FEMALE,
                birth_date=born, id_number=make_id_number("110101", born, (n // 1000) * 2 + n % 2),
                education=Member.Education.SENIOR, phone=f"137{n:08d}", address="某某村1组1号",
                village="某某村", organization=branches[n % len(branches)], status=Member.Status.FULL,
                joined_on=date(2000, 7, 1), full_member_on=date(2001, 7, 1),
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
        "rows": IMPORT_ROWS, "validate_s": round(validate_s, 2), "commit_s": round(commit_s, 2),
        "seconds": round(validate_s + commit_s, 2), "peak_mb": _peak_mb(),
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
        "rows": queryset.count(), "seconds": round(time.monotonic() - started, 2), "peak_mb": _peak_mb(),
        "bytes": len(content),
    }


JOBS = {
    "import_members": import_members,
    "export_members": export_members,
}
HELPERS = {"make_import_file": make_import_file}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("job", choices=sorted({**JOBS, **HELPERS}))
    parser.add_argument("--size", required=True)
    args = parser.parse_args()
    import django

    django.setup()
    result = {**JOBS, **HELPERS}[args.job](args.size)
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
