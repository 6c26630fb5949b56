# The town's movements per month (members.FlowTally, issue 21): the members joined, the status events to full
# membership and off the roll (R-MB-02) and the accepted relation transfers (R-MB-05), kept by statement-level
# triggers on the three tables and filled from the rows already recorded — like the roll's and the meetings'
# tallies (migration 0009): one set-based statement per INSERT / UPDATE / DELETE however many rows it touches,
# counts added and subtracted (ON CONFLICT), never recomputed, rows taken in key order so concurrent writers
# cannot deadlock. A row's month and kind follow from its own columns alone (``_COUNTED``); an UPDATE
# subtracts its rows as they were and adds them as they are, and the groups that come to zero write nothing.

from django.db import migrations, models

_MONTH = "date_trunc('month', {col})::date"
LEAVING = "('deceased', 'expelled', 'removed')"  # members.analysis.LEAVING_STATUSES

# Per table: (month, kind) of a row ``r``; a NULL month or kind is not counted. As members.analysis.flows counts.
_COUNTED = {
    "members_member": (_MONTH.format(col="r.joined_on"), "'joined'"),
    "members_memberstatusevent": (
        _MONTH.format(col="r.effective_on"),
        "CASE WHEN r.from_state = 'probationary' AND r.to_state = 'full' THEN 'became_full'"
        f" WHEN r.to_state IN {LEAVING} THEN 'left' END",
    ),
    "members_relationtransfer": (
        f"CASE WHEN r.state = 'accepted' THEN {_MONTH.format(col='r.accepted_on')} END",
        "r.direction",
    ),
}
_KINDS = {
    "members_member": "('joined')",
    "members_memberstatusevent": "('became_full', 'left')",
    "members_relationtransfer": "('in', 'out', 'internal')",
}


def _add(table: str, sides: list[tuple[str, int]]) -> str:
    """Add the rows of each (rows, sign) side to the tally, in key order."""
    month, kind = _COUNTED[table]
    changes = " UNION ALL ".join(
        f"SELECT {month} AS month, {kind} AS kind, {sign} AS sign FROM {rows} r" for rows, sign in sides
    )
    return f"""
    INSERT INTO members_flowtally AS t (month, kind, number)
    SELECT month, kind, sum(sign) FROM ({changes}) c
    WHERE month IS NOT NULL AND kind IS NOT NULL
    GROUP BY 1, 2 HAVING sum(sign) <> 0 ORDER BY 1, 2
    ON CONFLICT (month, kind) DO UPDATE SET number = t.number + EXCLUDED.number;
    """


def _trigger(table: str, event: str, body: str) -> str:
    name = f"{table}_flow_tally_{event.lower()}"
    referencing = {
        "INSERT": "REFERENCING NEW TABLE AS new_rows",
        "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "REFERENCING OLD TABLE AS old_rows",
        "TRUNCATE": "",
    }[event]
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {body}
        RETURN NULL;
    END;
    $$;
    CREATE TRIGGER {name} AFTER {event} ON {table} {referencing}
        FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    """


# A member's update counts only when the joining date changed (a new address or status moves nothing).
_MEMBER_MOVED = "(SELECT o.joined_on FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.joined_on IS DISTINCT FROM n.joined_on)"
_MEMBER_MOVED_TO = _MEMBER_MOVED.replace("SELECT o.joined_on", "SELECT n.joined_on")

FORWARD = "".join(
    _trigger(table, "INSERT", _add(table, [("new_rows", 1)]))
    + _trigger(
        table,
        "UPDATE",
        _add(table, [(_MEMBER_MOVED, -1), (_MEMBER_MOVED_TO, 1)])
        if table == "members_member"
        else _add(table, [("old_rows", -1), ("new_rows", 1)]),
    )
    + _trigger(table, "DELETE", _add(table, [("old_rows", -1)]))
    + _trigger(table, "TRUNCATE", f"DELETE FROM members_flowtally WHERE kind IN {_KINDS[table]};")
    for table in _COUNTED
)
BACKWARD = "".join(
    f"DROP TRIGGER IF EXISTS {table}_flow_tally_{event} ON {table};"
    f" DROP FUNCTION IF EXISTS {table}_flow_tally_{event}();"
    for table in _COUNTED
    for event in ("insert", "update", "delete", "truncate")
)
# The rows recorded before this migration (the triggers above hold off writers until commit); also the rebuild
# the equivalence tests compare the kept tally with (tests/tallies.py).
FILL = "DELETE FROM members_flowtally;" + "".join(_add(table, [(table, 1)]) for table in _COUNTED)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0022_dues_paid_pattern_prune_emptied"),
    ]

    operations = [
        migrations.CreateModel(
            name="FlowTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(verbose_name="月份")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("joined", "新发展党员"),
                            ("became_full", "预备党员转正"),
                            ("left", "去世、开除、除名"),
                            ("in", "从镇外转入"),
                            ("out", "转往镇外"),
                            ("internal", "镇内转接"),
                        ],
                        max_length=12,
                        verbose_name="变动",
                    ),
                ),
                ("number", models.IntegerField(default=0, verbose_name="人次")),
            ],
            options={
                "verbose_name": "党员增减月度统计（派生）",
                "verbose_name_plural": "党员增减月度统计（派生）",
                "constraints": [
                    models.UniqueConstraint(fields=("month", "kind"), name="flow_tally_key"),
                    models.CheckConstraint(
                        condition=models.Q(("month__day", 1)), name="flow_tally_first_day"
                    ),
                ],
            },
        ),
        migrations.RunSQL(FORWARD + FILL, BACKWARD),
    ]
