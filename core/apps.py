from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础设置"

    def ready(self) -> None:
        from core import signals  # noqa: F401  (connects calendar cache invalidation)
