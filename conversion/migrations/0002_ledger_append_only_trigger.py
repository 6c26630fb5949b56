"""R-CV-05: the database itself refuses UPDATE and DELETE on ledger entries (append-only ledger).

TRUNCATE (used by test tear-down) is a statement, not a row operation, and is not blocked.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION conversion_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'conversion_ledgerentry is append-only (R-CV-05): % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER conversion_ledger_append_only
    BEFORE UPDATE OR DELETE ON conversion_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION conversion_ledger_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS conversion_ledger_append_only ON conversion_ledgerentry;
DROP FUNCTION IF EXISTS conversion_ledger_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("conversion", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
