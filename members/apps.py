from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员管理"

    def ready(self) -> None:
        from members import timeline

        timeline.register()
