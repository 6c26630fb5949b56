"""``{{ change.by|person }}``: a person's name, or 「系统（自动）」 for a record made by the system (core.people)."""

from django import template

from core.people import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    # A missing relation reaches a filter as None, or as string_if_invalid when the lookup itself failed.
    return person_name(user if hasattr(user, "get_full_name") else None)
