"""QR codes for printed documents, made on this machine (segno): no outside service sees what they encode.

``qr_png_data_uri`` gives a PNG as a ``data:`` URI, the one kind of address the PDF typesetter fetches besides
the project's own files (core.pdf.LocalOnlyURLFetcher). The settings are fixed so that a test can encode the
expected text the same way and compare the image in a PDF module for module (tests/pdfutils.py).
"""

from __future__ import annotations

import segno

QR_ERROR = "m"  # 15 % of the code may be smudged or folded and still read
QR_SCALE = 4  # pixels per module in the PNG (the print stylesheet sets its printed size)
QR_BORDER = 2  # modules of quiet zone


def qr_code(text: str) -> segno.QRCode:
    return segno.make_qr(text, error=QR_ERROR, boost_error=False)


def qr_png_data_uri(text: str) -> str:
    return qr_code(text).png_data_uri(scale=QR_SCALE, border=QR_BORDER)
