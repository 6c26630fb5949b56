"""Stage changes become core.transitions change rows: the fields renamed (data kept)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0003_organization_in_core"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("stagechange", "from_stage", "from_state"),
        migrations.RenameField("stagechange", "to_stage", "to_state"),
        migrations.RenameField("stagechange", "recorded_by", "by"),
        migrations.RenameField("stagechange", "recorded_at", "at"),
        migrations.RenameField("stagechange", "reason", "note"),
        migrations.AlterField(
            model_name="stagechange",
            name="action",
            field=models.CharField(blank=True, db_default="", max_length=30, verbose_name="事项"),
        ),
        migrations.AlterField(
            model_name="stagechange",
            name="by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="经办人",
            ),
        ),
    ]
