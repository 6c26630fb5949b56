from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = "便民服务"

    def ready(self) -> None:
        from core.registry import NavItem, register_dashboard, register_demo, register_nav
        from core.signals import calendar_changed
        from services import lifecycle  # noqa: F401  (registers the matter lifecycle, core.transitions)
        from services.access import DESK_ROLES
        from services.accountability import on_calendar_changed
        from services.dashboard import dashboard_items
        from services.demo import generate_demo

        # R-SV-07: recompute open deadlines whenever a calendar year is loaded or edited.
        calendar_changed.connect(on_calendar_changed, dispatch_uid="services_recompute_deadlines")
        register_nav(NavItem(label="便民服务", url_name="services:queue", order=40, roles=DESK_ROLES))
        register_dashboard(dashboard_items)
        register_demo(generate_demo, order=60)

        # Reminders that reach people (core/reminders.py), found by the same predicates as the 工作台.
        from core.registry import register_reminder
        from services import reminders

        for source in reminders.SOURCES:
            register_reminder(source)

        # The citizen's materials, scanned (core.attachments); matters are not scoped by organisation: the desk
        # roles see them (services.access).
        from django.urls import reverse

        from core.registry import register_attachable
        from services.materials import material_kinds

        register_attachable(
            self.get_model("Matter"),
            label="便民服务办件",
            kinds=material_kinds,
            scope_field=None,
            roles=DESK_ROLES,
            page=lambda matter: reverse("services:matter", args=[matter.pk]),
        )
