# The meetings' tally (members.MeetingTally, migration 0009) keeps each meeting in three rows: its month's, its
# quarter's and its year's (``months`` 1, 3, 12), so a quarter or a year of the statistics reads one row per
# organisation and kind instead of one per month (issue 21: 3,401 rows for a year at 50,000 members). The
# triggers of 0009 are replaced by ones that write the three spans in the same statement: counts added and
# subtracted (ON CONFLICT), never recomputed, rows taken in key order so concurrent writers cannot deadlock;
# the rows of a statement grouped by span first, so one statement never updates a row twice. Reversed: 0009's
# triggers, and the month rows as they are.

import importlib

from django.db import migrations, models

_0009 = importlib.import_module("members.migrations.0009_statistics_tallies")

# Each meeting's three spans: the unit date_trunc cuts its day to, and the span's length in months.
SPANS = "(VALUES ('month', 1), ('quarter', 3), ('year', 12)) AS s(unit, months)"
_FIRST = "date_trunc(s.unit, {col})::date"

_UPSERT = """
INSERT INTO members_meetingtally AS t (month, months, organization_id, kind, held, present, attended)
{select}
ON CONFLICT (month, months, organization_id, kind) DO UPDATE SET
    held = t.held + EXCLUDED.held,
    present = t.present + EXCLUDED.present,
    attended = t.attended + EXCLUDED.attended;
"""


def _meetings(changes: str, with_rolls: bool) -> str:
    """Add ``changes`` (meeting columns and ``sign``) to their spans; ``with_rolls`` adds the rolls they already
    have (a meeting moved to another month, organisation or kind takes its roll along)."""
    rolls = (
        "LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE a.present) AS present, count(*) AS attended"
        " FROM members_attendance a WHERE a.meeting_id = c.id) r ON true"
        if with_rolls
        else "CROSS JOIN (SELECT 0 AS present, 0 AS attended) r"
    )
    select = f"""
        SELECT {_FIRST.format(col="c.held_on")}, s.months, c.organization_id, c.kind, sum(c.sign),
               sum(c.sign * r.present), sum(c.sign * r.attended)
        FROM ({changes}) c {rolls} CROSS JOIN {SPANS}
        GROUP BY 1, 2, 3, 4
        HAVING sum(c.sign) <> 0 OR sum(c.sign * r.present) <> 0 OR sum(c.sign * r.attended) <> 0
        ORDER BY 1, 2, 3, 4"""
    return _UPSERT.format(select=select)


def _rolls(changes: str) -> str:
    """Add ``changes`` (``meeting_id``, ``present`` and ``sign``) to their meetings' spans."""
    select = f"""
        SELECT {_FIRST.format(col="m.held_on")}, s.months, m.organization_id, m.kind, 0,
               sum(c.sign * c.present::integer), sum(c.sign)
        FROM ({changes}) c JOIN members_meeting m ON m.id = c.meeting_id CROSS JOIN {SPANS}
        GROUP BY 1, 2, 3, 4
        HAVING sum(c.sign * c.present::integer) <> 0 OR sum(c.sign) <> 0
        ORDER BY 1, 2, 3, 4"""
    return _UPSERT.format(select=select)


MEETING, MOVED, ROLL = _0009.MEETING, _0009.MOVED, _0009.ROLL

FORWARD = (
    _0009.BACKWARD
    + "".join(
        [
            # A new meeting has no roll yet (attendance rows point at a meeting that exists).
            _0009._trigger(
                "members_meeting", "INSERT", _meetings(f"SELECT {MEETING}, 1 AS sign FROM new_rows", False)
            ),
            _0009._trigger("members_meeting", "UPDATE", _meetings(MOVED, True)),
            # Attendance rows are PROTECTed: a meeting is deleted after its roll, which has taken itself out.
            _0009._trigger(
                "members_meeting", "DELETE", _meetings(f"SELECT {MEETING}, -1 AS sign FROM old_rows", True)
            ),
            _0009._trigger("members_attendance", "INSERT", _rolls(f"SELECT {ROLL}, 1 AS sign FROM new_rows")),
            _0009._trigger(
                "members_attendance",
                "UPDATE",
                _rolls(
                    f"SELECT {ROLL}, -1 AS sign FROM old_rows UNION ALL SELECT {ROLL}, 1 AS sign FROM new_rows"
                ),
            ),
            _0009._trigger("members_attendance", "DELETE", _rolls(f"SELECT {ROLL}, -1 AS sign FROM old_rows")),
        ]
    )
    + """
CREATE FUNCTION members_meeting_tally_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM members_meetingtally;
    RETURN NULL;
END;
$$;
CREATE TRIGGER members_meeting_tally_truncate AFTER TRUNCATE ON members_meeting
    FOR EACH STATEMENT EXECUTE FUNCTION members_meeting_tally_clear();
"""
)

# The tally rebuilt from the meetings and rolls recorded (the triggers above hold off writers until commit);
# also the rebuild the equivalence tests compare the kept tally with.
FILL = f"""
DELETE FROM members_meetingtally;
INSERT INTO members_meetingtally (month, months, organization_id, kind, held, present, attended)
SELECT {_FIRST.format(col="m.held_on")}, s.months, m.organization_id, m.kind, count(*),
       coalesce(sum(r.present), 0), coalesce(sum(r.attended), 0)
FROM members_meeting m
LEFT JOIN (
    SELECT meeting_id, count(*) FILTER (WHERE present) AS present, count(*) AS attended
    FROM members_attendance GROUP BY meeting_id
) r ON r.meeting_id = m.id
CROSS JOIN {SPANS}
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4;
"""

BACKWARD = _0009.BACKWARD + _0009.FORWARD + "DELETE FROM members_meetingtally WHERE months <> 1;"


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0026_dues_town_tallies"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="meetingtally",
            options={
                "verbose_name": "组织生活月度、季度、年度统计（派生）",
                "verbose_name_plural": "组织生活月度、季度、年度统计（派生）",
            },
        ),
        migrations.AddField(
            model_name="meetingtally",
            name="months",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "月"), (3, "季度"), (12, "年")], default=1, verbose_name="月数"
            ),
        ),
        migrations.AlterField(
            model_name="meetingtally",
            name="month",
            field=models.DateField(verbose_name="起始月份"),
        ),
        migrations.RemoveConstraint(
            model_name="meetingtally",
            name="meeting_tally_key",
        ),
        migrations.AddConstraint(
            model_name="meetingtally",
            constraint=models.UniqueConstraint(
                fields=("month", "months", "organization", "kind"), name="meeting_tally_span_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="meetingtally",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("months", 1),
                    models.Q(("month__month__in", (1, 4, 7, 10)), ("months", 3)),
                    models.Q(("month__month", 1), ("months", 12)),
                    _connector="OR",
                ),
                name="meeting_tally_span_start",
            ),
        ),
        migrations.RunSQL(FORWARD + FILL, BACKWARD),
    ]
