# Issue 21: the admin changelist's date hierarchy filtered by status (预备党员·村) takes its first and last joining
# date and its years from an index on (status, joined_on), each walk stopping at its first row, instead of
# reading every filtered member's row (13 ms at L, ten times S's).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_two_factor_devices_in_chinese"),
        ("members", "0018_status_event_effective_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                fields=["status", "joined_on"], include=("organization",), name="member_status_joined_on"
            ),
        ),
    ]
