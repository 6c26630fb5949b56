"""Autovacuum of services_matter after any thousand written rows, not only after 20% of the archive (issue 21).

The 工作台's time-dependent counts (matters past their deadline not yet marked, due soon) are index-only scans
of partial indexes (0007): they read the heap only for rows on pages the visibility map does not mark
all-visible. Open matters are written every day (transitions, the nightly overdue run), and with the default
thresholds (50 + 20% of the table: 40,000 rows at 200,000 matters) autovacuum rarely comes, so each count
would read a heap page per row it counts (L: 134 due-soon matters, 139 buffers instead of 3). With these
thresholds autovacuum sets the pages all-visible again soon after the nightly run or a day's work; it visits
only the pages written since the last vacuum.
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
    dependencies = [("services", "0007_open_matter_and_case_tallies")]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE services_matter SET ({SETTINGS})",
            reverse_sql=f"ALTER TABLE services_matter RESET ({NAMES})",
        )
    ]
