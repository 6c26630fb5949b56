# The dues expected per organisation (members.DuesDueTally): steps of the months owed and their money from a
# month on, kept by triggers on the members and their dues bases, and filled from the rows already recorded
# (issue 21; R-MB-07, R-MB-13, R-MB-14).

import django.db.models.deletion
from django.db import migrations, models

# ``{members}`` is a query of member rows and ``{bases}`` one of dues base rows (member_id, year, monthly_amount,
# reduced_amount, reduced_from); ``{sign}`` 1 or -1. The steps of those members, computed with those bases, are
# added to the tally. The rule is members.dues.with_due_months': an active member owes every month from the
# joining month (from always without a date) at the member record's amount (monthly_dues), except in a year
# with its own base or following one: there the year's amount, else last year's; from a reduction's month the
# reduced amount, and an exempted month (reduced to 0) is not owed. So each member has a step at the joining
# month, and for each month of a year with a base or after one a step up to its real figure and back down the
# month after (the steps of consecutive equal months cancel in the sums). The steps are added per month and, summed,
# per year (per_year, on its January).
_ADD = """
    WITH mem AS (
        SELECT m0.id, m0.organization_id, m0.monthly_dues,
               coalesce(date_trunc('month', m0.joined_on)::date, DATE '0001-01-01') AS start
        FROM ({members}) m0 WHERE m0.status IN ('probationary', 'full')
    ), bas AS (
        SELECT b0.member_id, b0.year, b0.monthly_amount, b0.reduced_amount, b0.reduced_from
        FROM ({bases}) b0 WHERE b0.member_id IN (SELECT id FROM mem)
    ), yrs AS (
        SELECT DISTINCT b.member_id, v.y FROM bas b CROSS JOIN LATERAL (VALUES (b.year), (b.year + 1)) v(y)
    ), months AS (
        SELECT m.id, m.organization_id, m.monthly_dues, ys.y, g.mo, make_date(ys.y, g.mo, 1) AS month
        FROM yrs ys JOIN mem m ON m.id = ys.member_id CROSS JOIN generate_series(1, 12) g(mo)
        WHERE make_date(ys.y, g.mo, 1) >= m.start
    ), diffs AS (
        SELECT x.organization_id, x.month,
            CASE WHEN c.reduced_from IS NOT NULL AND x.mo >= c.reduced_from AND c.reduced_amount = 0
                 THEN -1 ELSE 0 END AS months,
            CASE WHEN c.member_id IS NOT NULL AND c.reduced_from IS NOT NULL AND x.mo >= c.reduced_from
                      THEN coalesce(c.reduced_amount, 0)
                 WHEN c.member_id IS NOT NULL THEN c.monthly_amount
                 WHEN p.member_id IS NOT NULL THEN p.monthly_amount
                 ELSE x.monthly_dues END - x.monthly_dues AS amount
        FROM months x
        LEFT JOIN bas c ON c.member_id = x.id AND c.year = x.y
        LEFT JOIN bas p ON p.member_id = x.id AND p.year = x.y - 1
    ), steps AS (
        SELECT organization_id, start AS month, 1 AS months, monthly_dues AS amount FROM mem
        UNION ALL
        SELECT organization_id, month, months, amount FROM diffs
        UNION ALL
        SELECT organization_id, (month + interval '1 month')::date, -months, -amount FROM diffs
    ), grouped AS (
        SELECT organization_id, month, {sign} * sum(months) AS months, {sign} * sum(amount) AS amount
        FROM steps GROUP BY 1, 2 HAVING sum(months) <> 0 OR sum(amount) <> 0
    ), by_month AS (
        INSERT INTO members_duesduetally (organization_id, per_year, month, months, amount)
        SELECT organization_id, false, month, months, amount FROM grouped ORDER BY 1, 3
        ON CONFLICT (organization_id, per_year, month) DO UPDATE
        SET months = members_duesduetally.months + EXCLUDED.months,
            amount = members_duesduetally.amount + EXCLUDED.amount
    )
    INSERT INTO members_duesduetally (organization_id, per_year, month, months, amount)
    SELECT organization_id, true, date_trunc('year', month)::date, sum(months), sum(amount)
    FROM grouped GROUP BY 1, 3 ORDER BY 1, 3
    ON CONFLICT (organization_id, per_year, month) DO UPDATE
    SET months = members_duesduetally.months + EXCLUDED.months,
        amount = members_duesduetally.amount + EXCLUDED.amount;
"""
_PRUNE = "DELETE FROM members_duesduetally WHERE months = 0 AND amount = 0;"

_BASES = "SELECT member_id, year, monthly_amount, reduced_amount, reduced_from FROM {table}"
_CURRENT_BASES = _BASES.format(table="members_duesbase")
# A member's fields the steps depend on.
_CHANGED = """SELECT {side}.* FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.organization_id, o.status, o.joined_on, o.monthly_dues)
          IS DISTINCT FROM (n.organization_id, n.status, n.joined_on, n.monthly_dues)"""


