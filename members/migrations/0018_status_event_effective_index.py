# Issue 21: the statistics' flows count a period's status events by (from_state, to_state) from an index on
# effective_on alone (index-only), instead of a full scan of the events (2.7 ms at L, 50,000 events).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0017_dues_arrears_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="memberstatusevent",
            index=models.Index(
                fields=["effective_on"],
                include=("from_state", "to_state", "member_id"),
                name="status_event_effective",
            ),
        ),
    ]
