"""Write docs/rules.md, the rules index, from core/rules.py and the code (``--check``: fail when it is stale)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.rules_index import build_index, render


class Command(BaseCommand):
    help = "docs/rules.md 规则索引：由 core/rules.py 与代码中的规则编号生成（--check：过期则失败）。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只检查 docs/rules.md 是否最新，不写入")

    def handle(self, *args, check: bool = False, **options):
        root = Path(settings.BASE_DIR)
        target = root / "docs" / "rules.md"
        text = render(build_index(root))
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if check:
            if current != text:
                raise CommandError("docs/rules.md 已过期：请运行 python manage.py rules_index 重新生成。")
            self.stdout.write("docs/rules.md 是最新的。")
            return
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.stdout.write(f"已写入 {target.relative_to(root)}。")
