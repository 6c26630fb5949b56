"""Cron job: mark overdue matters and open their accountability cases, exactly once (R-SV-10)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from services.accountability import mark_overdue
from services.models import Matter


class Command(BaseCommand):
    help = "将超过办结期限且无正当理由的办件认定为超期，并各立一件责任追究（R-SV-10）。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将被认定超期的办件，不作修改")

    def handle(self, *args, dry_run: bool = False, **options):
        now = timezone.now()
        if dry_run:
            due = Matter.objects.overdue(now).filter(overdue_at__isnull=True).order_by("receipt_number")
            for matter in due:
                self.stdout.write(
                    f"将认定超期：{matter.receipt_number}（期限 {matter.deadline_at:%Y-%m-%d %H:%M}）"
                )
            self.stdout.write(f"演练：共 {due.count()} 件，未作修改。")
            return
        marked = mark_overdue(now=now)
        for row in marked:
            case = f"责任追究 #{row.case_id}" if row.case_id else "责任追究已存在"
            self.stdout.write(f"认定超期：{row.receipt_number}，{case}")
        if marked:
            self.stdout.write(self.style.SUCCESS(f"共认定超期 {len(marked)} 件。"))
        else:
            self.stdout.write("没有新的超期办件。")
