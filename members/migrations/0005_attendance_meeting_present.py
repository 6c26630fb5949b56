# The attendance rate of a period's meetings as an index-only scan (issue 9); the FK index it makes redundant goes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_dues_year_paid_months"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attendance",
            name="meeting",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="attendance",
                to="members.meeting",
                verbose_name="会议",
            ),
        ),
        migrations.AddIndex(
            model_name="attendance",
            index=models.Index(fields=["meeting", "present"], name="attendance_meeting_present"),
        ),
    ]
