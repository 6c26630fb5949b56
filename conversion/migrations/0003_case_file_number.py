"""Issue 7 / R-CV-01: conversion cases keep a stored file number from the center's one document series.

Before, a case's number was computed at print time from its place among that year's cases, with the same
prefix as the recruitment records' numbers (series ``center_document``), so both apps printed 党服转〔2026〕001号.
Existing cases are numbered here in enrolment order (opening date, then id), continuing the series after the
numbers recruitment already issued (this migration runs after recruitment 0002), and the counter row is moved
on so that core.numbering.next_number continues after them.
"""

from django.db import migrations, models
from django.db.models import Q

SERIES = "center_document"  # core.numbering.CENTER_DOCUMENT_SERIES


def number_existing_cases(apps, schema_editor):
    ConversionCase = apps.get_model("conversion", "ConversionCase")
    NumberSequence = apps.get_model("core", "NumberSequence")
    CenterProfile = apps.get_model("core", "CenterProfile")
    profile = CenterProfile.objects.order_by("pk").first()
    prefix = profile.document_prefix if profile else "党服转"
    cases = ConversionCase.objects.filter(file_number="").order_by("opened_on", "created_at", "pk")
    for pk, opened_on in cases.values_list("pk", "opened_on"):
        counter, _ = NumberSequence.objects.select_for_update().get_or_create(
            series=SERIES, year=opened_on.year
        )
        counter.last += 1
        counter.save(update_fields=["last"])
        number = f"{prefix}〔{opened_on.year}〕{counter.last:03d}号"
        ConversionCase.objects.filter(pk=pk).update(file_number=number)


class Migration(migrations.Migration):
    dependencies = [
        ("conversion", "0002_ledger_append_only_trigger"),
        ("core", "0004_merge_0003_id_number_view_0003_role_permissions"),
        ("recruitment", "0002_document_numbers"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversioncase",
            name="file_number",
            field=models.CharField(blank=True, editable=False, max_length=40, verbose_name="案卷号"),
        ),
        migrations.RunPython(number_existing_cases, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="conversioncase",
            constraint=models.UniqueConstraint(
                condition=Q(("file_number", ""), _negated=True),
                fields=("file_number",),
                name="conversion_unique_file_number",
            ),
        ),
    ]
