"""Seed the holiday calendar from the chinese-calendar package (R-SV-07), the four role groups, and the
baseline rule profile (the 细则 defaults, in force from 2000-01-01)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

GROUPS = ["镇党委管理员", "中心工作人员", "支部书记", "审计监督（纪委）"]


def seed(apps, schema_editor):
    from core.calendar_loading import days_from_package, package_years

    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarYear = apps.get_model("core", "CalendarYear")
    Group = apps.get_model("auth", "Group")
    RuleProfile = apps.get_model("core", "RuleProfile")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    if not RuleProfile.objects.exists():
        RuleProfile.objects.create(effective_from=datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")), note="细则默认值")
    for year in package_years():
        if CalendarYear.objects.filter(year=year).exists():
            continue
        holidays, workdays = days_from_package(year)
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, kind="holiday", name=n) for d, n in holidays.items()]
            + [CalendarDay(date=d, kind="workday", name=n) for d, n in workdays.items()]
        )
        CalendarYear.objects.create(year=year, source="chinese-calendar")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
