"""How scanned materials print in the archive bundle (issue 21: a 30-page bundle with 10 scanned pages ≤ 3 s):
an A4 page's worth of pixels at core.attachments.PRINT_DPI, from the JPEG itself when a PDF page is one
full-page photo, rasterised by pdftoppm otherwise; the images go to WeasyPrint from memory, not as data: URLs."""

import io
from types import SimpleNamespace

import pytest
from PIL import Image
from pypdf import PdfReader

from core import attachments
from core.attachments import JPEG, PDF, PNG, page_images, print_image, print_long_side, whole_page_jpegs
from core.pdf import Document, render_document, resource_url

pytestmark = pytest.mark.django_db  # CenterProfile for the printed documents
LONG = print_long_side()


def _scanner_pdf(pages: int, size=(1240, 1754)) -> bytes:
    """A scanner's PDF: A4 pages at 150 dpi, each one grey JPEG filling the page."""
    images = [Image.new("L", size, 200 + i) for i in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=150.0)
    return out.getvalue()


def _material(data: bytes, content_type: str, monkeypatch):
    monkeypatch.setattr(attachments, "read_file", lambda attachment: data)
    return SimpleNamespace(is_pdf=content_type == PDF, content_type=content_type)


def test_a_scanners_pages_print_from_their_jpegs_at_the_size_pdftoppm_draws_them(monkeypatch):
    data = _scanner_pdf(3)
    assert whole_page_jpegs(data, LONG) is not None
    fast = page_images(_material(data, PDF, monkeypatch))
    monkeypatch.setattr(attachments, "whole_page_jpegs", lambda data, long_side: None)
    rasterised = page_images(_material(data, PDF, monkeypatch))
    assert len(fast) == len(rasterised) == 3
    for (mime, image), (_, drawn) in zip(fast, rasterised, strict=True):
        assert mime == JPEG
        (width, height), (drawn_width, drawn_height) = (
            Image.open(io.BytesIO(i)).size for i in (image, drawn)
        )
        assert height == drawn_height == LONG and abs(width - drawn_width) <= 1  # rounding: 909 or 910


@pytest.mark.parametrize(
    "pdf",
    [
        lambda: render_document(Document(title="通知", template_name="documents/notice.html", context={})),
        lambda: _scanner_pdf(1, size=(124, 175)),  # smaller than the print: pdftoppm enlarges it
    ],
    ids=["text", "small-image"],
)
def test_any_other_pdf_is_rasterised_whole(pdf, monkeypatch):
    data = pdf()
    assert whole_page_jpegs(data, LONG) is None
    pages = page_images(_material(data, PDF, monkeypatch))
    assert len(pages) == len(PdfReader(io.BytesIO(data)).pages)
    assert max(Image.open(io.BytesIO(pages[0][1])).size) == LONG


def test_a_phone_photo_prints_scaled_down_and_a_small_image_as_stored(monkeypatch):
    photo = io.BytesIO()
    Image.new("RGB", (3024, 4032), (200, 190, 180)).save(photo, format="JPEG")
    mime, printed = page_images(_material(photo.getvalue(), JPEG, monkeypatch))[0]
    assert mime == JPEG and Image.open(io.BytesIO(printed)).size[1] == LONG
    small = io.BytesIO()
    Image.new("RGB", (300, 400)).save(small, format="PNG")
    assert print_image(small.getvalue(), PNG, LONG) == (PNG, small.getvalue())


def test_a_documents_images_reach_the_pdf_from_memory_not_as_data_urls():
    image = io.BytesIO()
    Image.new("RGB", (200, 280), (10, 120, 200)).save(image, format="JPEG")
    document = Document(
        title="扫描件",
        template_name="documents/scan.html",
        context={
            "attachment": SimpleNamespace(kind_label="入党申请书", received_on=None, page_count=1, note=""),
            "pages": [resource_url("scan-1")],
        },
        resources={"scan-1": (JPEG, image.getvalue())},
    )
    assert "data:" not in document.render_fragment()
    pdf = PdfReader(io.BytesIO(render_document(document)))
    assert [img.image.size for img in pdf.pages[0].images] == [(200, 280)]
