"""Points shown the way the regulation writes them: +0.5 and −0.5 (a real minus sign, not a hyphen)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def signed(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    if amount > 0:
        return f"+{amount}"
    if amount < 0:
        return f"−{-amount}"
    return str(amount)
