"""``{% recruitment_print_card candidate %}``: the candidate page's list of printable documents (issue 7)."""

from django import template
from django.urls import reverse

from recruitment.documents import file_records

register = template.Library()


@register.inclusion_tag("documents/recruitment/_print_card.html")
def recruitment_print_card(candidate):
    rows = [
        {
            "label": row.label,
            "number": row.number,
            "day": row.day,
            "url": reverse(f"recruitment_print:{row.kind}", args=[row.record.pk]),
        }
        for row in file_records(candidate)
    ]
    return {"candidate": candidate, "rows": rows}
