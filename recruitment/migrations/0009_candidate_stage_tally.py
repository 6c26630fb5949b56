# recruitment.CandidateStageTally: the candidates per organisation and stage now, kept by the database (issue 21)
# so the statistics' funnel reads a row per organisation and stage instead of every candidate.
#
# - After each INSERT / UPDATE / DELETE statement on the candidates, the rows as they were are subtracted and
#   the rows as they are added (transition tables: one set-based statement however many rows), summed per
#   organisation and stage first and written in ONE insert in key order, as members.DuesPaidPattern's triggers
#   do (members 0016, 0022): two transactions writing candidates of one organisation lock its rows in the same
#   order. The rows that insert leaves at zero are removed by their id; no other row is read or locked. An
#   update that moves no candidate (any other column) sums to nothing and writes nothing.
# - TRUNCATE of the candidates empties the tally.
# - The tally is filled from the candidates already recorded (FILL, also the rebuild of the equivalence test).
# tests/reports/test_tally_equivalence.py proves it equal to a direct count after every kind of write.

import django.db.models.deletion
from django.db import migrations, models

FILL = """
DELETE FROM recruitment_candidatestagetally;
INSERT INTO recruitment_candidatestagetally (organization_id, stage, candidates)
SELECT organization_id, stage, count(*) FROM recruitment_candidate GROUP BY 1, 2 ORDER BY 1, 2;
"""

# ``{moved}``: the (organization_id, stage, candidates) changes of the statement, one row per candidate side.
_WRITE = """
    WITH summed AS (
        SELECT organization_id, stage, sum(candidates) AS candidates
        FROM ({moved}) m(organization_id, stage, candidates)
        GROUP BY 1, 2 HAVING sum(candidates) <> 0
    ), written AS (
        INSERT INTO recruitment_candidatestagetally AS t (organization_id, stage, candidates)
        SELECT organization_id, stage, candidates FROM summed ORDER BY 1, 2
        ON CONFLICT (organization_id, stage) DO UPDATE SET candidates = t.candidates + EXCLUDED.candidates
        RETURNING t.id, t.candidates
    )
    SELECT array_agg(id) INTO emptied FROM written WHERE candidates = 0;
    IF emptied IS NOT NULL THEN
        DELETE FROM recruitment_candidatestagetally WHERE id = ANY (emptied);
    END IF;
"""
_ADDED = "SELECT organization_id, stage, 1 FROM new_rows"
_REMOVED = "SELECT organization_id, stage, -1 FROM old_rows"


def _trigger(event: str, body: str) -> str:
    name = f"recruitment_candidate_stage_tally_{event.lower()}"
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
    CREATE TRIGGER {name} AFTER {event} ON recruitment_candidate {referencing}
        FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    """


FORWARD = (
    _trigger("INSERT", _WRITE.format(moved=_ADDED))
    + _trigger("UPDATE", _WRITE.format(moved=f"{_REMOVED} UNION ALL {_ADDED}"))
    + _trigger("DELETE", _WRITE.format(moved=_REMOVED))
    + _trigger("TRUNCATE", "DELETE FROM recruitment_candidatestagetally;")
)

BACKWARD = "".join(
    f"""
    DROP TRIGGER IF EXISTS recruitment_candidate_stage_tally_{event} ON recruitment_candidate;
    DROP FUNCTION IF EXISTS recruitment_candidate_stage_tally_{event}();
    """
    for event in ("insert", "update", "delete", "truncate")
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_two_factor_devices_in_chinese"),
        ("recruitment", "0008_candidate_flag_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CandidateStageTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("applicant", "入党申请人"),
                            ("activist", "入党积极分子"),
                            ("target", "发展对象"),
                            ("probationary", "预备党员"),
                            ("full", "正式党员"),
                            ("withdrawn", "已退出"),
                            ("not_approved", "未获通过"),
                            ("cancelled", "取消预备党员资格"),
                        ],
                        max_length=20,
                        verbose_name="阶段",
                    ),
                ),
                ("candidates", models.IntegerField(verbose_name="人数")),
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
                "verbose_name": "发展对象阶段人数（派生）",
                "verbose_name_plural": "发展对象阶段人数（派生）",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "stage"), name="candidate_stage_tally_key"
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
