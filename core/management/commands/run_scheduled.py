"""manage.py run_scheduled: run every scheduled command once (core.scheduled), as cron would."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.scheduled import SCHEDULED_COMMANDS


class Command(BaseCommand):
    help = "依次运行一遍所有定时任务（载入节假日、认定超期办件、过渡期届满结案）。"

    def handle(self, *args, **options):
        for name in SCHEDULED_COMMANDS:
            self.stdout.write(f"— {name}")
            call_command(name, stdout=self.stdout, stderr=self.stderr)
