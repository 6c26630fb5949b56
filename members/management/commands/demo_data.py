"""manage.py demo_data --members N: realistic demo data for every app, idempotent, with one login per role."""

import time

from django.core.management.base import BaseCommand, CommandError

from members import demo


class Command(BaseCommand):
    help = "生成演示数据（党组织、党员、流动党员、会议、党费等），并为每个角色创建演示登录。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=600, help="党员人数（默认600）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子")

    def handle(self, *args, members: int, seed: int, **options):
        if members < 20 or members > 200_000:
            raise CommandError("党员人数应在20至200000之间。")
        started = time.monotonic()
        demo.run(size=members, seed=seed, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"完成，用时{time.monotonic() - started:.1f}秒。"))
