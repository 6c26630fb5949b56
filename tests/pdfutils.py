"""Reading rendered PDFs in tests: text, embedded fonts, outline. Reused by every app's document tests.

``pdf_text`` and ``pdf_fonts`` use poppler-utils (pdftotext, pdffonts); ``pdf_outline`` and page-wise text use
pypdf. Extracted text alone cannot reveal missing glyphs (tofu boxes): check ``has_cjk_font`` too.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass

from pypdf import PdfReader


def _poppler(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        result = subprocess.run(
            [tool, *args, handle.name, *(["-"] if tool == "pdftotext" else [])],
            capture_output=True,
            check=True,
            timeout=60,
        )
    return result.stdout.decode("utf-8")


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """All the text (pdftotext); whitespace inside a line is collapsed to single spaces unless ``layout``."""
    text = _poppler("pdftotext", pdf, "-enc", "UTF-8", *(["-layout"] if layout else []))
    return text if layout else re.sub(r"[ \t]+", " ", text)


def pdf_compact_text(pdf: bytes) -> str:
    """All the text with every whitespace removed, so that assertions survive line wraps in Chinese text
    ("由东村党支\n部转到" → "由东村党支部转到") and the footer reads "第1页共3页"."""
    return re.sub(r"\s+", "", pdf_text(pdf))


def pdf_page_texts(pdf: bytes) -> list[str]:
    """The text of each page, page 1 first (pdftotext, pages separated by form feeds)."""
    pages = _poppler("pdftotext", pdf, "-enc", "UTF-8", "-layout").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@dataclass(frozen=True)
class PdfFont:
    name: str
    type: str
    embedded: bool
    subset: bool
    unicode: bool


def pdf_fonts(pdf: bytes) -> list[PdfFont]:
    """The fonts listed by pdffonts."""
    lines = _poppler("pdffonts", pdf).splitlines()[2:]
    fonts = []
    for line in lines:
        # name type... encoding emb sub uni object-id gen; the type has spaces, so read from the right.
        parts = line.split()
        if len(parts) < 7:
            continue
        emb, sub, uni = parts[-5], parts[-4], parts[-3]
        fonts.append(PdfFont(parts[0], " ".join(parts[1:-6]), emb == "yes", sub == "yes", uni == "yes"))
    return fonts


def has_cjk_font(pdf: bytes) -> bool:
    """True when a Noto CJK font is embedded with a Unicode map — real glyphs, not boxes."""
    return any("CJK" in f.name and f.embedded and f.unicode for f in pdf_fonts(pdf))


@dataclass(frozen=True)
class OutlineEntry:
    title: str
    level: int  # 1 = top
    page: int  # 1-based


def pdf_outline(pdf: bytes) -> list[OutlineEntry]:
    """The bookmarks (PDF outline), flattened in order, with their 1-based target pages."""
    reader = PdfReader(io.BytesIO(pdf))
    entries: list[OutlineEntry] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                entries.append(OutlineEntry(item.title, level, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return entries


#: a line of an archive bundle's table of contents in ``pdftotext -layout``: title, dotted leader, page number
TOC_LINE = re.compile(r"^\s*(?P<title>\S.*?)\s*\.[ .]*\s(?P<page>\d+)\s*$")


def toc_entries(page_texts: list[str]) -> list[tuple[str, int]]:
    """(title, page) of each table-of-contents line of a bundle, read from the pages after the cover
    (``pdf_page_texts``) as long as they are contents pages (目录)."""
    entries = []
    for text in page_texts[1:]:
        if "目" not in text or "录" not in text:
            break
        for line in text.splitlines():
            match = TOC_LINE.match(line)
            if match:
                entries.append((match["title"], int(match["page"])))
    return entries


def body_start(page_text: str) -> str:
    """The page's text without its header line (center name + document number), whitespace removed."""
    lines = [line for line in page_text.splitlines() if line.strip()]
    return "".join("".join(lines[1:]).split())


def pdf_page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_metadata(pdf: bytes) -> dict:
    """The document information dictionary and, when present, the raw XMP packet (``xmp``)."""
    reader = PdfReader(io.BytesIO(pdf))
    info = {k.lstrip("/"): str(v) for k, v in (reader.metadata or {}).items()}
    root = reader.trailer["/Root"]
    if "/Metadata" in root:
        info["xmp"] = root["/Metadata"].get_object().get_data().decode("utf-8", "replace")
    info["output_intents"] = len(root.get("/OutputIntents", []))
    return info


def pdf_images(pdf: bytes) -> list:
    """Every raster image in the PDF, as PIL images (pypdf), page by page."""
    reader = PdfReader(io.BytesIO(pdf))
    return [image.image for page in reader.pages for image in page.images]


def qr_modules(image, *, scale: int, border: int) -> list[list[bool]]:
    """Read a QR code drawn ``scale`` pixels per module with a ``border`` of quiet modules back into its
    modules (True = dark), by sampling each module's centre — to compare with the code the text should give."""
    grey = image.convert("L")
    size = grey.width // scale - 2 * border
    return [
        [
            grey.getpixel(((border + x) * scale + scale // 2, (border + y) * scale + scale // 2)) < 128
            for x in range(size)
        ]
        for y in range(size)
    ]