def _members_of(*tables: str) -> str:
    ids = " UNION ".join(f"SELECT member_id FROM {t}" for t in tables)
    return f"SELECT * FROM members_member WHERE id IN ({ids})"


def _bases_before(*, inserted: bool, deleted: bool) -> str:
    """The bases as they were before the statement: the current ones less those it wrote, plus those it
    replaced or removed."""
    query = _CURRENT_BASES
    if inserted:
        query += " WHERE id NOT IN (SELECT id FROM new_rows)"
    if deleted:
        query += " UNION ALL " + _BASES.format(table="old_rows")
    return query


# The members whose bases a statement writes are locked first (in id order, as the dues operations and the
# members.DuesGap triggers do): two transactions writing bases of one member (a base of one year changes the
# next year's figures) or a base and the member run one after the other, each from the other's committed rows.
_LOCK = "PERFORM 1 FROM members_member m WHERE m.id IN ({ids}) ORDER BY m.id FOR NO KEY UPDATE;"


def _trigger(table: str, event: str, body: str) -> str:
    name = f"members_{table.removeprefix('members_')}_dues_due_{event.lower()}"
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


_RECOMPUTE = "DELETE FROM members_duesduetally;" + _ADD.format(
    members="SELECT * FROM members_member", bases=_CURRENT_BASES, sign=1
)

FORWARD = (
    _trigger(
        "members_member",
        "INSERT",
        _ADD.format(members="SELECT * FROM new_rows", bases=_CURRENT_BASES, sign=1),
    )
    + _trigger(
        "members_member",
        "UPDATE",
        _ADD.format(members=_CHANGED.format(side="o"), bases=_CURRENT_BASES, sign=-1)
        + _ADD.format(members=_CHANGED.format(side="n"), bases=_CURRENT_BASES, sign=1)
        + _PRUNE,
    )
    + _trigger(
        "members_member",
        "DELETE",
        _ADD.format(members="SELECT * FROM old_rows", bases=_CURRENT_BASES, sign=-1) + _PRUNE,
    )
    + _trigger("members_member", "TRUNCATE", "DELETE FROM members_duesduetally;")
    + _trigger(
        "members_duesbase",
        "INSERT",
        _LOCK.format(ids="SELECT member_id FROM new_rows")
        + _ADD.format(
            members=_members_of("new_rows"), bases=_bases_before(inserted=True, deleted=False), sign=-1
        )
        + _ADD.format(members=_members_of("new_rows"), bases=_CURRENT_BASES, sign=1)
        + _PRUNE,
    )
    + _trigger(
        "members_duesbase",
        "UPDATE",
        _LOCK.format(ids="SELECT member_id FROM old_rows UNION SELECT member_id FROM new_rows")
        + _ADD.format(
            members=_members_of("old_rows", "new_rows"),
            bases=_bases_before(inserted=True, deleted=True),
            sign=-1,
        )
        + _ADD.format(members=_members_of("old_rows", "new_rows"), bases=_CURRENT_BASES, sign=1)
        + _PRUNE,
    )
    + _trigger(
        "members_duesbase",
        "DELETE",
        _LOCK.format(ids="SELECT member_id FROM old_rows")
        + _ADD.format(
            members=_members_of("old_rows"), bases=_bases_before(inserted=False, deleted=True), sign=-1
        )
        + _ADD.format(members=_members_of("old_rows"), bases=_CURRENT_BASES, sign=1)
        + _PRUNE,
    )
    + _trigger("members_duesbase", "TRUNCATE", _RECOMPUTE)
)

BACKWARD = "".join(
    f"DROP TRIGGER IF EXISTS members_{table}_dues_due_{event} ON members_{table};"
    f" DROP FUNCTION IF EXISTS members_{table}_dues_due_{event}();"
    for table in ("member", "duesbase")
    for event in ("insert", "update", "delete", "truncate")
)

FILL = "DO $$ BEGIN " + _RECOMPUTE + " END $$; ANALYZE members_duesduetally;"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_two_factor_devices_in_chinese"),
        ("members", "0013_dues_month_tally"),
    ]

    operations = [
        migrations.CreateModel(
            name="DuesDueTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("per_year", models.BooleanField(default=False, verbose_name="全年合计")),
                ("month", models.DateField(verbose_name="起始月份")),
                ("months", models.IntegerField(verbose_name="每月应交月数变化")),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=2, max_digits=14, verbose_name="每月应交金额变化（元）"
                    ),
                ),
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
                "verbose_name": "党费按月应交统计（派生）",
                "verbose_name_plural": "党费按月应交统计（派生）",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "per_year", "month"), name="dues_due_tally_key"
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
