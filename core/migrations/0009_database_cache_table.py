"""The table of Django's database cache (settings.CACHES): rate-limit counts shared by every worker and host.

Created here, not by a separate `createcachetable` step, so a fresh machine, `make run` and the test
database all have it; created whatever the cache setting is, so switching from Redis back to the default works.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "django_cache"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0  # (it only reports a table that already exists)
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("core", "0008_task_run")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
