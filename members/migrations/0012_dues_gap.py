# R-MB-07, R-MB-15: the runs of months each member has not paid (members.DuesGap), kept by triggers on the
# payments and on the members (their joining date), and filled from the rows already recorded (issue 21).

import django.db.models.deletion
from django.db import migrations, models

# ``{ids}`` is a query of the member ids whose runs are recomputed. The member rows are locked first (in id
# order, so concurrent writers cannot deadlock), and each statement of a plpgsql function takes a new snapshot:
# a second transaction writing payments of the same member waits, then recomputes from the first one's
# committed payments as well as its own, so nothing is lost. A run starts after a "covered" month: the month
# before the member joined (December 1899 without a joining date), or a month paid from the joining month on.
_REFRESH = """
    PERFORM 1 FROM members_member m WHERE m.id IN ({ids}) ORDER BY m.id FOR NO KEY UPDATE;
    DELETE FROM members_duesgap g WHERE g.member_id IN ({ids});
    WITH starts AS (
        SELECT m.id, coalesce(date_trunc('month', m.joined_on)::date, DATE '1900-01-01') AS start
        FROM members_member m WHERE m.id IN ({ids})
    )
    INSERT INTO members_duesgap (member_id, first, last)
    SELECT member_id, (month + interval '1 month')::date, (next - interval '1 month')::date
    FROM (
        SELECT member_id, month, lead(month) OVER (PARTITION BY member_id ORDER BY month) AS next
        FROM (
            SELECT s.id AS member_id, (s.start - interval '1 month')::date AS month FROM starts s
            UNION ALL
            SELECT p.member_id, p.month FROM members_duespayment p JOIN starts s ON s.id = p.member_id
            WHERE p.month >= s.start
        ) covered
    ) runs
    WHERE next IS NULL OR next > (month + interval '1 month')::date
    ORDER BY 1, 2;
"""


def _trigger(table: str, event: str, body: str) -> str:
    short = table.removeprefix("members_")
    name = f"members_{short}_dues_gap_{event.lower()}"
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


_ALL = "SELECT id FROM members_member"
_JOINED_CHANGED = "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.joined_on IS DISTINCT FROM o.joined_on"
_PAYMENTS_CHANGED = "SELECT member_id FROM old_rows UNION SELECT member_id FROM new_rows"

FORWARD = (
    _trigger("members_duespayment", "INSERT", _REFRESH.format(ids="SELECT member_id FROM new_rows"))
    + _trigger("members_duespayment", "UPDATE", _REFRESH.format(ids=_PAYMENTS_CHANGED))
    + _trigger("members_duespayment", "DELETE", _REFRESH.format(ids="SELECT member_id FROM old_rows"))
    + _trigger("members_duespayment", "TRUNCATE", _REFRESH.format(ids=_ALL))
    + _trigger("members_member", "INSERT", _REFRESH.format(ids="SELECT id FROM new_rows"))
    + _trigger("members_member", "UPDATE", _REFRESH.format(ids=_JOINED_CHANGED))
    + _trigger(
        "members_member",
        "DELETE",
        "DELETE FROM members_duesgap g WHERE g.member_id IN (SELECT id FROM old_rows);",
    )
    + _trigger("members_member", "TRUNCATE", "DELETE FROM members_duesgap;")
)

BACKWARD = "".join(
    f"DROP TRIGGER IF EXISTS members_{table}_dues_gap_{event} ON members_{table};"
    f" DROP FUNCTION IF EXISTS members_{table}_dues_gap_{event}();"
    for table in ("duespayment", "member")
    for event in ("insert", "update", "delete", "truncate")
)

# The members and payments recorded before this migration.
FILL = "DO $$ BEGIN " + _REFRESH.format(ids=_ALL) + " END $$; ANALYZE members_duesgap;"


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0011_merge_dues_committee_role"),
    ]

    operations = [
        migrations.CreateModel(
            name="DuesGap",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("first", models.DateField(verbose_name="首个未交月份")),
                (
                    "last",
                    models.DateField(
                        blank=True, help_text="空：此后再无交纳", null=True, verbose_name="最后未交月份"
                    ),
                ),
                (
                    "open_from",
                    models.GeneratedField(
                        db_persist=True,
                        expression=models.Case(models.When(last__isnull=True, then=models.F("first"))),
                        output_field=models.DateField(),
                        verbose_name="未交起始月份（其后再无交纳）",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="dues_gaps",
                        to="members.member",
                        verbose_name="党员",
                    ),
                ),
            ],
            options={
                "verbose_name": "党费未交月份区间（派生）",
                "verbose_name_plural": "党费未交月份区间（派生）",
                "indexes": [
                    models.Index(
                        condition=models.Q(("open_from__isnull", False)),
                        fields=["open_from", "member"],
                        name="dues_gap_open",
                    ),
                    models.Index(
                        condition=models.Q(("last__isnull", False)),
                        fields=["last", "first", "member"],
                        name="dues_gap_closed",
                    ),
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
