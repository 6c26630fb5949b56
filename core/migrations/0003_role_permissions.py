"""Give the four role groups their Django permissions (see core.permissions for who gets what)."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.apps import apps as live_apps
    from django.contrib.auth.management import create_permissions

    from core.permissions import sync_role_permissions

    # Permissions are normally created after all migrations; create those of the models migrated so far
    # now (the post_migrate receiver in core.apps adds the rest once every app has migrated).
    for app_config in live_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)
    sync_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_seed_calendar_groups"),
        ("members", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
