"""Case state changes become core.transitions change rows: the fields renamed (data kept), an action per row."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conversion", "0006_organization_in_core"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("casestatechange", "changed_by", "by"),
        migrations.RenameField("casestatechange", "changed_at", "at"),
        migrations.AlterModelOptions(
            name="casestatechange",
            options={
                "ordering": ["at", "pk"],
                "verbose_name": "转化案件状态变动",
                "verbose_name_plural": "转化案件状态变动",
            },
        ),
        migrations.AddField(
            model_name="casestatechange",
            name="action",
            field=models.CharField(blank=True, db_default="", max_length=30, verbose_name="事项"),
        ),
        migrations.AlterField(
            model_name="casestatechange",
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
        migrations.RunSQL(
            "UPDATE conversion_casestatechange SET action = CASE to_state "
            "WHEN 'active' THEN 'enrol' WHEN 'transition' THEN 'return' ELSE 'close' END",
            migrations.RunSQL.noop,
        ),
    ]
