"""Print buttons of the matter and accountability pages: which documents exist is decided in
services.documents."""

from django import template
from django.urls import reverse

from services.documents import case_documents, printable_documents

register = template.Library()


def _buttons(items):
    return {"buttons": [(reverse(p.url_name, args=[p.pk]), p.label) for p in items]}


@register.inclusion_tag("documents/print_buttons.html")
def matter_print_buttons(matter):
    return _buttons(printable_documents(matter))


@register.inclusion_tag("documents/print_buttons.html")
def accountability_print_buttons(case):
    return _buttons(case_documents(case))
