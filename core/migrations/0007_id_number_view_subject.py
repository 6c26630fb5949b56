"""An ID-number viewing names its person by type and id (a generic relation) instead of one foreign key per
app, so the foundation names no app above it. Every row keeps its person: member_id / candidate_id are
copied into subject_type / subject_id before the old columns go. Each row still names exactly one person:
both new columns are required."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F

OLD_FIELDS = ("member", "candidate")


def _content_type(apps, IdNumberView, field_name):
    related = IdNumberView._meta.get_field(field_name).related_model._meta
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=related.app_label, model=related.model_name)[0]


def copy_subjects(apps, schema_editor):
    IdNumberView = apps.get_model("core", "IdNumberView")
    for name in OLD_FIELDS:
        rows = IdNumberView.objects.filter(**{f"{name}__isnull": False})
        if rows.exists():
            subject_type = _content_type(apps, IdNumberView, name)
            rows.update(subject_type=subject_type, subject_id=F(f"{name}_id"))
    # Check the copied references now: PostgreSQL refuses to alter a table with pending (deferred) checks.
    schema_editor.connection.check_constraints()


def restore_subjects(apps, schema_editor):
    IdNumberView = apps.get_model("core", "IdNumberView")
    for name in OLD_FIELDS:
        subject_type = _content_type(apps, IdNumberView, name)
        IdNumberView.objects.filter(subject_type=subject_type).update(**{f"{name}_id": F("subject_id")})
    schema_editor.connection.check_constraints()


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0006_organization"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="idnumberview", name="idview_member_xor_candidate"),
        migrations.AddField(
            model_name="idnumberview",
            name="subject_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="被查看人类型",
                db_index=False,
            ),
        ),
        migrations.AddField(
            model_name="idnumberview",
            name="subject_id",
            field=models.PositiveBigIntegerField(null=True, verbose_name="被查看人编号"),
        ),
        migrations.RunPython(copy_subjects, restore_subjects),
        migrations.RemoveIndex(model_name="idnumberview", name="idview_member_time"),
        migrations.RemoveIndex(model_name="idnumberview", name="idview_candidate_time"),
        migrations.RemoveField(model_name="idnumberview", name="member"),
        migrations.RemoveField(model_name="idnumberview", name="candidate"),
        migrations.AlterField(
            model_name="idnumberview",
            name="subject_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="被查看人类型",
                db_index=False,
            ),
        ),
        migrations.AlterField(
            model_name="idnumberview",
            name="subject_id",
            field=models.PositiveBigIntegerField(verbose_name="被查看人编号"),
        ),
        migrations.AddIndex(
            model_name="idnumberview",
            index=models.Index(fields=["subject_type", "subject_id", "-viewed_at"], name="idview_subject_time"),
        ),
    ]
