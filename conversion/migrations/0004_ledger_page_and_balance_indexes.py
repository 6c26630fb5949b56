"""Issue 9: the case page reads a case's entries newest first by (case, id); a case's balance on a day is its
last entry by (case, recorded_at, id). The latter replaces the (case, recorded_at) index."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conversion", "0003_case_file_number"),
        ("members", "0003_member_search_trigram"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="ledgerentry",
            name="ledger_case_recorded",
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(fields=["case", "id"], name="ledger_case_entries"),
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(fields=["case", "recorded_at", "id"], name="ledger_case_recorded_entry"),
        ),
    ]
