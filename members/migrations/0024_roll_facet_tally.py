# The town's composition (members.RollFacetTally, issue 21): members per status and one facet — organisation,
# gender, education, ethnicity — instead of members.RollTally's one row per combination of all of them (which
# grows with the members: 500 rows at 5,000, 2,166 at 50,000). The roll trigger of migration 0009 is replaced by
# one that writes the facets and, as before, members.RollDateTally, in one statement per INSERT / UPDATE /
# DELETE: counts added and subtracted (ON CONFLICT), never recomputed, rows taken in key order; an UPDATE that
# changes none of the counted columns touches no tally row. Reversed: 0009's trigger and RollTally, refilled.

import importlib

from django.db import migrations, models

_0009 = importlib.import_module("members.migrations.0009_statistics_tallies")

ROLL_COLUMNS = _0009.ROLL_COLUMNS
ROLL_CHANGED = _0009.ROLL_CHANGED


def _roll_add(changes: str) -> str:
    """Add the rows of ``changes`` (member columns and ``sign``) to both tallies, in key order."""
    return f"""
    WITH changes AS ({changes}),
    facets AS (
        INSERT INTO members_rollfacettally AS t (facet, value, status, members)
        SELECT facet, value, status, sum(sign) FROM (
            SELECT 'organization' AS facet, organization_id::text AS value, status, sign FROM changes
            UNION ALL SELECT 'gender', gender, status, sign FROM changes
            UNION ALL SELECT 'education', education, status, sign FROM changes
            UNION ALL SELECT 'ethnicity', ethnicity, status, sign FROM changes
        ) f
        GROUP BY 1, 2, 3 HAVING sum(sign) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (facet, value, status) DO UPDATE SET members = t.members + EXCLUDED.members
    )
    INSERT INTO members_rolldatetally AS t (field, status, month, members)
    SELECT field, status, month, sum(sign) FROM (
        SELECT 'birth' AS field, status, date_trunc('month', birth_date)::date AS month, sign FROM changes
        UNION ALL
        SELECT 'full', status, date_trunc('month', full_member_on)::date, sign FROM changes
    ) d
    GROUP BY 1, 2, 3 HAVING sum(sign) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (field, status, month) DO UPDATE SET members = t.members + EXCLUDED.members;
    """


FORWARD = (
    _0009.ROLL_BACKWARD
    + _0009._roll_trigger("INSERT", _roll_add(f"SELECT {ROLL_COLUMNS}, 1 AS sign FROM new_rows"))
    + _0009._roll_trigger("UPDATE", _roll_add(ROLL_CHANGED))
    + _0009._roll_trigger("DELETE", _roll_add(f"SELECT {ROLL_COLUMNS}, -1 AS sign FROM old_rows"))
    + """
    CREATE FUNCTION members_member_roll_tally_clear() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM members_rollfacettally;
        DELETE FROM members_rolldatetally;
        RETURN NULL;
    END;
    $$;
    CREATE TRIGGER members_member_roll_tally_truncate AFTER TRUNCATE ON members_member
        FOR EACH STATEMENT EXECUTE FUNCTION members_member_roll_tally_clear();
    """
)
# Both tallies rebuilt from the members (the triggers above hold off writers until commit); also the rebuild the
# equivalence tests may compare the kept tallies with.
FILL = "DELETE FROM members_rollfacettally; DELETE FROM members_rolldatetally;" + _roll_add(
    f"SELECT {ROLL_COLUMNS}, 1 AS sign FROM members_member"
)
BACKWARD = (
    _0009.ROLL_BACKWARD
    + _0009.ROLL_FORWARD
    + "DELETE FROM members_rolltally; DELETE FROM members_rolldatetally;"
    + _0009.ROLL_FILL
)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0023_flow_tally"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollFacetTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "facet",
                    models.CharField(
                        choices=[
                            ("organization", "党组织"),
                            ("gender", "性别"),
                            ("education", "学历"),
                            ("ethnicity", "民族"),
                        ],
                        max_length=12,
                        verbose_name="项目",
                    ),
                ),
                ("value", models.CharField(blank=True, max_length=20, verbose_name="取值")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("probationary", "预备党员"),
                            ("full", "正式党员"),
                            ("transferred_out", "已转出"),
                            ("deceased", "已去世"),
                            ("expelled", "开除党籍"),
                            ("removed", "除名/出党"),
                        ],
                        max_length=20,
                        verbose_name="党员状态",
                    ),
                ),
                ("members", models.IntegerField(default=0, verbose_name="人数")),
            ],
            options={
                "verbose_name": "党员构成统计（派生）",
                "verbose_name_plural": "党员构成统计（派生）",
                "constraints": [
                    models.UniqueConstraint(fields=("facet", "value", "status"), name="roll_facet_tally_key")
                ],
            },
        ),
        migrations.RunSQL(FORWARD + FILL, BACKWARD),
        migrations.DeleteModel(
            name="RollTally",
        ),
    ]
