# The dues expected per organisation (members.DuesDueTally) rewritten (issue 21; R-MB-07, R-MB-13, R-MB-14):
#
# - each trigger writes the steps as they were (subtracted) and as they are (added) in ONE insert, in key order,
#   as those of members.DuesPaidPattern (migration 0016) do: two transactions writing in one organisation lock
#   its rows in the same order instead of each holding the rows of one statement while waiting for the other's
#   (0014 subtracted and added in two statements, and could deadlock);
# - the yearly sums (per_year) become sums of everything before a year (``cumulative``, ``month`` its January):
#   a window within year Y reads one row per organisation and the monthly steps of Y, whatever the years of
#   history. A step of year y is added to the sums of every year from y + 1 to HORIZON, so each row is a sum of
#   the changes written to it, in any order (no row is computed from another, no row need exist beforehand);
#   a window after HORIZON reads the sum before HORIZON and the monthly steps from it
#   (members.dues.expected_by_organization, DuesDueTally.HORIZON);
# - a change of dues bases recomputes only the years whose figures the bases written decide (the year of each
#   base and the year after, R-MB-14): the steps of the other years are the same before and after.
#
# The rows a statement empties are removed by their id, after the insert has locked them: no other row is read
# or locked.

import importlib

from django.db import migrations, models

HORIZON = 2100  # members.models.DuesDueTally.HORIZON

_0014 = importlib.import_module("members.migrations.0014_dues_due_tally")

# A side is ``(members, bases, years, sign)``: a query of member rows, one of dues base rows (member_id, year,
# monthly_amount, reduced_amount, reduced_from), one of (member_id, year) pairs whose months are recomputed (None
# for every year) and 1 or -1. The steps of those members computed with those bases are added to the tally (or
# subtracted). The rule is members.dues.with_due_months': an active member owes every month from the joining
# month (from always without a date) at the member record's amount (monthly_dues), except in a year with its own
# base or following one: there the year's amount, else last year's; from a reduction's month the reduced amount,
# and an exempted month (reduced to 0) is not owed. So each member has a step at the joining month (only when
# every year is recomputed: a base does not move it), and for each month of a year with a base or after one a
# difference from the member record's figure: a step up to the real figure and back down the month after (the
# steps of consecutive equal months cancel in the sums).
_SIDE = """
    mem{i} AS (
        SELECT m0.id, m0.organization_id, m0.monthly_dues,
               coalesce(date_trunc('month', m0.joined_on)::date, DATE '0001-01-01') AS start
        FROM ({members}) m0 WHERE m0.status IN ('probationary', 'full')
    ), bas{i} AS (
        SELECT b0.member_id, b0.year, b0.monthly_amount, b0.reduced_amount, b0.reduced_from
        FROM ({bases}) b0 WHERE b0.member_id IN (SELECT id FROM mem{i})
    ), yrs{i} AS (
        SELECT DISTINCT b.member_id, v.y FROM bas{i} b CROSS JOIN LATERAL (VALUES (b.year), (b.year + 1)) v(y)
        {only_years}
    ), months{i} AS (
        SELECT m.id, m.organization_id, m.monthly_dues, ys.y, g.mo, make_date(ys.y, g.mo, 1) AS month
        FROM yrs{i} ys JOIN mem{i} m ON m.id = ys.member_id CROSS JOIN generate_series(1, 12) g(mo)
        WHERE make_date(ys.y, g.mo, 1) >= m.start
    ), diffs{i} AS (
        SELECT x.organization_id, x.month,
            {sign} * CASE WHEN c.reduced_from IS NOT NULL AND x.mo >= c.reduced_from AND c.reduced_amount = 0
                 THEN -1 ELSE 0 END AS months,
            {sign} * (CASE WHEN c.member_id IS NOT NULL AND c.reduced_from IS NOT NULL AND x.mo >= c.reduced_from
                      THEN coalesce(c.reduced_amount, 0)
                 WHEN c.member_id IS NOT NULL THEN c.monthly_amount
                 WHEN p.member_id IS NOT NULL THEN p.monthly_amount
                 ELSE x.monthly_dues END - x.monthly_dues) AS amount
        FROM months{i} x
        LEFT JOIN bas{i} c ON c.member_id = x.id AND c.year = x.y
        LEFT JOIN bas{i} p ON p.member_id = x.id AND p.year = x.y - 1
    )"""
