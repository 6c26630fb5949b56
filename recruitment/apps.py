from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = "发展党员"

    def ready(self) -> None:
        from core.registry import (
            NavItem,
            register_archive_section,
            register_dashboard,
            register_demo,
            register_id_number_holder,
            register_nav,
            register_timeline,
        )
        from recruitment import dashboard, demo, documents, stages, timeline  # noqa: F401  (stages: the table)

        register_nav(NavItem(label="发展党员", url_name="recruitment:board", order=30))
        register_dashboard(dashboard.items)
        register_timeline(timeline.member_timeline)
        register_demo(demo.generate, order=30)
        register_archive_section(documents.archive_parts)
        register_id_number_holder(self.get_model("Candidate"), param="candidate", label="发展对象")

        # Reminders that reach people (core/reminders.py), found by the same predicates as the 工作台.
        from core.registry import register_reminder
        from recruitment import reminders

        for source in reminders.SOURCES:
            register_reminder(source)

        # Scanned paper materials of the one-person-one-file (core.attachments, R-RC-23).
        from django.urls import reverse

        from core.registry import register_attachable, register_file_items
        from recruitment import checklist

        register_attachable(
            self.get_model("Candidate"),
            label="发展党员档案",
            kinds=[(kind.code, kind.label) for kind in checklist.SCAN_KINDS],
            scope_field="organization",
            check_upload=checklist.check_scan_upload,
            page=lambda candidate: reverse("recruitment:candidate", args=[candidate.pk]),
        )
        register_file_items(checklist.member_file_items)
