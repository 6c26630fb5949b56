# The months owed and paid per organisation and year (members.DuesPaidPattern), kept by triggers on the months
# paid (members.DuesYear), the members and their dues bases, and filled from the rows already recorded — with
# members.DuesDueTally, the arrears of any window of months without reading the members who owe (issue 21;
# R-MB-07, R-MB-13, R-MB-14).

import django.db.models.deletion
from django.db import migrations, models

# A side is ``(members, years, bases)``: a query of member rows, one of DuesYear rows with a sign (member_id,
# year, paid_months, sign: 1 to add, -1 to subtract) and one of dues base rows (member_id, year, monthly_amount,
# reduced_amount, reduced_from). The patterns of those members in those years, computed with those bases, are
# added to the tally (or subtracted); the sides of a statement (the rows as they were, as they are) are written
# in ONE insert, in key order, so two writers lock the tally's rows in the same order. The rule is
# members.dues.with_due_months': an active member owes every month of a year from the joining month (all of it
# when joined before it or without a date), less the months exempted by the year's base (reduced to 0 from
# reduced_from); the months from reduced_from are at the reduced amount, the others at the year's amount, else
# last year's, else the member record's (monthly_dues). Members with no month both owed and paid are left out:
# they add nothing to what is paid.
_SIDE = """
    mem{i} AS (
        SELECT m0.id, m0.organization_id, m0.monthly_dues, m0.joined_on
        FROM ({members}) m0 WHERE m0.status IN ('probationary', 'full')
    ), yrs{i} AS (
        SELECT y0.member_id, y0.year, y0.paid_months, y0.sign
        FROM ({years}) y0 WHERE y0.member_id IN (SELECT id FROM mem{i})
    ), bas{i} AS (
        SELECT b0.member_id, b0.year, b0.monthly_amount, b0.reduced_amount, b0.reduced_from
        FROM ({bases}) b0 WHERE b0.member_id IN (SELECT member_id FROM yrs{i})
    ), masks{i} AS (
        SELECT m.organization_id, y.year, y.paid_months, y.sign,
            (CASE WHEN m.joined_on IS NULL OR m.joined_on < make_date(y.year, 1, 1) THEN 4095
                  WHEN m.joined_on < make_date(y.year + 1, 1, 1)
                      THEN 4096 - (1 << (extract(month FROM m.joined_on)::integer - 1))
                  ELSE 0 END)
            & ~(CASE WHEN c.reduced_amount = 0 THEN coalesce(4096 - (1 << (c.reduced_from - 1)), 0) ELSE 0 END)
                AS owed,
            coalesce(4096 - (1 << (c.reduced_from - 1)), 0) AS reduced,
            coalesce(c.monthly_amount, p.monthly_amount, m.monthly_dues) AS amount,
            coalesce(c.reduced_amount, 0) AS reduced_amount
        FROM yrs{i} y JOIN mem{i} m ON m.id = y.member_id
        LEFT JOIN bas{i} c ON c.member_id = y.member_id AND c.year = y.year
        LEFT JOIN bas{i} p ON p.member_id = y.member_id AND p.year = y.year - 1
    )"""
_INSERT = """
    INSERT INTO members_duespaidpattern
        (organization_id, year, owed_mask, paid_mask, reduced_mask, members, amount, reduced_amount)
    SELECT organization_id, year, owed, owed & paid_months, reduced,
           sum(sign), sum(sign * amount), sum(sign * reduced_amount)
    FROM ({masks}) masks WHERE owed & paid_months <> 0
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0 OR sum(sign * amount) <> 0 OR sum(sign * reduced_amount) <> 0
    ORDER BY 2, 1, 3, 4, 5
    ON CONFLICT (year, organization_id, owed_mask, paid_mask, reduced_mask) DO UPDATE
    SET members = members_duespaidpattern.members + EXCLUDED.members,
        amount = members_duespaidpattern.amount + EXCLUDED.amount,
        reduced_amount = members_duespaidpattern.reduced_amount + EXCLUDED.reduced_amount;
"""


def _add(*sides: tuple[str, str, str]) -> str:
    """One statement adding (or subtracting, by the years' sign) the patterns of each side."""
    ctes = ", ".join(
        _SIDE.format(i=i, members=members, years=years, bases=bases)
        for i, (members, years, bases) in enumerate(sides)
    )
    masks = " UNION ALL ".join(f"SELECT * FROM masks{i}" for i in range(len(sides)))
    return "WITH " + ctes + _INSERT.format(masks=masks)


_PRUNE = "DELETE FROM members_duespaidpattern WHERE members = 0 AND amount = 0 AND reduced_amount = 0;"

_YEARS = "SELECT member_id, year, paid_months, {sign} AS sign FROM members_duesyear"
_BASES = "SELECT member_id, year, monthly_amount, reduced_amount, reduced_from FROM {table}"
_CURRENT_BASES = _BASES.format(table="members_duesbase")
# A member's fields the patterns depend on.
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


