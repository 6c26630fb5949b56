from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础设置"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from core import checks, signals  # noqa: F401  (registers the start-up checks; calendar cache invalidation)
        from core.access import Role
        from core.permissions import sync_after_migrate
        from core.registry import NavItem, register_demo, register_nav

        # Who changed what, who viewed full ID numbers: for the auditors (纪委) and the administrators only.
        register_nav(
            NavItem(
                label="审计",
                url_name="core:audit_index",
                order=90,
                roles=frozenset({Role.AUDITOR, Role.ADMIN}),
            )
        )

        # The queue's page (core/task_views.py): the nightly round's last runs, failed jobs to retry.
        register_nav(
            NavItem(label="后台任务", url_name="core:task_index", order=95, roles=frozenset({Role.ADMIN}))
        )

        # Reminders that reach people (core/reminders.py): the foundation's own, next year's calendar (R-SV-07).
        from core.registry import register_reminder
        from core.reminders import CALENDAR, demo

        register_reminder(CALENDAR)
        register_demo(demo, order=1000)  # after every app's records: the reminders they call for

        from core import demo as job_demo

        register_demo(job_demo.generate, order=200)  # 我的任务: a job in every state

        post_migrate.connect(sync_after_migrate, dispatch_uid="core.sync_role_permissions")

        from core.localization import name_apps_in_chinese, rename_after_migrate

        name_apps_in_chinese()  # 「Axes」, 「Otp」 … in Chinese (core/localization.py)
        post_migrate.connect(rename_after_migrate, dispatch_uid="core.rename_permissions")

        from core import sign_ins

        sign_ins.connect()  # the sign-in audit (core.SignInEvent)

        # Demo scanned materials on the records of every app (after the apps' own demo data).
        from core.attachment_demo import generate as attachment_demo
        from core.registry import register_demo

        register_demo(attachment_demo, order=200)
