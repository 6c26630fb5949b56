# Indexes for the dues arrears from the kept tallies (members.dues.arrears_parts, issue 21): the steps of the
# months owed read from one index (per_year, month); the exemptions of a year, few; the members who joined in a
# window with their organisation and status, from the joining-date index alone (it keeps serving the admin's
# date hierarchy).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_two_factor_devices_in_chinese"),
        ("members", "0016_dues_paid_pattern"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="member",
            name="member_joined_on",
        ),
        migrations.AddIndex(
            model_name="duesbase",
            index=models.Index(
                condition=models.Q(("reduced_amount", 0)), fields=["year", "member"], name="dues_base_exempt"
            ),
        ),
        migrations.AddIndex(
            model_name="duesduetally",
            index=models.Index(
                fields=["per_year", "month"],
                include=("organization", "months", "amount"),
                name="dues_due_tally_month",
            ),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                fields=["joined_on"], include=("organization", "status", "id"), name="member_joined_on_org"
            ),
        ),
    ]
