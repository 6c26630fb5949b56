# Issue 21: the admin changelist filtered by 后备干部 (599 of 50,000 members at L) read the whole table for its
# count and first page and walked most of the joining-date index for its first date (30,279 buffers at L); two
# partial indexes of those members alone make each query a few buffers at any size.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0020_dues_due_tally_cumulative"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                condition=models.Q(("is_reserve_cadre", True)),
                fields=["organization", "name"],
                name="member_reserve_org_name",
            ),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                condition=models.Q(("is_reserve_cadre", True)),
                fields=["joined_on"],
                name="member_reserve_joined_on",
            ),
        ),
    ]
