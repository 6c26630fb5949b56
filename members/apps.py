from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员管理"

    def ready(self) -> None:
        from core.registry import register_archive_section, register_id_number_holder
        from members import status, timeline  # noqa: F401  (status registers its table, core.transitions)
        from members.documents import archive_parts

        timeline.register()
        register_archive_section(archive_parts)
        register_id_number_holder(self.get_model("Member"), param="member", label="党员")

        # Reminders that reach people (core/reminders.py), found by the same predicates as the 工作台.
        from core.registry import register_reminder
        from members import reminders

        for source in reminders.SOURCES:
            register_reminder(source)
