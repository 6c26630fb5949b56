"""The case page's print buttons: which documents exist is decided in conversion.documents."""

from django import template
from django.urls import reverse

from conversion.documents import printable_documents

register = template.Library()


@register.inclusion_tag("documents/print_buttons.html")
def case_print_buttons(case):
    return {"buttons": [(reverse(p.url_name, args=p.args), p.label) for p in printable_documents(case)]}
