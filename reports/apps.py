from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from core.registry import NavItem, register_nav
        from reports import member_blocks

        member_blocks.register()
        register_nav(NavItem("统计分析", "reports:statistics", order=80))
