# The town's sums of the dues tallies (issue 21; R-MB-07, R-MB-13, R-MB-14): members.DuesDueTownTally and
# members.DuesPaidTownPattern are members.DuesDueTally and members.DuesPaidPattern summed over the organisations,
# so that the 工作台's arrears of the whole town read a row per month and pattern instead of one per
# organisation. Each is kept by statement triggers on the per-organisation tally, in the statement that writes
# it (the tallies' own triggers, whoever wrote the members, bases or payments): the rows written are added, the
# rows replaced or removed subtracted, in one insert in key order (as the tallies' triggers write theirs); the
# rows that insert leaves at zero are removed by id. Filled from the tallies as they are.

from django.db import migrations, models

# per town tally: (source tally, its key columns, its figures)
_TALLIES = {
    "members_duesduetowntally": ("members_duesduetally", ("cumulative", "month"), ("months", "amount")),
    "members_duespaidtownpattern": (
        "members_duespaidpattern",
        ("year", "owed_mask", "paid_mask", "reduced_mask"),
        ("members", "amount", "reduced_amount"),
    ),
}


def _add(town: str, sides: list[tuple[str, int]]) -> str:
    """Add the rows of each (rows, sign) side to the town tally, in key order; remove the rows left at zero."""
    source, keys, figures = _TALLIES[town]
    key, n = ", ".join(keys), len(keys)
    changes = " UNION ALL ".join(
        f"SELECT {key}, " + ", ".join(f"{sign} * {f}" for f in figures) + f" FROM {rows}"
        for rows, sign in sides
    )
    sums = ", ".join(f"sum({f})" for f in figures)
    return f"""
    WITH changes ({key}, {", ".join(figures)}) AS ({changes}), written AS (
        INSERT INTO {town} AS t ({key}, {", ".join(figures)})
        SELECT {key}, {sums} FROM changes GROUP BY {key}
        HAVING {" OR ".join(f"sum({f}) <> 0" for f in figures)}
        ORDER BY {", ".join(str(i + 1) for i in range(n))}
        ON CONFLICT ({key}) DO UPDATE SET {", ".join(f"{f} = t.{f} + EXCLUDED.{f}" for f in figures)}
        RETURNING t.id, {", ".join(f"t.{f}" for f in figures)}
    )
    SELECT array_agg(id) INTO emptied FROM written WHERE {" AND ".join(f"{f} = 0" for f in figures)};
    IF emptied IS NOT NULL THEN
        DELETE FROM {town} WHERE id = ANY (emptied);
    END IF;
    """


def _trigger(town: str, event: str, body: str) -> str:
    source = _TALLIES[town][0]
    name = f"{source}_town_{event.lower()}"
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
    CREATE TRIGGER {name} AFTER {event} ON {source} {referencing}
        FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    """


FORWARD = "".join(
    _trigger(town, "INSERT", _add(town, [("new_rows", 1)]))
    + _trigger(town, "UPDATE", _add(town, [("old_rows", -1), ("new_rows", 1)]))
    + _trigger(town, "DELETE", _add(town, [("old_rows", -1)]))
    + _trigger(town, "TRUNCATE", f"DELETE FROM {town};")
    for town in _TALLIES
)
BACKWARD = "".join(
    f"DROP TRIGGER IF EXISTS {source}_town_{event} ON {source}; DROP FUNCTION IF EXISTS {source}_town_{event}();"
    for source, _, _ in _TALLIES.values()
    for event in ("insert", "update", "delete", "truncate")
)
# The sums of the tallies as they are (the triggers above hold off their writers until commit); also the rebuild
# the equivalence tests compare the kept sums with (tests/tallies.py).
FILL = "".join(
    f"DELETE FROM {town};"
    f" INSERT INTO {town} ({', '.join(keys)}, {', '.join(figures)})"
    f" SELECT {', '.join(keys)}, {', '.join(f'sum({f})' for f in figures)} FROM {source}"
    f" GROUP BY {', '.join(keys)} HAVING {' OR '.join(f'sum({f}) <> 0' for f in figures)};"
    f" ANALYZE {town};"
    for town, (source, keys, figures) in _TALLIES.items()
)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0025_floating_member_roll_copy"),
    ]

    operations = [
        migrations.CreateModel(
            name="DuesDueTownTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("cumulative", models.BooleanField(default=False, verbose_name="此前累计")),
                ("month", models.DateField(verbose_name="起始月份")),
                ("months", models.IntegerField(verbose_name="每月应交月数变化")),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=2, max_digits=14, verbose_name="每月应交金额变化（元）"
                    ),
                ),
            ],
            options={
                "verbose_name": "全镇党费按月应交统计（派生）",
                "verbose_name_plural": "全镇党费按月应交统计（派生）",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("cumulative", "month"), include=("months", "amount"), name="dues_due_town_key"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DuesPaidTownPattern",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                ("owed_mask", models.IntegerField(verbose_name="应交月份（位图）")),
                ("paid_mask", models.IntegerField(verbose_name="应交且已交月份（位图）")),
                ("reduced_mask", models.IntegerField(verbose_name="减免月份（位图）")),
                ("members", models.IntegerField(verbose_name="党员人数")),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="每月应交合计（元）"),
                ),
                (
                    "reduced_amount",
                    models.DecimalField(
                        decimal_places=2, max_digits=14, verbose_name="减免后每月应交合计（元）"
                    ),
                ),
            ],
            options={
                "verbose_name": "全镇党费已交月份统计（派生）",
                "verbose_name_plural": "全镇党费已交月份统计（派生）",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("year", "owed_mask", "paid_mask", "reduced_mask"), name="dues_paid_town_key"
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD + FILL, BACKWARD),
    ]