_START_STEPS = "SELECT organization_id, start, {sign}, {sign} * monthly_dues FROM mem{i} UNION ALL "

# The differences of every side summed per organisation and month first (few rows), then turned into steps
# (up at the month, down the month after) with the joining steps; the steps summed per organisation and month,
# per organisation and year, and into the sums before each later year up to HORIZON; written in one insert in
# the order of dues_due_tally_key. The ids of the rows it leaves at zero are kept in ``emptied`` (declared by
# _trigger) and those rows removed.
_WRITE = """
    , diffsum AS (
        SELECT organization_id, month, sum(months) AS months, sum(amount) AS amount
        FROM ({diffs}) d(organization_id, month, months, amount)
        GROUP BY 1, 2 HAVING sum(months) <> 0 OR sum(amount) <> 0
    ), grouped AS (
        SELECT organization_id, month, sum(months) AS months, sum(amount) AS amount
        FROM ({starts}SELECT organization_id, month, months, amount FROM diffsum
              UNION ALL
              SELECT organization_id, (month + interval '1 month')::date, -months, -amount FROM diffsum
        ) s(organization_id, month, months, amount)
        GROUP BY 1, 2 HAVING sum(months) <> 0 OR sum(amount) <> 0
    ), yearly AS (
        SELECT organization_id, extract(year FROM month)::integer AS y, sum(months) AS months,
               sum(amount) AS amount
        FROM grouped GROUP BY 1, 2 HAVING sum(months) <> 0 OR sum(amount) <> 0
    ), before AS (
        SELECT y.organization_id, make_date(t, 1, 1) AS month, sum(y.months) AS months, sum(y.amount) AS amount
        FROM yearly y CROSS JOIN LATERAL generate_series(y.y + 1, {horizon}) t
        GROUP BY 1, 2 HAVING sum(y.months) <> 0 OR sum(y.amount) <> 0
    ), written AS (
        INSERT INTO members_duesduetally (organization_id, cumulative, month, months, amount)
        SELECT organization_id, false, month, months, amount FROM grouped
        UNION ALL
        SELECT organization_id, true, month, months, amount FROM before
        ORDER BY 1, 2, 3
        ON CONFLICT (organization_id, cumulative, month) DO UPDATE
        SET months = members_duesduetally.months + EXCLUDED.months,
            amount = members_duesduetally.amount + EXCLUDED.amount
        RETURNING id, months, amount
    )
    SELECT array_agg(id) INTO emptied FROM written WHERE months = 0 AND amount = 0;
    IF emptied IS NOT NULL THEN
        DELETE FROM members_duesduetally WHERE id = ANY (emptied);
    END IF;
"""


def _write(*sides: tuple[str, str, str | None, int]) -> str:
    """One statement adding the steps of each side (members, bases, years recomputed or None, sign)."""
    ctes = ", ".join(
        _SIDE.format(
            i=i,
            members=members,
            bases=bases,
            sign=sign,
            only_years="" if years is None else f"WHERE (b.member_id, v.y) IN ({years})",
        )
        for i, (members, bases, years, sign) in enumerate(sides)
    )
    diffs = " UNION ALL ".join(f"SELECT * FROM diffs{i}" for i in range(len(sides)))
    # a change of bases does not move the joining steps
    starts = "".join(
        _START_STEPS.format(i=i, sign=sign) for i, (_, _, years, sign) in enumerate(sides) if years is None
    )
    return "WITH" + ctes + _WRITE.format(diffs=diffs, starts=starts, horizon=HORIZON)


_BASES = "SELECT member_id, year, monthly_amount, reduced_amount, reduced_from FROM {table}"
_CURRENT_BASES = _BASES.format(table="members_duesbase")
# A member's fields the steps depend on.
_CHANGED = """SELECT {side}.* FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.organization_id, o.status, o.joined_on, o.monthly_dues)
          IS DISTINCT FROM (n.organization_id, n.status, n.joined_on, n.monthly_dues)"""


