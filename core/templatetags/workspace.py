"""Template helpers for the staff pages: presentation only, the decisions live in core.access."""

from django import template

from core.access import sees_full_id_numbers
from members.idnumbers import mask_id_number

register = template.Library()

_BADGES = {"danger": "badge-danger", "warning": "badge-warning", "ok": "badge-ok", "muted": "badge-muted"}


@register.simple_tag(takes_context=True)
def id_number(context, value: str) -> str:
    """The ID number in full for roles that work with it, masked (3201**********123X) for the others (R-MB-04)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return value if user is not None and sees_full_id_numbers(user) else mask_id_number(value)


@register.filter
def badge_class(level: str) -> str:
    return _BADGES.get(level, "")
