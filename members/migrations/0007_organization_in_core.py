"""The organisation tree now lives in core (core/migrations/0006_organization.py): the foreign keys follow it in
the migration state only — the tables and their constraints stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conversion', '0006_organization_in_core'),
        ('core', '0006_organization'),
        ('members', '0006_member_search_and_list_indexes'),
        ('recruitment', '0003_organization_in_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='organization',
                    name='parent',
                ),
                migrations.AlterField(
                    model_name='historicalmeeting',
                    name='organization',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.organization', verbose_name='党组织'),
                ),
                migrations.AlterField(
                    model_name='member',
                    name='party_group',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='group_members', to='core.organization', verbose_name='所在党小组'),
                ),
                migrations.AlterField(
                    model_name='historicalmember',
                    name='organization',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.organization', verbose_name='所在党组织'),
                ),
                migrations.AlterField(
                    model_name='historicalmember',
                    name='party_group',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.organization', verbose_name='所在党小组'),
                ),
                migrations.AlterField(
                    model_name='meeting',
                    name='organization',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='core.organization', verbose_name='党组织'),
                ),
                migrations.AlterField(
                    model_name='relationtransfer',
                    name='to_organization',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization', verbose_name='接收组织'),
                ),
                migrations.AlterField(
                    model_name='historicalrelationtransfer',
                    name='from_organization',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.organization', verbose_name='转出组织'),
                ),
                migrations.AlterField(
                    model_name='historicalrelationtransfer',
                    name='to_organization',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.organization', verbose_name='接收组织'),
                ),
                migrations.AlterField(
                    model_name='member',
                    name='organization',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='members', to='core.organization', verbose_name='所在党组织'),
                ),
                migrations.AlterField(
                    model_name='relationtransfer',
                    name='from_organization',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization', verbose_name='转出组织'),
                ),
                migrations.DeleteModel(
                    name='HistoricalOrganization',
                ),
                migrations.DeleteModel(
                    name='Organization',
                ),
            ],
        ),
    ]
