"""The organisation tree now lives in core (core/migrations/0006_organization.py): the foreign keys follow it in
the migration state only — the tables and their constraints stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conversion', '0005_case_list_index'),
        ('core', '0006_organization'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='conversioncase',
                    name='original_organization',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization', verbose_name='原支部'),
                ),
            ],
        ),
    ]
