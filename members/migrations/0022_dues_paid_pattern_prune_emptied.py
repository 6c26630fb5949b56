# The months owed and paid per organisation (members.DuesPaidPattern, migration 0016): the rows a trigger's
# write leaves at zero are removed by their id, as members.DuesDueTally's are (migration 0020; issue 21,
# R-MB-07). 0016 removed them with a DELETE over the whole table after each write, which read every pattern of
# every organisation and year; the insert now returns the rows it wrote (and locked), and only those it
# emptied are deleted. The statement, its key order and the figures are 0016's; the triggers are dropped and
# recreated under the same names (they fire in the same order), the table is left as it is.

import importlib

from django.db import migrations

_0016 = importlib.import_module("members.migrations.0016_dues_paid_pattern")

# 0016's insert, in a CTE returning the rows it wrote; the ids of those it leaves at zero are kept in
# ``emptied`` (declared by _trigger) and those rows removed.
_WRITE = """
    , written AS (
        INSERT INTO members_duespaidpattern
            (organization_id, year, owed_mask, paid_mask, reduced_mask, members, amount, reduced_amount)
        SELECT organization_id, year, owed, owed & paid_months, reduced,
               sum(sign), sum(sign * amount), sum(sign * reduced_amount)
        FROM ({masks}) masks WHERE owed & paid_months <> 0
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(sign) <> 0 OR sum(sign * amount) <> 0 OR sum(sign * reduced_amount) <> 0
        ORDER BY 2, 1, 3, 4, 5
        ON CONFLICT (year, organization_id, owed_mask, paid_mask, reduced_mask) DO UPDATE
        SET members = members_duespaidpattern.members + EXCLUDED.members,
            amount = members_duespaidpattern.amount + EXCLUDED.amount,
            reduced_amount = members_duespaidpattern.reduced_amount + EXCLUDED.reduced_amount
        RETURNING id, members, amount, reduced_amount
    )
    SELECT array_agg(id) INTO emptied FROM written WHERE members = 0 AND amount = 0 AND reduced_amount = 0;
    IF emptied IS NOT NULL THEN
        DELETE FROM members_duespaidpattern WHERE id = ANY (emptied);
    END IF;
"""


def _write(*sides: tuple[str, str, str]) -> str:
    """One statement adding (or subtracting, by the years' sign) the patterns of each side (0016's _add), and
    the removal of the rows it emptied."""
    ctes = ", ".join(
        _0016._SIDE.format(i=i, members=members, years=years, bases=bases)
        for i, (members, years, bases) in enumerate(sides)
    )
    masks = " UNION ALL ".join(f"SELECT * FROM masks{i}" for i in range(len(sides)))
    return "WITH " + ctes + _WRITE.format(masks=masks)


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


_LOCK = _0016._LOCK
_YEARS = _0016._YEARS
_CURRENT_BASES = _0016._CURRENT_BASES
_CHANGED = _0016._CHANGED
_OLD_YEARS = _0016._OLD_YEARS
_NEW_YEARS = _0016._NEW_YEARS
_members_of = _0016._members_of
_bases_before = _0016._bases_before

_CLEAR = "DELETE FROM members_duespaidpattern;"
_RECOMPUTE = _CLEAR + _write(("SELECT * FROM members_member", _YEARS.format(sign=1), _CURRENT_BASES))

FORWARD = (
    # Months paid: the (member, year) rows the statement wrote, as they were and as they are.
    _trigger(
        "members_duesyear",
        "INSERT",
        _LOCK.format(ids="SELECT member_id FROM new_rows")
        + _write((_members_of("new_rows"), _NEW_YEARS, _CURRENT_BASES)),
    )
    + _trigger(
        "members_duesyear",
        "UPDATE",
        _LOCK.format(ids="SELECT member_id FROM old_rows UNION SELECT member_id FROM new_rows")
        + _write(
            (_members_of("old_rows", "new_rows"), _OLD_YEARS + " UNION ALL " + _NEW_YEARS, _CURRENT_BASES)
        ),
    )
    + _trigger(
        "members_duesyear",
        "DELETE",
        _LOCK.format(ids="SELECT member_id FROM old_rows")
        + _write((_members_of("old_rows"), _OLD_YEARS, _CURRENT_BASES)),
    )
    + _trigger("members_duesyear", "TRUNCATE", _CLEAR)
    # Members: a new member has no months paid yet; a change, as the member was and is; a deletion.
    + _trigger(
        "members_member",
        "UPDATE",
        _write(
            (_CHANGED.format(side="o"), _YEARS.format(sign=-1), _CURRENT_BASES),
            (_CHANGED.format(side="n"), _YEARS.format(sign=1), _CURRENT_BASES),
        ),
    )
    + _trigger(
        "members_member",
        "DELETE",
        _write(("SELECT * FROM old_rows", _YEARS.format(sign=-1), _CURRENT_BASES)),
    )
    + _trigger("members_member", "TRUNCATE", _CLEAR)
    # Bases: a base of year Y sets the amounts of Y, and of Y + 1 while that year has none (R-MB-14).
    + _trigger(
        "members_duesbase",
        "INSERT",
        _LOCK.format(ids="SELECT member_id FROM new_rows")
        + _write(
            (_members_of("new_rows"), _YEARS.format(sign=-1), _bases_before(inserted=True, deleted=False)),
            (_members_of("new_rows"), _YEARS.format(sign=1), _CURRENT_BASES),
        ),
    )
    + _trigger(
        "members_duesbase",
        "UPDATE",
        _LOCK.format(ids="SELECT member_id FROM old_rows UNION SELECT member_id FROM new_rows")
        + _write(
            (
                _members_of("old_rows", "new_rows"),
                _YEARS.format(sign=-1),
                _bases_before(inserted=True, deleted=True),
            ),
            (_members_of("old_rows", "new_rows"), _YEARS.format(sign=1), _CURRENT_BASES),
        ),
    )
    + _trigger(
        "members_duesbase",
        "DELETE",
        _LOCK.format(ids="SELECT member_id FROM old_rows")
        + _write(
            (_members_of("old_rows"), _YEARS.format(sign=-1), _bases_before(inserted=False, deleted=True)),
            (_members_of("old_rows"), _YEARS.format(sign=1), _CURRENT_BASES),
        ),
    )
    + _trigger("members_duesbase", "TRUNCATE", _RECOMPUTE)
)

# The table rebuilt from the rows recorded (nothing to fill: the figures are 0016's; used by the tests).
FILL = "DO $$ DECLARE emptied bigint[]; BEGIN " + _RECOMPUTE + " END $$;"


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0021_member_reserve_cadre_indexes"),
    ]

    operations = [
        # Back to 0016's functions when reversed: dropped and recreated.
        migrations.RunSQL(_0016.BACKWARD + FORWARD, _0016.BACKWARD + _0016.FORWARD),
    ]