def _members_of(*tables: str) -> str:
    ids = " UNION ".join(f"SELECT member_id FROM {t}" for t in tables)
    return f"SELECT * FROM members_member WHERE id IN ({ids})"


def _years_of(*tables: str) -> str:
    """The (member, year) pairs whose figures the bases in ``tables`` decide: their year and the next."""
    return " UNION ".join(
        f"SELECT member_id, year + k FROM {t} CROSS JOIN (VALUES (0), (1)) d(k)" for t in tables
    )


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
# members.DuesGap and members.DuesPaidPattern triggers do): two transactions writing bases of one member (a
# base of one year changes the next year's figures) or a base and the member run one after the other, each
# from the other's committed rows.
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


_RECOMPUTE = "DELETE FROM members_duesduetally;" + _write(
    ("SELECT * FROM members_member", _CURRENT_BASES, None, 1)
)

FORWARD = (
    _trigger("members_member", "INSERT", _write(("SELECT * FROM new_rows", _CURRENT_BASES, None, 1)))
    + _trigger(
        "members_member",
        "UPDATE",
        _write(
            (_CHANGED.format(side="o"), _CURRENT_BASES, None, -1),
            (_CHANGED.format(side="n"), _CURRENT_BASES, None, 1),
        ),
    )
    + _trigger("members_member", "DELETE", _write(("SELECT * FROM old_rows", _CURRENT_BASES, None, -1)))
    + _trigger("members_member", "TRUNCATE", "DELETE FROM members_duesduetally;")
    + _trigger(
        "members_duesbase",
        "INSERT",
        _LOCK.format(ids="SELECT member_id FROM new_rows")
        + _write(
            (_members_of("new_rows"), _bases_before(inserted=True, deleted=False), _years_of("new_rows"), -1),
            (_members_of("new_rows"), _CURRENT_BASES, _years_of("new_rows"), 1),
        ),
    )
    + _trigger(
        "members_duesbase",
        "UPDATE",
        _LOCK.format(ids="SELECT member_id FROM old_rows UNION SELECT member_id FROM new_rows")
        + _write(
            (
                _members_of("old_rows", "new_rows"),
                _bases_before(inserted=True, deleted=True),
                _years_of("old_rows", "new_rows"),
                -1,
            ),
            (_members_of("old_rows", "new_rows"), _CURRENT_BASES, _years_of("old_rows", "new_rows"), 1),
        ),
    )
    + _trigger(
        "members_duesbase",
        "DELETE",
        _LOCK.format(ids="SELECT member_id FROM old_rows")
        + _write(
            (_members_of("old_rows"), _bases_before(inserted=False, deleted=True), _years_of("old_rows"), -1),
            (_members_of("old_rows"), _CURRENT_BASES, _years_of("old_rows"), 1),
        ),
    )
    + _trigger("members_duesbase", "TRUNCATE", _RECOMPUTE)
)

DROP = _0014.BACKWARD
FILL = "DO $$ DECLARE emptied bigint[]; BEGIN " + _RECOMPUTE + " END $$; ANALYZE members_duesduetally;"


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0019_member_status_joined_on_index"),
    ]

    operations = [
        # Back to 0014's triggers and yearly sums when reversed: dropped, renamed back, recreated and refilled.
        migrations.RunSQL(DROP, _0014.FORWARD + _0014.FILL),
        migrations.RemoveConstraint(model_name="duesduetally", name="dues_due_tally_key"),
        migrations.RemoveIndex(model_name="duesduetally", name="dues_due_tally_month"),
        migrations.RenameField(model_name="duesduetally", old_name="per_year", new_name="cumulative"),
        migrations.AlterField(
            model_name="duesduetally",
            name="cumulative",
            field=models.BooleanField(default=False, verbose_name="此前累计"),
        ),
        migrations.AddConstraint(
            model_name="duesduetally",
            constraint=models.UniqueConstraint(
                fields=("organization", "cumulative", "month"), name="dues_due_tally_key"
            ),
        ),
        migrations.AddIndex(
            model_name="duesduetally",
            index=models.Index(
                fields=["cumulative", "month"],
                include=("organization", "months", "amount"),
                name="dues_due_tally_month",
            ),
        ),
        migrations.RunSQL(FORWARD + FILL, DROP),
    ]
