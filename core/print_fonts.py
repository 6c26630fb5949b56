"""Print fonts: the CJK faces of printed documents, cut down once so that each PDF renders fast (issue 9).

WeasyPrint embeds a subset of every font a document uses, and it subsets from the whole font: Debian's Noto
CJK faces are 65,535-glyph collections (20–27 MB each), so a one-page notice spent most of its time
subsetting two of them. ``manage.py build_print_fonts`` cuts each face the documents use down to the
characters of GB 2312 (every hanzi in everyday use and the symbols of official documents), plus ASCII,
Latin-1 and the CJK and full-width punctuation, with its layout features (about 14,000 glyphs), converts
its outlines to TrueType (quadratic curves within 1/1000 em: HarfBuzz subsets them without unpacking CFF
charstrings, and the embedded subsets are a fifth of the size), and writes it to ``PRINT_FONT_DIR``
(``var/print-fonts/`` by default).

``templates/documents/print.css`` names each print face before its Noto face (``"Noto Serif CJK SC Print",
"Noto Serif CJK SC", serif``), and ``font_face_css`` declares the print faces that are built. So:

* a character outside the cut-down set (a rare character in a name) is still printed, from the full Noto
  face, through Pango's font fallback;
* where the faces are not built (a fresh checkout, the test suite), documents print exactly as before, from
  the system's Noto faces, only slower.

The fonts are the system's own (fonts-noto-cjk, SIL Open Font License), nothing is downloaded.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class PrintFace:
    family: str  # the name print.css uses for the cut-down face
    weight: int  # CSS weight
    system_family: str  # the Noto face it is cut from (fontconfig family)
    filename: str

    @property
    def path(self) -> Path:
        return font_dir() / self.filename


# The faces templates/documents/print.css uses: serif body text, bold serif titles, bold sans headings.
FACES = [
    PrintFace("Noto Serif CJK SC Print", 400, "Noto Serif CJK SC", "noto-serif-cjk-sc-print-regular.ttf"),
    PrintFace("Noto Serif CJK SC Print", 700, "Noto Serif CJK SC", "noto-serif-cjk-sc-print-bold.ttf"),
    PrintFace("Noto Sans CJK SC Print", 700, "Noto Sans CJK SC", "noto-sans-cjk-sc-print-bold.ttf"),
]

_FONTCONFIG_WEIGHT = {400: 80, 700: 200}


def font_dir() -> Path:
    return Path(getattr(settings, "PRINT_FONT_DIR", Path(settings.BASE_DIR) / "var" / "print-fonts"))


def built_faces() -> list[PrintFace]:
    return [face for face in FACES if face.path.is_file()]


def font_face_css(faces: list[PrintFace] | None = None) -> str:
    """``@font-face`` rules for the built print faces (empty when none is built)."""
    return "".join(
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
        f'src: url("{face.path.resolve().as_uri()}"); }}\n'
        for face in (built_faces() if faces is None else faces)
    )


def repertoire() -> set[int]:
    """The characters a print face keeps: GB 2312, ASCII, Latin-1, general, CJK and full-width punctuation."""
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    chars |= set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def system_font(face: PrintFace) -> tuple[str, int]:
    """The file and collection index of the Noto face a print face is cut from (fontconfig's choice)."""
    pattern = f"{face.system_family}:weight={_FONTCONFIG_WEIGHT[face.weight]}"
    out = subprocess.run(
        ["fc-match", "-f", "%{file}\n%{index}\n%{family}", pattern],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    if len(out) < 3 or face.system_family not in out[2].split(","):
        raise FileNotFoundError(f"系统未安装字体“{face.system_family}”（请安装 fonts-noto-cjk）。")
    return out[0], int(out[1])


def build_face(face: PrintFace, *, characters: set[int] | None = None, path: Path | None = None) -> Path:
    """Cut ``face`` down to ``characters`` (the repertoire) and write it; returns the file written.

    The file is written beside its final name and renamed, so a render running meanwhile never reads half
    a font.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source, index = system_font(face)
    font = TTFont(source, fontNumber=index, lazy=True)
    options = subset.Options()
    options.layout_features = ["*"]  # keep locl, vert, … for Pango's shaping
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters if characters is not None else repertoire())
    subsetter.subset(font)
    _to_truetype(font)
    target = path or face.path
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    font.save(partial)
    partial.replace(target)
    return target


def _to_truetype(font) -> None:
    """Replace the CFF outlines of ``font`` with TrueType ones (fontTools' otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    for table in ("CFF ", "VORG"):  # VORG only goes with CFF outlines
        if table in font:
            del font[table]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name in order:
        if hasattr(glyf[name], "xMin"):
            hmtx[name] = (hmtx[name][0], glyf[name].xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(maxp, field, 0)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
