from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员管理"

    def ready(self) -> None:
        from core.registry import register_archive_section
        from members import timeline
        from members.documents import archive_parts

        timeline.register()
        register_archive_section(archive_parts)
