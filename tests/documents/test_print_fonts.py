"""Print fonts (core.print_fonts, issue 9): the cut-down Noto faces are embedded when built, a character they
lack still prints from the full Noto face, the text stays extractable, and without them documents print
from the system faces as before."""

from datetime import date

import pytest

from core import pdf, print_fonts
from core.pdf import Document, LocalOnlyURLFetcher, render_document
from tests.pdfutils import has_cjk_font, pdf_compact_text, pdf_fonts

pytestmark = pytest.mark.django_db

SERIF = print_fonts.FACES[0]  # the regular serif face of the body text


def _notice():
    return Document(
        title="受理通知书",
        template_name="documents/notice.html",
        number="便民〔2026〕001号",
        dated=date(2026, 5, 8),
        context={"addressee": "孙晓明", "paragraphs": ["您申请的事项已受理。"]},
    )


@pytest.fixture
def font_dir(settings, tmp_path):
    settings.PRINT_FONT_DIR = tmp_path
    pdf.reset_font_setup()
    yield tmp_path
    pdf.reset_font_setup()


def test_without_built_faces_documents_print_from_the_system_noto_faces(font_dir):
    assert print_fonts.built_faces() == [] and print_fonts.font_face_css() == ""
    fonts = pdf_fonts(render_document(_notice()))
    assert any(f.name.endswith("+Noto-Serif-CJK-SC") for f in fonts)
    assert not any("Print" in f.name for f in fonts)


def test_a_built_face_is_embedded_and_a_character_it_lacks_prints_from_the_full_face(font_dir):
    """The test face keeps a few characters only: 晓 (and most of the page) must come from the full face."""
    kept = {ord(c) for c in "受理通知书孙明您申请的事项已。0123456789"}
    print_fonts.build_face(SERIF, characters=kept)
    assert print_fonts.built_faces() == [SERIF]
    assert f'font-family: "{SERIF.family}"' in print_fonts.font_face_css()

    rendered = render_document(_notice())

    names = [f.name for f in pdf_fonts(rendered)]
    assert any(name.endswith("+Noto-Serif-CJK-SC-Print") for name in names)  # the cut-down face
    assert any(name.endswith("+Noto-Serif-CJK-SC") for name in names)  # the fallback for 晓 and the rest
    assert has_cjk_font(rendered) and all(f.embedded and f.unicode for f in pdf_fonts(rendered))
    assert "孙晓明" in pdf_compact_text(rendered)


def test_the_fetcher_reads_print_fonts_but_nothing_else_outside_the_project(font_dir):
    face = font_dir / "x.otf"
    face.write_bytes(b"\0")
    fetcher = LocalOnlyURLFetcher()
    response = fetcher.fetch(face.as_uri())  # allowed
    getattr(response, "close", lambda: None)()
    with pytest.raises(ValueError):
        fetcher.fetch((font_dir.parent / "elsewhere.otf").as_uri())


def test_the_repertoire_covers_gb2312_and_document_punctuation():
    chars = print_fonts.repertoire()
    assert all(ord(c) in chars for c in "党员服务转化中心〔〕（）：；、。“”—·0-9A-Za-z")
    assert len([c for c in chars if 0x4E00 <= c <= 0x9FFF]) == 6763  # every GB 2312 hanzi
