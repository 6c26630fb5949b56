# Indexes for member search by a 1–2 character name fragment, member lists in their order and the admin
# changelist's filters and date hierarchy (issue 9).

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations, models

import members.search


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_attendance_meeting_present"),
    ]

    operations = [
        # members_name_grams(text): every 1- and 2-character substring (members.search.NameGrams).
        migrations.RunSQL(
            """
            CREATE OR REPLACE FUNCTION members_name_grams(value text) RETURNS text[]
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
                SELECT coalesce(array_agg(DISTINCT substr(value, start, size)), '{}')
                FROM generate_series(1, 2) AS size, generate_series(1, char_length(value) - size + 1) AS start
            $$
            """,
            "DROP FUNCTION IF EXISTS members_name_grams(text)",
        ),
        migrations.AddIndex(
            model_name="member",
            index=django.contrib.postgres.indexes.GinIndex(
                members.search.NameGrams(django.db.models.functions.text.Upper("name")),
                name="member_name_grams",
            ),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["joined_on"], name="member_joined_on"),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["organization", "name"], name="member_org_name"),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["status", "organization", "name"], name="member_status_org_name"),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["sort_order", "code"], name="organization_sort_order"),
        ),
    ]
