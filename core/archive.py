"""The one-person-one-file archive bundle (一人一档, R-RC-23): ONE PDF with a cover, a table of contents with
page numbers, and a PDF outline entry per part and per document.

Apps contribute their documents for a member through ``core.registry.register_archive_section(provider)``,
from their ``AppConfig.ready()``::

    def archive_parts(member, user):
        applications = list(Application.objects.filter(member=member).order_by("received_on"))
        yield ArchivePart(
            title="发展党员材料",
            order=ORDER_RECRUITMENT,
            documents=[application_document(a) for a in applications],
        )

    register_archive_section(archive_parts)

A provider fetches its records (``list(...)``, ``select_related``) and returns ``core.pdf.Document`` objects,
the same ones its print views render alone. The bundle renders every fragment while the database is still
there, releases the connection, and only then runs WeasyPrint — a 30-page bundle never holds a connection
(or a transaction) while it is typeset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection

from core.pdf import (
    PDFA_VARIANT,
    Document,
    RenderedSection,
    ensure_outside_transaction,
    html_to_pdf,
    page_html,
    render_section,
)

# Where each app's part goes in a member's file: the person's basic record, then how they joined, then the
# organisational life of a member, then conversion management. Leave gaps for later parts.
ORDER_MEMBER_BASICS = 10
ORDER_RECRUITMENT = 20
ORDER_MEMBER_RECORDS = 30
ORDER_CONVERSION = 40
ORDER_SERVICES = 50


@dataclass(frozen=True)
class ArchivePart:
    """A titled group of documents in the bundle (outline level 1); each document is outline level 2."""

    title: str
    order: int
    documents: Sequence[Document] = field(default_factory=list)


@dataclass(frozen=True)
class ArchiveCover:
    """What the cover page shows. ``facts`` are (label, value) rows; ``header`` goes in the page header."""

    title: str
    subtitle: str
    header: str
    facts: Sequence[tuple[str, object]] = ()


def release_connection() -> None:
    """Give the database connection back before the slow part. Inside a test case's wrapping transaction
    (the only atomic block ``ensure_outside_transaction`` lets through) the connection must stay."""
    if not connection.in_atomic_block:
        connection.close()


def render_archive(
    *, cover: ArchiveCover, parts: Sequence[ArchivePart], variant: str | None = PDFA_VARIANT
) -> bytes:
    """The bundle as PDF bytes (PDF/A-3u by default). Call outside any transaction."""
    from core.models import CenterProfile

    ensure_outside_transaction()
    center = CenterProfile.current()
    ordered = sorted((p for p in parts if p.documents), key=lambda p: p.order)
    toc_parts = []
    sections: list[RenderedSection] = []
    for part in ordered:
        part_sections = []
        for index, document in enumerate(part.documents):
            section = render_section(
                document,
                anchor=f"doc-{len(sections) + 1}",
                center=center,
                part=part.title if index == 0 else "",
            )
            sections.append(section)
            part_sections.append(section)
        toc_parts.append({"title": part.title, "sections": part_sections})
    bundle = {
        "title": cover.title,
        "subtitle": cover.subtitle,
        "header": cover.header,
        "facts": list(cover.facts),
        "parts": toc_parts,
    }
    html = page_html(sections, title=f"{cover.title} {cover.subtitle}", center=center, bundle=bundle)
    resources = {name: item for section in sections for name, item in section.resources.items()}
    release_connection()
    return html_to_pdf(html, variant=variant, resources=resources)


def member_archive_parts(member, user) -> list[ArchivePart]:
    """Every registered part for this member, in bundle order (empty parts left out)."""
    from core.registry import archive_sections_for

    return sorted((p for p in archive_sections_for(member, user) if p.documents), key=lambda p: p.order)
