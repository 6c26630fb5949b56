"""``{% attachments_panel record %}``: the scanned materials filed with a record, with upload and void links;
``{% file_completeness file record %}``: a person's file, item by item, and its percentage."""

from django import template
from django.urls import reverse

from core import attachments
from core.access import can_write

register = template.Library()


def upload_url(record) -> str:
    return reverse(
        "core:attachment_upload", kwargs={"owner_label": record._meta.label_lower, "owner_pk": record.pk}
    )


@register.inclusion_tag("core/attachments/_panel.html", takes_context=True)
def attachments_panel(context, record, title="扫描材料"):
    request = context["request"]
    return {
        "request": request,
        "title": title,
        "materials": attachments.materials_of(record, include_void=True),
        "can_write": can_write(request.user),
        "upload_url": upload_url(record) if attachments.attachable(record) else "",
    }


@register.inclusion_tag("core/attachments/_completeness.html", takes_context=True)
def file_completeness(context, file, record=None):
    request = context["request"]
    return {
        "request": request,
        "file": file,
        "can_write": can_write(request.user),
        "upload_url": upload_url(record) if record is not None and attachments.attachable(record) else "",
    }
