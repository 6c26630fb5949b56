"""manage.py load_calendar --year 2026: load a year's holidays from the chinese-calendar package (R-SV-07)."""

from django.core.management.base import BaseCommand, CommandError

from core.calendar_loading import load_calendar_year_from_package, package_years
from core.exceptions import DomainError


class Command(BaseCommand):
    help = "从 chinese-calendar 数据包载入某年的法定节假日和调休上班日（R-SV-07）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, action="append", help="年份，可重复；省略时载入数据包已知的所有年份"
        )

    def handle(self, *args, year=None, **options):
        years = year or package_years()
        for one in years:
            try:
                load_calendar_year_from_package(one)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(f"{one}年节假日安排已载入。"))
