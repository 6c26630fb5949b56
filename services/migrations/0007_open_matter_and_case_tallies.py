# Issue 21: services.OpenMatterTally (the open matters per state, overdue mark, handler and first contact) and
# services.CaseTally (accountability cases per state, local day opened, responsible, with or without a matter),
# kept by the database, and two partial indexes for the 工作台's counts that depend on the time of day.
#
# - After each INSERT / UPDATE / DELETE statement on the matters (the cases), the rows as they were are
#   subtracted and the rows as they are added (transition tables: one set-based statement however many rows),
#   summed per key first and written in ONE insert in key order, as recruitment 0009 does: two transactions
#   writing rows of one key lock its tally row in the same order. The rows that insert leaves at zero are
#   removed by their id; no other row is read or locked. An update that moves nothing (any other column: a
#   matter's result, a case's findings) sums to nothing and writes nothing.
# - TRUNCATE empties the tally.
# - The tallies are filled from the rows already recorded (FILL_*, also the rebuild of the equivalence test).
# tests/services/test_desk_tallies.py proves them equal to direct counts after every kind of write.
#
# The open states are MatterState's OPEN_STATES as of this migration; the local day is the day in
# settings.TIME_ZONE (Asia/Shanghai, R-GN-03), as core.dates.on_local_days and Django's ``__date`` use.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


TZ = settings.TIME_ZONE
OPEN = "('registered', 'accepted', 'awaiting_materials')"

# The key of each tally, as the columns of its rows.
_MATTER_KEY = "state, overdue_at IS NOT NULL, handler_id, first_contact_id"
_CASE_KEY = f"state, (opened_at AT TIME ZONE '{TZ}')::date, responsible_id, matter_id IS NOT NULL"

FILL_OPEN_MATTERS = f"""
DELETE FROM services_openmattertally;
INSERT INTO services_openmattertally (state, overdue_marked, handler_id, first_contact_id, matters)
SELECT {_MATTER_KEY}, count(*) FROM services_matter WHERE state IN {OPEN} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
"""

FILL_CASES = f"""
DELETE FROM services_casetally;
INSERT INTO services_casetally (state, opened_on, responsible_id, with_matter, cases)
SELECT {_CASE_KEY}, count(*) FROM services_accountabilitycase GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
"""

# ``{moved}``: the changes of the statement as (key columns…, n), one row per row side.
_WRITE = """
    WITH summed AS (
        SELECT {key}, sum(n) AS n FROM ({moved}) m({key}, n) GROUP BY {key} HAVING sum(n) <> 0
    ), written AS (
        INSERT INTO {tally} AS t ({key}, {count})
        SELECT {key}, n FROM summed ORDER BY {key}
        ON CONFLICT ({key}) DO UPDATE SET {count} = t.{count} + EXCLUDED.{count}
        RETURNING t.id, t.{count}
    )
    SELECT array_agg(id) INTO emptied FROM written WHERE {count} = 0;
    IF emptied IS NOT NULL THEN
        DELETE FROM {tally} WHERE id = ANY (emptied);
    END IF;
"""

_TALLIES = {
    # table: (tally, its key columns, its count column, the key of a row, which rows count)
    "services_matter": (
        "services_openmattertally",
        "state, overdue_marked, handler_id, first_contact_id",
        "matters",
        _MATTER_KEY,
        f"WHERE state IN {OPEN}",
    ),
    "services_accountabilitycase": (
        "services_casetally",
        "state, opened_on, responsible_id, with_matter",
        "cases",
        _CASE_KEY,
        "",
    ),
}


def _write(table: str, *sides: tuple[str, int]) -> str:
    tally, key, count, row_key, where = _TALLIES[table]
    moved = " UNION ALL ".join(f"SELECT {row_key}, {sign} FROM {rows} {where}" for rows, sign in sides)
    return _WRITE.format(key=key, moved=moved, tally=tally, count=count)


def _trigger(table: str, event: str, body: str) -> str:
    name = f"{_TALLIES[table][0]}_{event.lower()}"
    referencing = {
        "INSERT": "REFERENCING NEW TABLE AS new_rows",
        "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "REFERENCING OLD TABLE AS old_rows",
        "TRUNCATE": "",
    }[event]
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        emptied bigint[];
    BEGIN
        {body}
        RETURN NULL;
    END;
    $$;
    CREATE TRIGGER {name} AFTER {event} ON {table} {referencing}
        FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    """


FORWARD = "".join(
    _trigger(table, "INSERT", _write(table, ("new_rows", 1)))
    + _trigger(table, "UPDATE", _write(table, ("old_rows", -1), ("new_rows", 1)))
    + _trigger(table, "DELETE", _write(table, ("old_rows", -1)))
    + _trigger(table, "TRUNCATE", f"DELETE FROM {_TALLIES[table][0]};")
    for table in _TALLIES
)

BACKWARD = "".join(
    f"""
    DROP TRIGGER IF EXISTS {tally}_{event} ON {table};
    DROP FUNCTION IF EXISTS {tally}_{event}();
    """
    for table, (tally, *_) in _TALLIES.items()
    for event in ("insert", "update", "delete", "truncate")
)


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0006_matter_change_row"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[("open", "待处理"), ("decided", "已处理"), ("withdrawn", "已撤销")],
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("opened_on", models.DateField(verbose_name="立案日期")),
                ("with_matter", models.BooleanField(verbose_name="有关联办件")),
                ("cases", models.IntegerField(verbose_name="件数")),
            ],
            options={
                "verbose_name": "责任追究件数（派生）",
                "verbose_name_plural": "责任追究件数（派生）",
            },
        ),
        migrations.CreateModel(
            name="OpenMatterTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("registered", "已登记"),
                            ("accepted", "办理中"),
                            ("awaiting_materials", "待补充材料"),
                            ("completed", "已办结"),
                            ("answered", "已答复"),
                            ("returned", "已退回"),
                            ("referred", "已转介（非本中心事项）"),
                        ],
                        max_length=20,
                        verbose_name="状态",
                    ),
                ),
                ("overdue_marked", models.BooleanField(verbose_name="已认定超期")),
                ("matters", models.IntegerField(verbose_name="件数")),
            ],
            options={
                "verbose_name": "在办办件数（派生）",
                "verbose_name_plural": "在办办件数（派生）",
            },
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(
                    ("delay_reason", ""),
                    ("overdue_at__isnull", True),
                    ("state__in", ["registered", "accepted", "awaiting_materials"]),
                ),
                fields=["deadline_at"],
                name="matter_past_deadline",
            ),
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(
                    ("overdue_at__isnull", True),
                    ("state__in", ["registered", "accepted", "awaiting_materials"]),
                ),
                fields=["deadline_date", "deadline_at"],
                name="matter_due_soon",
            ),
        ),
        migrations.AddField(
            model_name="casetally",
            name="responsible",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="责任人",
            ),
        ),
        migrations.AddField(
            model_name="openmattertally",
            name="first_contact",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="首问责任人",
            ),
        ),
        migrations.AddField(
            model_name="openmattertally",
            name="handler",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="当前经办人",
            ),
        ),
        migrations.AddConstraint(
            model_name="casetally",
            constraint=models.UniqueConstraint(
                fields=("state", "opened_on", "responsible", "with_matter"), name="case_tally_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="openmattertally",
            constraint=models.UniqueConstraint(
                fields=("state", "overdue_marked", "handler", "first_contact"), name="open_matter_tally_key"
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL(FILL_OPEN_MATTERS + FILL_CASES, migrations.RunSQL.noop),
    ]
