"""Status events become core.transitions change rows: the fields renamed (data kept), an action per row."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_organization_in_core"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("memberstatusevent", "from_status", "from_state"),
        migrations.RenameField("memberstatusevent", "to_status", "to_state"),
        migrations.RenameField("memberstatusevent", "recorded_by", "by"),
        migrations.RenameField("memberstatusevent", "recorded_at", "at"),
        migrations.RenameField("memberstatusevent", "reason", "note"),
        migrations.AddField(
            model_name="memberstatusevent",
            name="action",
            field=models.CharField(blank=True, db_default="", max_length=30, verbose_name="事项"),
        ),
        migrations.AlterField(
            model_name="memberstatusevent",
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
        # Existing rows: the opening event is "create", a change is named after the status it leads to.
        migrations.RunSQL(
            "UPDATE members_memberstatusevent SET action = CASE WHEN from_state = '' THEN 'create' ELSE to_state END",
            migrations.RunSQL.noop,
        ),
    ]
