"""Issue 9: count the existing matters into the daily tallies (services.models.IntakeTally, CompletionTally)
and keep them exact with triggers.

The tables are derived from services_matter and services_supplementnotice and kept exact by the database:
statement-level triggers add every INSERT, UPDATE and DELETE on those tables to the tallies, in the same
statement and transaction, whoever writes (the desk's operations, the admin, bulk loads, tests). A write
that changes no counted field changes no tally row (the HAVING clauses), so ordinary saves do not contend.
Existing rows are counted here, before the triggers are created, in the same transaction.

A local day is the day in settings.TIME_ZONE (Asia/Shanghai, R-GN-03), as Django's ``__date`` lookups use.
"""

from django.conf import settings
from django.db import migrations

TZ = settings.TIME_ZONE
COLUMNS = "id, registered_at, kind, service_id, state, completed_at, deadline_at, clock_started_on"


def _day(column: str) -> str:
    return f"({column} AT TIME ZONE '{TZ}')::date"


def _add_matters(changes: str) -> str:
    """Add the rows of ``changes`` (matter columns and ``sign``: +1 counted in, -1 counted out)."""
    notice = "EXISTS (SELECT 1 FROM services_supplementnotice n WHERE n.matter_id = c.id)"
    return f"""
    WITH changes AS ({changes}),
    intake AS (
        INSERT INTO services_intaketally AS t (day, kind, service_id, registered, with_notice, returned)
        SELECT {_day("c.registered_at")}, c.kind, c.service_id, sum(c.sign),
               sum(CASE WHEN {notice} THEN c.sign ELSE 0 END),
               sum(CASE WHEN c.state = 'returned' THEN c.sign ELSE 0 END)
        FROM changes c
        GROUP BY 1, 2, 3
        HAVING sum(c.sign) <> 0 OR sum(CASE WHEN {notice} THEN c.sign ELSE 0 END) <> 0
            OR sum(CASE WHEN c.state = 'returned' THEN c.sign ELSE 0 END) <> 0
        ON CONFLICT (day, kind, service_id) DO UPDATE SET
            registered = t.registered + EXCLUDED.registered,
            with_notice = t.with_notice + EXCLUDED.with_notice,
            returned = t.returned + EXCLUDED.returned
    )
    INSERT INTO services_completiontally AS t (day, clock_started_on, completed, on_time)
    SELECT {_day("c.completed_at")}, c.clock_started_on, sum(c.sign),
           sum(CASE WHEN c.completed_at <= c.deadline_at THEN c.sign ELSE 0 END)
    FROM changes c
    WHERE c.state = 'completed' AND c.completed_at IS NOT NULL AND c.deadline_at IS NOT NULL
    GROUP BY 1, 2
    HAVING sum(c.sign) <> 0 OR sum(CASE WHEN c.completed_at <= c.deadline_at THEN c.sign ELSE 0 END) <> 0
    ON CONFLICT (day, clock_started_on) DO UPDATE SET
        completed = t.completed + EXCLUDED.completed,
        on_time = t.on_time + EXCLUDED.on_time;
    """


def _add_notices(changes: str) -> str:
    """Add the rows of ``changes`` (``matter_id`` and ``sign``) to the notice count of their matter's day."""
    return f"""
    INSERT INTO services_intaketally AS t (day, kind, service_id, registered, with_notice, returned)
    SELECT {_day("m.registered_at")}, m.kind, m.service_id, 0, sum(c.sign), 0
    FROM ({changes}) c JOIN services_matter m ON m.id = c.matter_id
    GROUP BY 1, 2, 3
    HAVING sum(c.sign) <> 0
    ON CONFLICT (day, kind, service_id) DO UPDATE SET with_notice = t.with_notice + EXCLUDED.with_notice;
    """


def _trigger(table: str, event: str, body: str) -> str:
    name = f"{table}_tally_{event.lower()}"
    referencing = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }[event]
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {body}
        RETURN NULL;
    END;
    $$;
    CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing}
        FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    """


def _matters(source: str, sign: int) -> str:
    return f"SELECT {COLUMNS}, {sign} AS sign FROM {source}"


def _notices(source: str, sign: int) -> str:
    return f"SELECT matter_id, {sign} AS sign FROM {source}"


COUNT_EXISTING = _add_matters(_matters("services_matter", 1))

TRIGGERS = "".join(
    [
        _trigger("services_matter", "INSERT", _add_matters(_matters("new_rows", 1))),
        _trigger(
            "services_matter",
            "UPDATE",
            _add_matters(f"{_matters('old_rows', -1)} UNION ALL {_matters('new_rows', 1)}"),
        ),
        _trigger("services_matter", "DELETE", _add_matters(_matters("old_rows", -1))),
        _trigger("services_supplementnotice", "INSERT", _add_notices(_notices("new_rows", 1))),
        _trigger(
            "services_supplementnotice",
            "UPDATE",
            _add_notices(f"{_notices('old_rows', -1)} UNION ALL {_notices('new_rows', 1)}"),
        ),
        _trigger("services_supplementnotice", "DELETE", _add_notices(_notices("old_rows", -1))),
    ]
)

DROP_TRIGGERS = "".join(
    f"DROP TRIGGER IF EXISTS {table}_tally_{event} ON {table}; DROP FUNCTION IF EXISTS {table}_tally_{event}();"
    for table in ("services_matter", "services_supplementnotice")
    for event in ("insert", "update", "delete")
)


class Migration(migrations.Migration):
    dependencies = [("services", "0004_daily_tallies")]

    operations = [
        migrations.RunSQL(COUNT_EXISTING, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
    ]
