from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础设置"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from core import signals  # noqa: F401  (connects calendar cache invalidation)
        from core.permissions import sync_after_migrate

        post_migrate.connect(sync_after_migrate, dispatch_uid="core.sync_role_permissions")
