"""Admin template helpers for what third-party templates print in English (templates/simple_history/…)."""

from django import template
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


@register.filter
def field_label(name: str, opts) -> str:
    """A model field's Chinese name (its verbose_name) for its attribute name; the name when unknown."""
    try:
        return str(opts.get_field(name).verbose_name)
    except (FieldDoesNotExist, AttributeError):
        return name
