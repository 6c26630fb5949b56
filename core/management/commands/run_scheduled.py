"""manage.py run_scheduled: run the nightly round once, here and now — the jobs the workers run on schedule.

The list is the registered scheduled jobs (``core.jobs.scheduled_jobs``, filled by each app's ``tasks.py``),
not a list of its own; each run is recorded as a ``TaskRun`` (the administrators' page shows it). Name jobs to
run only those: ``manage.py run_scheduled members.mark_lost_contact``; ``--list`` shows the names.
"""

from django.core.management.base import BaseCommand, CommandError

from core import jobs
from core.exceptions import DomainError


class Command(BaseCommand):
    help = "立即执行一遍定时任务（与后台队列按时执行的是同一批任务）；可指定任务名，--list 列出全部。"

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="只执行这些任务（任务名见 --list）")
        parser.add_argument("--list", action="store_true", help="列出全部定时任务及其执行时间")

    def handle(self, *args, names=(), list=False, **options):
        if list:
            for one in jobs.scheduled_jobs.values():
                self.stdout.write(f"{one.name}\t{one.label}\t{one.schedule}")
            return
        unknown = [name for name in names if name not in jobs.scheduled_jobs]
        if unknown:
            raise CommandError(f"没有这些定时任务：{'、'.join(unknown)}（用 --list 查看任务名）。")
        failed = []
        for name in names or jobs.scheduled_jobs:
            label = jobs.scheduled_jobs[name].label
            try:
                run = jobs.run_inline(name)
            except DomainError as exc:
                self.stderr.write(f"— {label}：{exc}")
                failed.append(label)
                continue
            except Exception as exc:  # noqa: BLE001 — recorded on the TaskRun; the round goes on
                self.stderr.write(f"— {label}：{jobs.error_text(exc)}")
                failed.append(label)
                continue
            self.stdout.write(f"— {label}：{run.summary}")
        if failed:
            raise CommandError(f"未完成：{'、'.join(failed)}。")
