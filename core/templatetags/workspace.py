"""Template helpers for the staff pages: presentation only, the decisions live in core.access."""

from django import template

from core.access import sees_full_id_numbers
from core.audit import id_number_for_display, phone_for_display
from core.idnumbers import mask_id_number

register = template.Library()

_BADGES = {"danger": "badge-danger", "warning": "badge-warning", "ok": "badge-ok", "muted": "badge-muted"}


@register.simple_tag(takes_context=True)
def id_number(context, person) -> str:
    """A member's or a recruitment candidate's ID number: in full for roles that work with it — and that
    viewing is logged (who, whom, when; core.audit) — masked (3201**********123X) for the others (R-MB-04).

    Pass the member or candidate, not the number: a bare string is always shown masked, since it cannot be
    logged."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if isinstance(person, str):
        return mask_id_number(person)
    if user is None or not sees_full_id_numbers(user):
        return mask_id_number(person.id_number)
    return id_number_for_display(user=user, person=person, request=request)


@register.simple_tag(takes_context=True)
def phone(context, person_or_number) -> str:
    """A phone on any staff page — a member's (pass the member) or a number (an applicant's, a floating
    member's contact): in full for roles that work with full numbers, masked (139****1111) for secretaries and
    auditors, as in the exports and PDFs (core.audit.phone_for_display)."""
    number = getattr(person_or_number, "phone", person_or_number)
    return phone_for_display(user=getattr(context.get("request"), "user", None), number=number)


@register.filter
def badge_class(level: str) -> str:
    return _BADGES.get(level, "")
