# R-RC-05 / R-RC-07: ``Candidate.activist_since``, the decision date of the latest change into 入党积极分子
# (``recruitment.rules.stage_since(candidate, ACTIVIST)``) kept by the database (issue 21): the 工作台 and the
# statistics compare a column instead of running one "latest change into activist" subquery per activist.
#
# - After each INSERT / UPDATE / DELETE statement on the stage changes, the candidates whose changes into
#   activist were touched (on either side of an update: a change moved to another candidate or stage) get the
#   column recomputed from their changes — one set-based statement however many rows.
# - Before a candidate row is written, a value that differs from the stored one (a stale instance saved by
#   Django, a hand edit, a new row) is replaced by the value recomputed from the changes, so only the truth is
#   ever stored. Recomputing is one probe of ``stagechange_latest_into`` (candidate, to_state, decided_on desc).
# - Existing candidates are filled from the changes already recorded.
# tests/reports/test_tally_equivalence.py proves the column equal to the direct question after every kind of
# write.

from django.db import migrations, models

SINCE = """
CREATE FUNCTION recruitment_activist_since(candidate bigint) RETURNS date LANGUAGE sql STABLE AS $$
    SELECT max(decided_on) FROM recruitment_stagechange
    WHERE candidate_id = candidate AND to_state = 'activist'
$$;

CREATE FUNCTION recruitment_candidate_activist_since() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.activist_since IS DISTINCT FROM OLD.activist_since THEN
        NEW.activist_since := recruitment_activist_since(NEW.id);
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER recruitment_candidate_activist_since BEFORE INSERT OR UPDATE OF activist_since
    ON recruitment_candidate FOR EACH ROW EXECUTE FUNCTION recruitment_candidate_activist_since();
"""

_RECOMPUTE = """
    UPDATE recruitment_candidate c SET activist_since = recruitment_activist_since(c.id)
    WHERE c.id IN ({touched})
        AND c.activist_since IS DISTINCT FROM recruitment_activist_since(c.id);
"""
_TOUCHED = "SELECT candidate_id FROM {rows} WHERE to_state = 'activist'"


def _trigger(event: str, touched: str) -> str:
    name = f"recruitment_stagechange_activist_since_{event.lower()}"
    referencing = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }[event]
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_RECOMPUTE.format(touched=touched)}
        RETURN NULL;
    END;
    $$;
    CREATE TRIGGER {name} AFTER {event} ON recruitment_stagechange REFERENCING {referencing}
        FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    """


FORWARD = (
    SINCE
    + _trigger("INSERT", _TOUCHED.format(rows="new_rows"))
    + _trigger(
        "UPDATE", _TOUCHED.format(rows="old_rows") + " UNION " + _TOUCHED.format(rows="new_rows")
    )
    + _trigger("DELETE", _TOUCHED.format(rows="old_rows"))
)

BACKWARD = (
    "".join(
        f"DROP TRIGGER IF EXISTS recruitment_stagechange_activist_since_{event} ON recruitment_stagechange;"
        f" DROP FUNCTION IF EXISTS recruitment_stagechange_activist_since_{event}();"
        for event in ("insert", "update", "delete")
    )
    + """
DROP TRIGGER IF EXISTS recruitment_candidate_activist_since ON recruitment_candidate;
DROP FUNCTION IF EXISTS recruitment_candidate_activist_since();
DROP FUNCTION IF EXISTS recruitment_activist_since(bigint);
"""
)

FILL = """
UPDATE recruitment_candidate c SET activist_since = s.since
FROM (SELECT candidate_id, max(decided_on) AS since FROM recruitment_stagechange
      WHERE to_state = 'activist' GROUP BY candidate_id) s
WHERE c.id = s.candidate_id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0005_stage_change_latest_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="activist_since",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="列为入党积极分子日期（派生）"
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
