from django.conf import settings

from core.access import is_admin, roles_of
from core.models import CenterProfile
from core.registry import nav_items


def workspace(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"center_name": _center_name(user)}
    admin = is_admin(user)
    roles = roles_of(user)
    return {
        "center_name": _center_name(user),
        "nav_items": [item for item in nav_items if item.visible_to(roles, admin)],
        "user_roles": roles,
        "user_is_admin": admin,
        "DEBUG": settings.DEBUG,
    }


def _center_name(user) -> str:
    loaded = getattr(user, "center_name", None)  # loaded with a signed-in user (core.auth_backend)
    if loaded is not None:
        return loaded
    try:
        return CenterProfile.current().name
    except Exception:  # noqa: BLE001 — before migrations (e.g. the very first page) fall back to the default
        return "党员服务转化中心"


def reminders(request):
    """The header's unread count: one count on a partial index (core.Reminder ``reminder_unread``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from core.reminders import unread_count

    return {"unread_reminders": unread_count(user)}
