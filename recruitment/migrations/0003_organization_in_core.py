"""The organisation tree now lives in core (core/migrations/0006_organization.py): the foreign keys follow it in
the migration state only — the tables and their constraints stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_organization'),
        ('recruitment', '0002_document_numbers'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='approval',
                    name='organization',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization', verbose_name='审批党委'),
                ),
                migrations.AlterField(
                    model_name='branchmeeting',
                    name='organization',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recruitment_meetings', to='core.organization', verbose_name='党支部'),
                ),
                migrations.AlterField(
                    model_name='candidate',
                    name='organization',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='candidates', to='core.organization', verbose_name='所在党支部'),
                ),
                migrations.AlterField(
                    model_name='candidatetransfer',
                    name='from_organization',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization', verbose_name='原党支部'),
                ),
                migrations.AlterField(
                    model_name='candidatetransfer',
                    name='to_organization',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization', verbose_name='新党支部'),
                ),
                migrations.AlterField(
                    model_name='developmentplan',
                    name='organization',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization', verbose_name='党组织'),
                ),
                migrations.AlterField(
                    model_name='historicalbranchmeeting',
                    name='organization',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.organization', verbose_name='党支部'),
                ),
                migrations.AlterField(
                    model_name='historicalcandidate',
                    name='organization',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.organization', verbose_name='所在党支部'),
                ),
                migrations.AlterField(
                    model_name='historicaldevelopmentplan',
                    name='organization',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.organization', verbose_name='党组织'),
                ),
            ],
        ),
    ]
