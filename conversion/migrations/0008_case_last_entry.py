# Issue 21: each case's latest ledger entry (conversion.CaseLastEntry), kept by a statement trigger on the
# ledger in the statement that appends entries, and filled from the entries already recorded. The ledger is
# append-only (0002 refuses UPDATE and DELETE), so INSERT is the only change the trigger has to follow; the
# latest is the greatest (recorded_at, id), so entries appended out of time order (a backfill) keep it right.

import django.db.models.deletion
from django.db import migrations, models

FORWARD = """
CREATE FUNCTION conversion_ledger_last_entry() RETURNS trigger AS $$
BEGIN
    INSERT INTO conversion_caselastentry AS kept (case_id, entry_id, recorded_at, balance_after)
    SELECT DISTINCT ON (case_id) case_id, id, recorded_at, balance_after
      FROM appended
     ORDER BY case_id, recorded_at DESC, id DESC
    ON CONFLICT (case_id) DO UPDATE
       SET entry_id = EXCLUDED.entry_id,
           recorded_at = EXCLUDED.recorded_at,
           balance_after = EXCLUDED.balance_after
     WHERE (kept.recorded_at, kept.entry_id) < (EXCLUDED.recorded_at, EXCLUDED.entry_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER conversion_ledger_last_entry
    AFTER INSERT ON conversion_ledgerentry
    REFERENCING NEW TABLE AS appended
    FOR EACH STATEMENT EXECUTE FUNCTION conversion_ledger_last_entry();

INSERT INTO conversion_caselastentry (case_id, entry_id, recorded_at, balance_after)
SELECT DISTINCT ON (case_id) case_id, id, recorded_at, balance_after
  FROM conversion_ledgerentry
 ORDER BY case_id, recorded_at DESC, id DESC;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS conversion_ledger_last_entry ON conversion_ledgerentry;
DROP FUNCTION IF EXISTS conversion_ledger_last_entry();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("conversion", "0007_case_state_change_row_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseLastEntry",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="last_entry",
                        serialize=False,
                        to="conversion.conversioncase",
                        verbose_name="转化案件",
                    ),
                ),
                ("recorded_at", models.DateTimeField(verbose_name="记录时间")),
                (
                    "balance_after",
                    models.DecimalField(decimal_places=1, max_digits=6, verbose_name="记账后积分"),
                ),
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="conversion.ledgerentry",
                        verbose_name="最近分录",
                    ),
                ),
            ],
            options={
                "verbose_name": "最近积分分录",
                "verbose_name_plural": "最近积分分录",
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