# The members whose months paid or bases a statement writes are locked first (in id order, as the dues
# operations, the members.DuesGap and members.DuesDueTally triggers do), and each statement of a plpgsql
# function takes a new snapshot: a payment and a change of the same member's base or record run one after the
# other, each from the other's committed rows.
_LOCK = "PERFORM 1 FROM members_member m WHERE m.id IN ({ids}) ORDER BY m.id FOR NO KEY UPDATE;"


def _trigger(table: str, event: str, body: str) -> str:
    name = f"members_{table.removeprefix('members_')}_dues_paid_{event.lower()}"
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


_RECOMPUTE = "DELETE FROM members_duespaidpattern;" + _add(
    ("SELECT * FROM members_member", _YEARS.format(sign=1), _CURRENT_BASES)
)
_CLEAR = "DELETE FROM members_duespaidpattern;"
_OLD_YEARS = "SELECT member_id, year, paid_months, -1 AS sign FROM old_rows"
_NEW_YEARS = "SELECT member_id, year, paid_months, 1 AS sign FROM new_rows"

FORWARD = (
    # Months paid: the (member, year) rows the statement wrote, as they were and as they are.
    _trigger(
        "members_duesyear",
        "INSERT",
        _LOCK.format(ids="SELECT member_id FROM new_rows")
        + _add((_members_of("new_rows"), _NEW_YEARS, _CURRENT_BASES)),
    )
    + _trigger(
        "members_duesyear",
        "UPDATE",
        _LOCK.format(ids="SELECT member_id FROM old_rows UNION SELECT member_id FROM new_rows")
        + _add((_members_of("old_rows", "new_rows"), _OLD_YEARS + " UNION ALL " + _NEW_YEARS, _CURRENT_BASES))
        + _PRUNE,
    )
    + _trigger(
        "members_duesyear",
        "DELETE",
        _LOCK.format(ids="SELECT member_id FROM old_rows")
        + _add((_members_of("old_rows"), _OLD_YEARS, _CURRENT_BASES))
        + _PRUNE,
    )
    + _trigger("members_duesyear", "TRUNCATE", _CLEAR)
    # Members: a new member has no months paid yet; a change, as the member was and is; a deletion.
    + _trigger(
        "members_member",
        "UPDATE",
        _add(
            (_CHANGED.format(side="o"), _YEARS.format(sign=-1), _CURRENT_BASES),
            (_CHANGED.format(side="n"), _YEARS.format(sign=1), _CURRENT_BASES),
        )
        + _PRUNE,
    )
    + _trigger(
        "members_member",
        "DELETE",
        _add(("SELECT * FROM old_rows", _YEARS.format(sign=-1), _CURRENT_BASES)) + _PRUNE,
    )
    + _trigger("members_member", "TRUNCATE", _CLEAR)
    # Bases: a base of year Y sets the amounts of Y, and of Y + 1 while that year has none (R-MB-14).
    + _trigger(
        "members_duesbase",
        "INSERT",
        _LOCK.format(ids="SELECT member_id FROM new_rows")
        + _add(
            (_members_of("new_rows"), _YEARS.format(sign=-1), _bases_before(inserted=True, deleted=False)),
            (_members_of("new_rows"), _YEARS.format(sign=1), _CURRENT_BASES),
        )
        + _PRUNE,
    )
    + _trigger(
        "members_duesbase",
        "UPDATE",
        _LOCK.format(ids="SELECT member_id FROM old_rows UNION SELECT member_id FROM new_rows")
        + _add(
            (
                _members_of("old_rows", "new_rows"),
                _YEARS.format(sign=-1),
                _bases_before(inserted=True, deleted=True),
            ),
            (_members_of("old_rows", "new_rows"), _YEARS.format(sign=1), _CURRENT_BASES),
        )
        + _PRUNE,
    )
    + _trigger(
        "members_duesbase",
        "DELETE",
        _LOCK.format(ids="SELECT member_id FROM old_rows")
        + _add(
            (_members_of("old_rows"), _YEARS.format(sign=-1), _bases_before(inserted=False, deleted=True)),
            (_members_of("old_rows"), _YEARS.format(sign=1), _CURRENT_BASES),
        )
        + _PRUNE,
    )
    + _trigger("members_duesbase", "TRUNCATE", _RECOMPUTE)
)

BACKWARD = "".join(
    f"DROP TRIGGER IF EXISTS members_{table}_dues_paid_{event} ON members_{table};"
    f" DROP FUNCTION IF EXISTS members_{table}_dues_paid_{event}();"
    for table, events in (
        ("duesyear", ("insert", "update", "delete", "truncate")),
        ("member", ("update", "delete", "truncate")),
        ("duesbase", ("insert", "update", "delete", "truncate")),
    )
    for event in events
)

FILL = "DO $$ BEGIN " + _RECOMPUTE + " END $$; ANALYZE members_duespaidpattern;"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_two_factor_devices_in_chinese"),
        ("members", "0015_merge_dues_due_tally_search_autovacuum"),
    ]

    operations = [
        migrations.CreateModel(
            name="DuesPaidPattern",
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
                "verbose_name": "党费已交月份统计（派生）",
                "verbose_name_plural": "党费已交月份统计（派生）",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("year", "organization", "owed_mask", "paid_mask", "reduced_mask"),
                        name="dues_paid_pattern_key",
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
