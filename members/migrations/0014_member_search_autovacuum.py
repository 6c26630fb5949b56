"""Autovacuum of members_member after any bulk write, not only after 20% of the roll (issue 21).

Every row written to members_member — and every row of a rolled-back or deleted import — adds entries to the
pending lists of its five GIN indexes (member_name_trgm, member_id_number_trgm, member_phone_trgm,
member_initials_trgm, member_name_grams). A search through such an index reads its whole pending list until a
vacuum merges it into the index: after an import of 10,000 members into a town of 50,000 (below the default
thresholds: 50 + 20% dead rows, 1,000 + 20% inserted rows, so autovacuum never came), each search by ID number
or phone took 20–40 ms more per query instead of 0.2 ms. With these thresholds autovacuum merges the pending
lists within a minute of any write of 1,000 rows; the table is small, so a vacuum of it is cheap.
"""

from django.db import migrations

SETTINGS = (
    "autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0, "
    "autovacuum_vacuum_insert_threshold = 1000, autovacuum_vacuum_insert_scale_factor = 0"
)
NAMES = (
    "autovacuum_vacuum_threshold, autovacuum_vacuum_scale_factor, "
    "autovacuum_vacuum_insert_threshold, autovacuum_vacuum_insert_scale_factor"
)


class Migration(migrations.Migration):
    dependencies = [("members", "0013_dues_month_tally")]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE members_member SET ({SETTINGS})",
            reverse_sql=f"ALTER TABLE members_member RESET ({NAMES})",
        )
    ]
