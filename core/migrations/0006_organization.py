"""The organisation tree moves from members into the foundation (core): the model's state moves, its tables
keep their names (members_organization, members_historicalorganization), no row moves. The foreign keys of
the apps follow in their own migrations (state only); members then forgets the model.

The content types move with the models, so the permissions granted on them and the admin log keep pointing
at them."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = ("organization", "historicalorganization")


def move_content_types(apps, schema_editor):
    """members.organization → core.organization (unless post_migrate already made the new one)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="core", model=model).exists():
            ContentType.objects.filter(app_label="members", model=model).update(app_label="core")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="members", model=model).exists():
            ContentType.objects.filter(app_label="core", model=model).update(app_label="members")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_id_number_view_candidate"),
        ("members", "0006_member_search_and_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="HistoricalOrganization",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="组织名称")),
                        ("short_name", models.CharField(blank=True, max_length=50, verbose_name="简称")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("town_committee", "镇党委"),
                                    ("general_branch", "党总支"),
                                    ("branch", "党支部"),
                                    ("party_group", "党小组"),
                                ],
                                max_length=20,
                                verbose_name="组织类型",
                            ),
                        ),
                        (
                            "category",
                            models.CharField(
                                choices=[
                                    ("village", "村（社区）"),
                                    ("enterprise", "企业"),
                                    ("institution", "机关事业单位"),
                                    ("center", "党员服务转化中心"),
                                    ("other", "其他"),
                                ],
                                default="village",
                                max_length=20,
                                verbose_name="组织类别",
                            ),
                        ),
                        ("code", models.CharField(db_index=True, max_length=30, verbose_name="组织代码")),
                        (
                            "village",
                            models.CharField(blank=True, max_length=50, verbose_name="所在村（社区）"),
                        ),
                        ("is_center", models.BooleanField(default=False, verbose_name="是中心党支部")),
                        (
                            "has_approval_authority",
                            models.BooleanField(default=False, verbose_name="有审批预备党员权限"),
                        ),
                        ("secretary_name", models.CharField(blank=True, max_length=30, verbose_name="书记")),
                        ("phone", models.CharField(blank=True, max_length=20, verbose_name="联系电话")),
                        ("is_active", models.BooleanField(default=True, verbose_name="在用")),
                        ("sort_order", models.PositiveIntegerField(default=0, verbose_name="排序")),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical 党组织",
                        "verbose_name_plural": "historical 党组织",
                        "db_table": "members_historicalorganization",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Organization",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="组织名称")),
                        ("short_name", models.CharField(blank=True, max_length=50, verbose_name="简称")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("town_committee", "镇党委"),
                                    ("general_branch", "党总支"),
                                    ("branch", "党支部"),
                                    ("party_group", "党小组"),
                                ],
                                max_length=20,
                                verbose_name="组织类型",
                            ),
                        ),
                        (
                            "category",
                            models.CharField(
                                choices=[
                                    ("village", "村（社区）"),
                                    ("enterprise", "企业"),
                                    ("institution", "机关事业单位"),
                                    ("center", "党员服务转化中心"),
                                    ("other", "其他"),
                                ],
                                default="village",
                                max_length=20,
                                verbose_name="组织类别",
                            ),
                        ),
                        ("code", models.CharField(max_length=30, unique=True, verbose_name="组织代码")),
                        (
                            "village",
                            models.CharField(blank=True, max_length=50, verbose_name="所在村（社区）"),
                        ),
                        ("is_center", models.BooleanField(default=False, verbose_name="是中心党支部")),
                        (
                            "has_approval_authority",
                            models.BooleanField(default=False, verbose_name="有审批预备党员权限"),
                        ),
                        ("secretary_name", models.CharField(blank=True, max_length=30, verbose_name="书记")),
                        ("phone", models.CharField(blank=True, max_length=20, verbose_name="联系电话")),
                        ("is_active", models.BooleanField(default=True, verbose_name="在用")),
                        ("sort_order", models.PositiveIntegerField(default=0, verbose_name="排序")),
                    ],
                    options={
                        "verbose_name": "党组织",
                        "verbose_name_plural": "党组织",
                        "db_table": "members_organization",
                        "ordering": ["sort_order", "code"],
                    },
                ),
                migrations.AddField(
                    model_name="historicalorganization",
                    name="history_user",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AddField(
                    model_name="organization",
                    name="parent",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="core.organization",
                        verbose_name="上级组织",
                    ),
                ),
                migrations.AddField(
                    model_name="historicalorganization",
                    name="parent",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.organization",
                        verbose_name="上级组织",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalstaffprofile",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.organization",
                        verbose_name="所属组织",
                    ),
                ),
                migrations.AlterField(
                    model_name="staffprofile",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="core.organization",
                        verbose_name="所属组织",
                    ),
                ),
                migrations.AddIndex(
                    model_name="organization",
                    index=models.Index(fields=["sort_order", "code"], name="organization_sort_order"),
                ),
                migrations.AddConstraint(
                    model_name="organization",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("is_center", True)),
                        fields=("is_center",),
                        name="one_center_branch",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="organization",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("kind", "town_committee"), ("parent__isnull", False), _connector="OR"
                        ),
                        name="org_has_parent_unless_top",
                    ),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
