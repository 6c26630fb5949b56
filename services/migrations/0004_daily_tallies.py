"""Issue 9: daily tallies of service matters for the statistics; filled and kept by 0005_daily_tally_triggers."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0003_matter_open_queue_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="CompletionTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(verbose_name="办结日期")),
                ("clock_started_on", models.DateField(null=True, verbose_name="起算日")),
                ("completed", models.IntegerField(default=0, verbose_name="办结件数")),
                ("on_time", models.IntegerField(default=0, verbose_name="其中按期办结")),
            ],
            options={
                "verbose_name": "办件办结日统计",
                "verbose_name_plural": "办件办结日统计",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "clock_started_on"), name="completion_tally_key", nulls_distinct=False
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="IntakeTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(verbose_name="登记日期")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("consultation", "咨询件"),
                            ("immediate", "即办件"),
                            ("promised", "承诺件"),
                            ("joint", "联办件"),
                            ("reported_up", "上报件"),
                            ("petition", "信访件"),
                            ("supplement", "补充件"),
                            ("returned", "退回件"),
                        ],
                        max_length=20,
                        verbose_name="办件类型",
                    ),
                ),
                ("registered", models.IntegerField(default=0, verbose_name="登记件数")),
                ("with_notice", models.IntegerField(default=0, verbose_name="其中一次性告知")),
                ("returned", models.IntegerField(default=0, verbose_name="其中退回")),
                (
                    "service",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="services.service",
                        verbose_name="服务事项",
                    ),
                ),
            ],
            options={
                "verbose_name": "办件登记日统计",
                "verbose_name_plural": "办件登记日统计",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "kind", "service"), name="intake_tally_key", nulls_distinct=False
                    )
                ],
            },
        ),
    ]
