"""Issue 9: the case list reads its first page of open cases in (state, balance, id) order from an index."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conversion", "0004_ledger_page_and_balance_indexes"),
        ("members", "0003_member_search_trigram"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="conversioncase",
            index=models.Index(fields=["state", "balance", "id"], name="conversion_case_list"),
        ),
    ]
