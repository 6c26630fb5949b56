from django.apps import AppConfig


class ConversionConfig(AppConfig):
    name = "conversion"
    verbose_name = "转化管理"

    def ready(self) -> None:
        from conversion import cases, dashboard, demo, receivers  # noqa: F401  (cases: the state table)
        from conversion.access import READ_ROLES
        from conversion.documents import archive_parts
        from core.registry import (
            NavItem,
            register_archive_section,
            register_dashboard,
            register_demo,
            register_nav,
            register_timeline,
        )
        from members.signals import attendance_recorded

        attendance_recorded.connect(
            receivers.on_attendance_recorded, dispatch_uid="conversion_attendance_points"
        )
        register_nav(NavItem(label="转化管理", url_name="conversion:case_list", order=30, roles=READ_ROLES))
        register_dashboard(dashboard.dashboard_items)
        register_timeline(dashboard.timeline_events)
        register_demo(demo.generate, order=30)
        register_archive_section(archive_parts)

        # Reminders that reach people (core/reminders.py), found by the same predicates as the 工作台.
        from conversion import reminders
        from core.registry import register_reminder

        for source in reminders.SOURCES:
            register_reminder(source)

        # Scanned paper materials of a case (core.attachments): task evidence, review forms.
        from django.urls import reverse

        from core.registry import register_attachable

        register_attachable(
            self.get_model("ConversionCase"),
            label="转化案件",
            kinds=(
                ("task-evidence", "任务完成佐证材料"),
                ("review-form", "民主评议表"),
                ("observation", "过渡期考察材料"),
                ("other", "其他材料"),
            ),
            scope_field="original_organization",
            roles=READ_ROLES,
            page=lambda case: reverse("conversion:case_detail", args=[case.pk]),
        )
