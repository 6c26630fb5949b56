# R-RC-02 / R-RC-05 / R-RC-07 / R-RC-17 / R-RC-18 / R-RC-19: the 工作台's flags counted by a range scan of the
# candidates each can name, not by testing every candidate (issue 21).
#
# - ``Candidate.reports_since``: the day thought reports are due from (``rules.thought_reports_since``), a
#   stored generated column — PostgreSQL computes it on every write of the row, after the BEFORE triggers of
#   0006 / 0007 have set ``activist_since`` and ``member_joined_on``, so it is never stale.
# - One partial index per stage a flag reads, on the date the flag compares and the id (index-only scans; the
#   id answers the flag's "no talk / oath / application / report on file" test).

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0007_candidate_member_joined_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="reports_since",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(
                        stage="probationary",
                        then=django.db.models.functions.comparison.Coalesce(
                            "member_joined_on", "activist_since", "applied_on"
                        ),
                    ),
                    default=django.db.models.functions.comparison.Coalesce("activist_since", "applied_on"),
                ),
                output_field=models.DateField(),
                verbose_name="思想汇报起算日期（派生）",
            ),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                condition=models.Q(("stage", "applicant")),
                fields=["applied_on", "id"],
                name="candidate_applicants",
            ),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                condition=models.Q(("stage", "activist")),
                fields=["activist_since", "id"],
                name="candidate_activists",
            ),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                condition=models.Q(("stage", "target")),
                fields=["id", "organization"],
                name="candidate_targets",
            ),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                condition=models.Q(("stage", "probationary")),
                fields=["member_joined_on", "id"],
                name="candidate_probationary",
            ),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                condition=models.Q(("stage__in", ["activist", "probationary"])),
                fields=["reports_since", "id"],
                name="candidate_reports_due",
            ),
        ),
    ]
