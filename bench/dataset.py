"""The benchmark's county-scale datasets: the demo-data command first, then bulk top-ups to the sizes of
issue 9 where the demo generators stop short (organisations, floating members, a long meeting history).

Each size lives in its own database (bench_s, bench_l). A database is reused while its fingerprint (the
migrations, the demo generators and this file) matches; otherwise it is dropped and generated again.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Size:
    name: str
    members: int
    organizations: int  # topped up to at least this many
    floating: int
    meetings: int
    attendance: int
    cases: int
    ledger_entries: int
    candidates: int
    matters: int


SIZES = {
    "S": Size(
        "S",
        members=5_000,
        organizations=30,
        floating=300,
        meetings=2_000,
        attendance=50_000,
        cases=200,
        ledger_entries=10_000,
        candidates=1_000,
        matters=20_000,
    ),
    "L": Size(
        "L",
        members=50_000,
        organizations=300,
        floating=3_000,
        meetings=20_000,
        attendance=500_000,
        cases=2_000,
        ledger_entries=100_000,
        candidates=10_000,
        matters=200_000,
    ),
}


def fingerprint() -> str:
    """Changes when anything that shapes the data changes: migrations, demo generators, this module."""
    digest = hashlib.sha256()
    files = sorted(ROOT.glob("*/migrations/0*.py")) + sorted(ROOT.glob("*/demo*.py")) + [Path(__file__)]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# --- run inside the worker, after django.setup() -----------------------------------------------------------


def generate(size: Size, stdout) -> dict:
    """Migrate, run the demo-data command, top up in bulk, VACUUM ANALYZE; returns timings and row counts."""
    from django.core.management import call_command
    from django.db import connection

    timings = {}
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    timings["migrate_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    call_command("demo_data", members=size.members, stdout=stdout)
    timings["demo_data_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    _top_up_organizations(size)
    _top_up_floating(size)
    _top_up_meetings(size)
    _top_up_other_apps(size)
    timings["bulk_top_up_s"] = round(time.monotonic() - started, 1)
    with connection.cursor() as cursor:
        # As autovacuum would have by then: statistics, and a visibility map for index-only scans.
        cursor.execute("VACUUM ANALYZE")
    return timings


def counts() -> dict[str, int]:
    """Rows of the tables the issue names (estimates are not good enough here: exact counts)."""
    from django.apps import apps

    wanted = {
        "members.Member": "members",
        "core.Organization": "organizations",
        "members.FloatingMember": "floating members",
        "members.Meeting": "meetings",
        "members.Attendance": "attendance rows",
    }
    for label, name in EXTRA_COUNTS.items():
        wanted[label] = name
    result = {}
    for label, name in wanted.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        result[name] = model.objects.count()
    return result


# Other apps' tables, counted when the app has them (models land as branches merge).
EXTRA_COUNTS = {
    "conversion.ConversionCase": "conversion cases",
    "conversion.LedgerEntry": "ledger entries",
    "recruitment.Candidate": "recruitment candidates",
    "services.Matter": "service matters",
}


def _top_up_organizations(size: Size) -> None:
    """Extra branches with two party groups each, and a share of the village members moved into them."""
    from core.models import Organization
    from members.models import Member

    missing = size.organizations - Organization.objects.count()
    if missing <= 0:
        return
    town = Organization.objects.get(kind=Organization.Kind.TOWN_COMMITTEE, parent__isnull=True)
    new_branches = []
    for n in range(1, missing // 3 + 2):
        branch = Organization.objects.create(
            name=f"第{n}社区党支部",
            kind=Organization.Kind.BRANCH,
            parent=town,
            code=f"C{n:03d}",
            village=f"第{n}社区",
            category=Organization.Category.VILLAGE,
            sort_order=100 + n,
        )
        Organization.objects.bulk_create(
            Organization(
                name=f"第{n}社区第{g}党小组",
                kind=Organization.Kind.PARTY_GROUP,
                parent=branch,
                code=f"C{n:03d}G{g}",
                village=branch.village,
                sort_order=g,
            )
            for g in (1, 2)
        )
        new_branches.append(branch.pk)
    # Two village members in three move into the new branches (no party group there yet).
    village = Organization.objects.filter(category=Organization.Category.VILLAGE).exclude(pk__in=new_branches)
    ids = list(village.values_list("pk", flat=True))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Member._meta.db_table} SET organization_id = (%s::bigint[])[1 + id %% %s], "
            "party_group_id = NULL WHERE organization_id = ANY(%s) AND id %% 3 <> 0",
            [new_branches, len(new_branches), ids],
        )


def _top_up_floating(size: Size) -> None:
    from django.db import connection
    from django.utils import timezone

    from members.models import FloatingMember

    missing = size.floating - FloatingMember.objects.count()
    if missing <= 0:
        return
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_floatingmember (member_id, direction, flowed_out_on, destination, current_work, "
            "home_address, contact_phone, activity_participation, dues_paid_where, last_contacted_on) "
            "SELECT m.id, 'out', %s::date - (m.id %% 700)::int, '浙江省杭州市', '物流公司 司机', m.address, m.phone, "
            "'参加流入地党组织活动', '原支部按月收缴', %s::date - (m.id %% 120)::int "
            "FROM members_member m JOIN members_organization o ON o.id = m.organization_id "
            "WHERE NOT o.is_center AND m.status IN ('full', 'probationary') "
            "AND NOT EXISTS (SELECT 1 FROM members_floatingmember f WHERE f.member_id = m.id) "
            "ORDER BY m.id DESC LIMIT %s",
            [today, today, missing],
        )


def _top_up_meetings(size: Size) -> None:
    """Two years of earlier meetings, each with a roll of about one member in k of its branch."""
    from django.db import connection
    from django.utils import timezone

    from core.models import Organization
    from members.models import Attendance, Meeting, Member

    missing = size.meetings - Meeting.objects.count()
    if missing <= 0:
        return
    branches = list(Organization.objects.branches().values_list("pk", flat=True))
    attendance_missing = max(size.attendance - Attendance.objects.count(), 0)
    per_meeting = max(attendance_missing // missing, 1)
    per_branch = Member.objects.count() / len(branches)
    modulus = max(round(per_branch / per_meeting), 1)
    oldest = timezone.localdate() - timedelta(days=100)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM members_meeting")
        before = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO members_meeting (organization_id, kind, held_on, topic, location, host, minutes) "
            "SELECT (%s::bigint[])[1 + g %% %s], "
            "(ARRAY['member_meeting','committee_meeting','party_lecture','party_day'])[1 + (g / %s) %% 4], "
            "%s::date - (g %% 730), '学习贯彻党的二十大精神', '党员活动室', '', '' "
            "FROM generate_series(1, %s) AS g",
            [branches, len(branches), len(branches), oldest, missing],
        )
        cursor.execute(
            "INSERT INTO members_attendance (meeting_id, member_id, present, absence_reason) "
            "SELECT mt.id, m.id, (m.id %% 12) <> 0, CASE WHEN (m.id %% 12) = 0 THEN '外出务工' ELSE '' END "
            "FROM members_meeting mt JOIN members_member m ON m.organization_id = mt.organization_id "
            "AND m.id %% %s = mt.id %% %s WHERE mt.id > %s",
            [modulus, modulus, before],
        )


def grow(factor: int = 2) -> None:
    """Multiply every table the pages list by about ``factor`` (the query-count tests: a page's number of
    queries must not change when its data grows)."""
    from core.models import Organization
    from members.models import Attendance, FloatingMember, Meeting, Member

    current = counts()
    _clone_rows(
        "members_member",
        current["members"] * (factor - 1),
        {
            "id_number": "'9' || lpad((g + (SELECT max(id) FROM members_member))::text, 17, '0')",
            "name_initials": "t.name_initials",
        },
    )
    bigger = Size(
        "grown",
        members=Member.objects.count(),
        organizations=Organization.objects.count(),  # members double inside their own branches
        floating=FloatingMember.objects.count() * factor,
        meetings=Meeting.objects.count() * factor,
        attendance=Attendance.objects.count() * factor,
        cases=current.get("conversion cases", 0) * factor,
        ledger_entries=current.get("ledger entries", 0) * factor,
        candidates=current.get("recruitment candidates", 0) * factor,
        matters=current.get("service matters", 0) * factor,
    )
    _top_up_floating(bigger)
    _top_up_meetings(bigger)
    _top_up_other_apps(bigger)


def _clone_rows(table: str, missing: int, overrides: dict[str, str], where: str = "TRUE") -> None:
    """Copy the demo generator's rows of ``table`` round-robin until ``missing`` more exist; ``overrides``
    gives an SQL expression (of ``t`` the template row and ``g`` = 1…missing) for columns that must differ."""
    from django.db import connection

    if missing <= 0:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id' "
            "AND is_generated = 'NEVER' ORDER BY ordinal_position",  # generated columns are computed
            [table],
        )
        columns = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT array_agg(id ORDER BY id) FROM {table} WHERE {where}")
        templates = cursor.fetchone()[0]
        if not templates:
            return
        values = ", ".join(overrides.get(c, f't."{c}"') for c in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {values} FROM generate_series(1, %s) AS g "
            f"JOIN {table} t ON t.id = (%s::bigint[])[1 + g %% %s]",
            [missing, templates, len(templates)],
        )


def _top_up_other_apps(size: Size) -> None:
    """Conversion cases and their ledger entries, candidates and service matters, copied from what the apps'
    demo generators made, in the shape of issue 9: about 50 ledger entries per case and one case with 200;
    most service matters closed, one in 50 open (a desk's realistic backlog).

    Ledger entries are absence entries (bench data: cached balances are not recomputed).
    """
    from django.apps import apps

    if apps.is_installed("conversion") and _has_table("conversion_ledgerentry"):
        from conversion.models import ConversionCase, LedgerEntry

        _top_up_cases(size.cases - ConversionCase.objects.count())
        # Absence entries (-0.5) on attendance rows no entry uses yet: one live entry per row, as R-CV-04 wants.
        absence = {
            "source": "'absence'",
            "amount": "-0.5",
            "reason": "'缺席组织生活（基准测试数据）'",
            "task_id": "NULL",
            "reverses_id": "NULL",
            "source_round": "0",
            "attendance_id": "(SELECT array_agg(a.id ORDER BY a.id) FROM members_attendance a WHERE NOT EXISTS "
            "(SELECT 1 FROM conversion_ledgerentry e WHERE e.attendance_id = a.id))[g]",
        }
        first_case = LedgerEntry.objects.order_by("case_id").values_list("case_id", flat=True).first()
        if first_case:
            on_first = 200 - LedgerEntry.objects.filter(case_id=first_case).count()
            _clone_rows("conversion_ledgerentry", on_first, absence, where=f"case_id = {int(first_case)}")
            # The rest round-robin over the other cases (about 50 each at the sizes).
            others = list(ConversionCase.objects.exclude(pk=first_case).values_list("pk", flat=True))
            if others:
                absence["case_id"] = f"('{{{','.join(map(str, others))}}}'::bigint[])[1 + g %% {len(others)}]"
            _clone_rows("conversion_ledgerentry", size.ledger_entries - LedgerEntry.objects.count(), absence)
    if apps.is_installed("recruitment") and _has_table("recruitment_candidate"):
        from recruitment.models import Candidate

        _clone_rows(
            "recruitment_candidate",
            size.candidates - Candidate.objects.count(),
            {
                "id_number": "'B' || lpad(((SELECT max(id) FROM recruitment_candidate) + g)::text, 17, '0')",
                "member_id": "NULL",
                "name": "t.name || g",
            },
        )
    if apps.is_installed("services") and _has_table("services_matter"):
        from services.models import CLOSED_STATES, OPEN_STATES, Matter

        number = "(SELECT max(id) FROM services_matter) + g"
        overrides = {
            "receipt_number": f"'BENCH-' || ({number})",
            "year": "t.year - 1",
            "sequence": f"100000 + {number}",
        }
        missing = size.matters - Matter.objects.count()
        open_missing = min(max(size.matters // 50 - Matter.objects.open().count(), 0), max(missing, 0))
        states = ", ".join(f"'{state}'" for state in OPEN_STATES)
        _clone_rows("services_matter", open_missing, overrides, where=f"state IN ({states})")
        states = ", ".join(f"'{state}'" for state in CLOSED_STATES)
        _clone_rows("services_matter", missing - open_missing, overrides, where=f"state IN ({states})")


def _top_up_cases(missing: int) -> None:
    """Conversion cases for members of ordinary branches, each with its own enrolment transfer (a copy of a
    demo case's), so the one-open-case-per-member and one-case-per-transfer constraints hold."""
    from django.db import connection

    if missing <= 0:
        return
    with connection.cursor() as cursor:

        def columns(table):
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id' "
                "ORDER BY ordinal_position",
                [table],
            )
            return [row[0] for row in cursor.fetchall()]

        transfer_overrides = {
            "member_id": "p.member_id",
            "letter_number": "'BENCH-T-' || p.member_id",
            "letter_sequence": "100000 + p.member_id",
        }
        case_overrides = {
            "member_id": "p.member_id",
            "original_organization_id": "p.organization_id",
            "enrolment_transfer_id": "tr.id",
            "return_transfer_id": "NULL",
            "file_number": "''",  # unique when set; copies of a template case carry none
        }
        transfer_columns = columns("members_relationtransfer")
        case_columns = columns("conversion_conversioncase")
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM conversion_conversioncase")
        templates = cursor.fetchone()[0]
        if not templates:
            return
        cursor.execute(
            "CREATE TEMP TABLE bench_picked AS "
            "SELECT m.id AS member_id, m.organization_id, "
            "(%s::bigint[])[1 + (row_number() OVER (ORDER BY m.id)) %% %s] AS template_id "
            "FROM members_member m JOIN members_organization o ON o.id = m.organization_id "
            "WHERE NOT o.is_center AND m.status IN ('full', 'probationary') "
            "AND NOT EXISTS (SELECT 1 FROM conversion_conversioncase c WHERE c.member_id = m.id) "
            "AND NOT EXISTS (SELECT 1 FROM members_relationtransfer r WHERE r.member_id = m.id) "
            "ORDER BY m.id LIMIT %s",
            [templates, len(templates), missing],
        )
        names = ", ".join(f'"{c}"' for c in transfer_columns)
        values = ", ".join(transfer_overrides.get(c, f't."{c}"') for c in transfer_columns)
        cursor.execute(
            f"INSERT INTO members_relationtransfer ({names}) SELECT {values} FROM bench_picked p "
            "JOIN conversion_conversioncase c ON c.id = p.template_id "
            "JOIN members_relationtransfer t ON t.id = c.enrolment_transfer_id"
        )
        names = ", ".join(f'"{c}"' for c in case_columns)
        values = ", ".join(case_overrides.get(c, f't."{c}"') for c in case_columns)
        cursor.execute(
            f"INSERT INTO conversion_conversioncase ({names}) SELECT {values} FROM bench_picked p "
            "JOIN conversion_conversioncase t ON t.id = p.template_id "
            "JOIN members_relationtransfer tr ON tr.member_id = p.member_id AND tr.letter_number = "
            "'BENCH-T-' || p.member_id"
        )
        cursor.execute("DROP TABLE bench_picked")


def _has_table(table: str) -> bool:
    from django.db import connection

    return table in connection.introspection.table_names()


# --- database housekeeping (no Django: runs before settings are loaded) --------------------------------------


def database_state(admin_url: str, dbname: str) -> dict | None:
    """The generation record stored as the database's comment, or None when the database is missing."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [dbname]
        ).fetchone()
    if row is None:
        return None
    try:
        return json.loads(row[0] or "{}")
    except json.JSONDecodeError:
        return {}


def recreate_database(admin_url: str, dbname: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def clone_database(admin_url: str, source: str, target: str) -> bool:
    """Copy a generated dataset (file-level, seconds) with its generation record; False if source is missing."""
    import psycopg
    from psycopg import sql

    state = database_state(admin_url, source)
    if not state:
        return False
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(target), sql.Identifier(source))
        )
    record_generation(admin_url, target, state)
    return True


def record_generation(admin_url: str, dbname: str, record: dict) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(dbname), sql.Literal(json.dumps(record, ensure_ascii=False))
            )
        )
