# The dues paid per organisation and month (members.DuesMonthTally), kept by triggers on the payments and on
# the members (a move to another organisation), and filled from the payments already recorded (issue 21).

import django.db.models.deletion
from django.db import migrations, models

# ``{rows}`` is a set of payments and ``{sign}`` 1 or -1: their sums per member's organisation and month are
# added. The members are locked first (shared, in id order): a move of one of them (an UPDATE of the member)
# waits for this transaction, or this one for the move, and each statement sees the other's committed rows.
_ADD = """
    PERFORM 1 FROM members_member m WHERE m.id IN (SELECT member_id FROM {rows}) ORDER BY m.id FOR SHARE;
    INSERT INTO members_duesmonthtally (organization_id, month, amount, payments)
    SELECT m.organization_id, p.month, {sign} * sum(p.amount), {sign} * count(*)
    FROM {rows} p JOIN members_member m ON m.id = p.member_id
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (organization_id, month) DO UPDATE
    SET amount = members_duesmonthtally.amount + EXCLUDED.amount,
        payments = members_duesmonthtally.payments + EXCLUDED.payments;
"""
_PRUNE = "DELETE FROM members_duesmonthtally WHERE payments = 0;"

# A member moved: their payments' sums leave the old organisation and join the new one.
_MOVED = """
    INSERT INTO members_duesmonthtally (organization_id, month, amount, payments)
    SELECT organization_id, month, sum(amount), sum(payments) FROM (
        SELECT o.organization_id, p.month, -p.amount AS amount, -1 AS payments
        FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN members_duespayment p ON p.member_id = o.id
        WHERE o.organization_id IS DISTINCT FROM n.organization_id
        UNION ALL
        SELECT n.organization_id, p.month, p.amount, 1
        FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN members_duespayment p ON p.member_id = o.id
        WHERE o.organization_id IS DISTINCT FROM n.organization_id
    ) moved
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (organization_id, month) DO UPDATE
    SET amount = members_duesmonthtally.amount + EXCLUDED.amount,
        payments = members_duesmonthtally.payments + EXCLUDED.payments;
"""


def _trigger(table: str, event: str, body: str) -> str:
    name = f"members_{table.removeprefix('members_')}_dues_tally_{event.lower()}"
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


FORWARD = (
    _trigger("members_duespayment", "INSERT", _ADD.format(rows="new_rows", sign=1))
    + _trigger(
        "members_duespayment",
        "UPDATE",
        _ADD.format(rows="old_rows", sign=-1) + _ADD.format(rows="new_rows", sign=1) + _PRUNE,
    )
    + _trigger("members_duespayment", "DELETE", _ADD.format(rows="old_rows", sign=-1) + _PRUNE)
    + _trigger("members_duespayment", "TRUNCATE", "DELETE FROM members_duesmonthtally;")
    + _trigger("members_member", "UPDATE", _MOVED + _PRUNE)
)

BACKWARD = "".join(
    f"DROP TRIGGER IF EXISTS members_{table}_dues_tally_{event} ON members_{table};"
    f" DROP FUNCTION IF EXISTS members_{table}_dues_tally_{event}();"
    for table, events in (
        ("duespayment", ("insert", "update", "delete", "truncate")),
        ("member", ("update",)),
    )
    for event in events
)

FILL = """
INSERT INTO members_duesmonthtally (organization_id, month, amount, payments)
SELECT m.organization_id, p.month, sum(p.amount), count(*)
FROM members_duespayment p JOIN members_member m ON m.id = p.member_id GROUP BY 1, 2 ORDER BY 1, 2;
ANALYZE members_duesmonthtally;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_two_factor_devices_in_chinese"),
        ("members", "0012_dues_gap"),
    ]

    operations = [
        migrations.CreateModel(
            name="DuesMonthTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(verbose_name="所属月份")),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="金额（元）")),
                ("payments", models.IntegerField(verbose_name="笔数")),
                (
                    "organization",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.organization",
                        verbose_name="党组织",
                    ),
                ),
            ],
            options={
                "verbose_name": "党费按月实交统计（派生）",
                "verbose_name_plural": "党费按月实交统计（派生）",
                "constraints": [
                    models.UniqueConstraint(fields=("organization", "month"), name="dues_month_tally_key")
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
