"""Printed documents: a Django template rendered to PDF bytes with WeasyPrint.

A printable document is a ``Document``: a template *fragment* (one ``<section>`` worth of HTML), its context,
its title and its number. The same fragment prints alone (``render_document``) or inside a person's archive
bundle (``core.archive``), wrapped by ``templates/documents/print.html`` and styled by
``templates/documents/print.css`` (A4, official-document margins, the center's name and the document number in
the header, "第 1 页 共 3 页" in the footer).

Two guarantees:

* Rendering never runs inside a database transaction (``render_*`` raise ``PdfRenderError``), and WeasyPrint
  itself runs with queries refused: everything a document shows is fetched and rendered to HTML first.
* Nothing is fetched from the network: fonts come from the system's fontconfig (Debian ``fonts-noto-cjk``),
  or from the cut-down print faces built from them (core.print_fonts, much faster to embed), and
  ``LocalOnlyURLFetcher`` refuses any URL that is not ``data:`` or a file under the project's ``static/``
  or ``templates/`` folders or the print fonts' folder, or one of the document's own resources.

Large images (the pages of scanned materials) are a document's ``resources``, not ``data:`` URLs: the fragment
refers to them as ``resource_url(name)`` and the fetcher hands WeasyPrint their bytes from memory. Megabytes of
base64 in the HTML cost seconds of HTML parsing in a 30-page bundle.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from core.print_fonts import font_dir, font_face_css

logger = logging.getLogger(__name__)

PRINT_CSS = Path(settings.BASE_DIR) / "templates" / "documents" / "print.css"
PAGE_TEMPLATE = "documents/print.html"
#: WeasyPrint's name for PDF/A-3u (long-term archiving, Unicode text); used for archive bundles.
PDFA_VARIANT = "pdf/a-3u"
#: the URL scheme of a document's in-memory resources (``resource_url``)
RESOURCE_SCHEME = "print-resource"


class PdfRenderError(RuntimeError):
    """A document cannot be rendered here (e.g. inside a database transaction)."""


@dataclass
class Document:
    """One printable document.

    ``template_name`` is a fragment template (no ``<html>``): it receives ``context`` plus ``center`` (the
    CenterProfile) and ``document`` (this object). Put only evaluated data in ``context`` — lists, not lazy
    querysets — so that the fragment renders without surprises; ``render_fragment`` runs while the database
    is still available, WeasyPrint afterwards without it.
    """

    title: str
    template_name: str
    context: dict = field(default_factory=dict)
    number: str = ""
    dated: date | None = None
    filename: str = ""
    #: what the page header shows right when the document has no number (e.g. the member's name)
    header: str = ""
    #: images the fragment shows, by name: (mime type, bytes); the fragment links them with ``resource_url``
    resources: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def render_fragment(self, *, center=None) -> str:
        from core.models import CenterProfile

        center = center or CenterProfile.current()
        return render_to_string(self.template_name, {**self.context, "center": center, "document": self})

    @property
    def download_name(self) -> str:
        base = self.filename or "-".join(part for part in (self.title, self.number) if part)
        return f"{base}.pdf"


@dataclass(frozen=True)
class RenderedSection:
    """A document whose fragment is already HTML; what the page template lays out."""

    anchor: str
    title: str
    number: str
    dated: date | None
    html: str
    part: str = ""
    header: str = ""  # the archive part that starts with this section (outline level 1), if any
    resources: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def resource_url(name: str) -> str:
    """The URL by which a fragment shows its document's resource ``name`` (an ``<img src>``)."""
    return f"{RESOURCE_SCHEME}:{quote(name)}"


