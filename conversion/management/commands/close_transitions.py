"""manage.py close_transitions: close the conversion cases whose transition period has ended (R-CV-11).

Meant for cron, once a day. Safe to run twice, and twice at once (see close_ended_transitions).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from conversion.models import ConversionCase
from conversion.transition import close_ended_transitions
from core.dates import local_today


class Command(BaseCommand):
    help = "将过渡期已届满的转化案件结案（R-CV-11），供每日定时任务调用；重复运行或同时运行都是安全的。"

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="on", help="按哪一天结案（YYYY-MM-DD），默认今天")
        parser.add_argument("--dry-run", action="store_true", help="只列出将要结案的案件，不写入")

    def handle(self, *args, on=None, dry_run=False, **options):
        on = self._parse(on) if on else local_today()
        if dry_run:
            due = ConversionCase.objects.filter(
                state=ConversionCase.State.TRANSITION, transition_ends_on__lte=on
            ).select_related("member")
            for case in due:
                self.stdout.write(f"将结案：{case.member.name}（过渡期至{case.transition_ends_on:%Y-%m-%d}）")
            self.stdout.write(f"试运行：{on:%Y-%m-%d}有{len(due)}件待结案，未写入。")
            return
        closed = close_ended_transitions(on=on)
        for case in closed:
            self.stdout.write(f"已结案：{case.member.name}（过渡期至{case.transition_ends_on:%Y-%m-%d}）")
        self.stdout.write(self.style.SUCCESS(f"{on:%Y-%m-%d}：结案{len(closed)}件。"))

    @staticmethod
    def _parse(value: str):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"日期格式应为YYYY-MM-DD：{value}") from exc
