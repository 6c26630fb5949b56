"""manage.py build_print_fonts: cut the Noto CJK faces of printed documents down to GB 2312 (core.print_fonts).

Run once per machine (``make run`` / ``make bench`` do; in production with collectstatic), then restart the
workers. Faces already built are kept unless ``--force``. Takes a minute or two per face.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from core.print_fonts import FACES, build_face


class Command(BaseCommand):
    help = "生成打印文书用的精简字体（GB 2312 字符集），使PDF生成更快；已生成的字体不重复生成。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="重新生成已有的字体")

    def handle(self, *args, force=False, **options):
        for face in FACES:
            if face.path.is_file() and not force:
                self.stdout.write(f"{face.path.name} 已存在。")
                continue
            started = time.monotonic()
            try:
                path = build_face(face)
            except (FileNotFoundError, OSError) as exc:
                raise CommandError(f"无法生成 {face.path.name}：{exc}") from exc
            seconds = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"{path.name} 已生成（{seconds:.0f} 秒）。"))
