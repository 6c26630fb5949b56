"""``{{ message|cite }}``: the rule IDs in a text shown as the regulations behind them (core.rules.cite).

A builtin of the template engine (settings.TEMPLATES), so every template may use it without ``{% load %}``."""

from django import template

from core.rules import cite as cite_text

register = template.Library()


@register.filter(is_safe=True)
def cite(text):
    """Safe text stays safe: a citation adds no markup (only 《》 and Chinese)."""
    return cite_text(text) if isinstance(text, str) else cite_text(str(text)) if text is not None else ""
