"""Small files for the scanned-materials tests and the demo: images, PDFs, and hostile files, made locally."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def image_bytes(
    width: int = 60, height: int = 80, *, color=(200, 30, 30), fmt: str = "JPEG", exif=None
) -> bytes:
    image = Image.new("RGB", (width, height), color)
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def phone_photo(width: int = 60, height: int = 40, *, orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: lying on its side with an EXIF orientation, a camera model and a GPS tag."""
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: 6 = turn 90° clockwise to view
    exif[0x0110] = "TestPhone 12"  # Model
    exif[0x8825] = {1: "N", 2: (31.0, 52.0, 0.0)}  # GPSInfo
    image = Image.new("RGB", (width, height), (240, 240, 240))
    image.paste((20, 20, 20), (0, 0, width // 4, height))  # a dark band on the left edge
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def heic_photo(width: int = 64, height: int = 48) -> bytes:
    """A HEIC photo, as an iPhone takes it."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 10)).save(out, format="HEIF")
    return out.getvalue()


def pdf_bytes(pages: int = 1, *, text_color=(0, 0, 0)) -> bytes:
    """A plain PDF of ``pages`` pages (grey A4-ish images), as a scanner writes it."""
    images = [Image.new("RGB", (124, 175), (230 - 10 * i % 200, 230, 230)) for i in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=15.0)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    """A one-page PDF that runs JavaScript when opened (/OpenAction → /JS)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Type /Action /S /JavaScript /JS (app.alert\\('x'\\);) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid, tiny PNG declaring huge dimensions: decoding it would need tens of gigabytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + _chunk(b"IEND", b"")
    )


def exe_bytes() -> bytes:
    """The start of a Windows program (MZ header)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(data: bytes, name: str, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)
