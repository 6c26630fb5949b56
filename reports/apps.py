from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from core.registry import NavItem, register_nav
        from reports import conversion_blocks, member_blocks, recruitment_blocks, service_blocks
        from reports.blocks import register_block

        # The blocks of every app are registered here, not from the apps: reports depends on the apps it
        # summarises, never the other way round.
        member_blocks.register()
        register_block("conversion", "转化管理", conversion_blocks.conversion_block, order=40)
        register_block("recruitment", "发展党员", recruitment_blocks.recruitment_block, order=50)
        register_block("services", "便民服务", service_blocks.services_block, order=60)
        register_nav(NavItem("统计分析", "reports:statistics", order=80))