class LocalOnlyURLFetcher(URLFetcher):
    """Refuses every URL except ``data:``, files inside the project's static/ and templates/ folders, and the
    documents' own ``resources`` (``resource_url``), served from memory.

    A refused URL is logged by WeasyPrint and left out of the document; nothing ever goes to the network.
    """

    def __init__(self, resources: dict[str, tuple[str, bytes]] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.resources = resources or {}

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == RESOURCE_SCHEME:
            name = unquote(url.split(":", 1)[1])
            if name not in self.resources:
                raise ValueError(f"打印文书缺少资源：{name}")
            mime, data = self.resources[name]
            return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and _is_allowed_file(url):
            return super().fetch(url, headers)
        raise ValueError(f"打印文书不加载外部资源：{url}")


def _allowed_roots() -> tuple[Path, ...]:
    base = Path(settings.BASE_DIR).resolve()
    return (base / "static", base / "templates", font_dir().resolve())


def _is_allowed_file(url: str) -> bool:
    path = Path(unquote(urlsplit(url).path)).resolve()
    return any(path.is_relative_to(root) for root in _allowed_roots())


def ensure_outside_transaction() -> None:
    """Rendering takes a while: it must never hold a transaction open (STYLE: slow I/O outside transactions).

    The atomic block a Django/pytest test case wraps around each test is not the application's transaction,
    so it is ignored (the same distinction Django makes for ``atomic(durable=True)``).
    """
    if any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        raise PdfRenderError("不能在数据库事务中生成PDF：请在事务提交后再打印。")


def _refuse_queries(execute, sql, params, many, context):
    raise PdfRenderError("生成PDF时不得查询数据库：请先取好文书所需的数据。")


@lru_cache(maxsize=1)
def _stylesheet(mtime: float) -> CSS:
    return CSS(filename=str(PRINT_CSS), url_fetcher=LocalOnlyURLFetcher())


def print_stylesheet() -> CSS:
    """The parsed print stylesheet, cached until the file changes."""
    return _stylesheet(PRINT_CSS.stat().st_mtime)


_fonts = threading.local()


def _font_setup() -> tuple[FontConfiguration, list[CSS]]:
    """This thread's font configuration and the ``@font-face`` sheet of the print faces (core.print_fonts).

    Made once per thread, not per document: a FontConfiguration loads the system's font configuration and
    each declared face copies its font file, and Pango keeps the fonts it has opened in it.
    """
    setup = getattr(_fonts, "setup", None)
    if setup is None:
        config = FontConfiguration()
        faces = font_face_css()
        sheets = [CSS(string=faces, font_config=config, url_fetcher=LocalOnlyURLFetcher())] if faces else []
        setup = _fonts.setup = (config, sheets)
    return setup


def reset_font_setup() -> None:
    """Forget this thread's font configuration (after the print faces were built or moved)."""
    _fonts.__dict__.pop("setup", None)


def html_to_pdf(
    html: str, *, variant: str | None = None, resources: dict[str, tuple[str, bytes]] | None = None
) -> bytes:
    """WeasyPrint with the print stylesheet, no database and no network. ``variant``: e.g. ``PDFA_VARIANT``;
    ``resources``: the documents' images by name (``resource_url``)."""
    ensure_outside_transaction()
    fetcher = LocalOnlyURLFetcher(resources)
    base_url = (Path(settings.BASE_DIR) / "static").resolve().as_uri() + "/"
    font_config, font_sheets = _font_setup()
    with connection.execute_wrapper(_refuse_queries):
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=[*font_sheets, print_stylesheet()],
            font_config=font_config,
            pdf_variant=variant,
            uncompressed_pdf=False,
        )


def page_html(
    sections: list[RenderedSection],
    *,
    title: str,
    center,
    bundle: dict | None = None,
) -> str:
    """The whole HTML page around rendered sections (``bundle`` adds the cover and table of contents)."""
    return render_to_string(
        PAGE_TEMPLATE,
        {
            "sections": sections,
            "title": title,
            "center": center,
            "bundle": bundle,
            "generated_at": timezone.localtime(),
        },
    )


def render_section(document: Document, *, anchor: str, center, part: str = "") -> RenderedSection:
    return RenderedSection(
        anchor=anchor,
        title=document.title,
        number=document.number,
        dated=document.dated,
        html=document.render_fragment(center=center),
        part=part,
        header=document.number or document.header,
        resources=document.resources,
    )


def render_document(document: Document, *, variant: str | None = None) -> bytes:
    """One document as PDF bytes. Must be called outside any transaction."""
    from core.models import CenterProfile

    ensure_outside_transaction()
    center = CenterProfile.current()
    section = render_section(document, anchor="doc-1", center=center)
    html = page_html([section], title=document.title, center=center)
    return html_to_pdf(html, variant=variant, resources=section.resources)


def render_pdf(template_name: str, context: dict, *, variant: str | None = None) -> bytes:
    """A whole-page template (with its own ``<html>``) to PDF, with the print stylesheet applied on top.
    Prefer ``Document`` + ``render_document`` for filing documents: they get the shared header and footer."""
    ensure_outside_transaction()
    return html_to_pdf(render_to_string(template_name, context), variant=variant)


def pdf_response(pdf: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    """An ``application/pdf`` response; the Chinese file name goes in RFC 5987 ``filename*``."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"document.pdf\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
