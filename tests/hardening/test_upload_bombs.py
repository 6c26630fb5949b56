"""Uploads are judged before they are parsed: a decompression bomb is refused in about a second, rows and cells
are read under hard limits, and an oversized or anonymous upload is refused before its body is read (issue 15).
"""

import io
import os
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.exports import write_xlsx
from members.importing import import_members
from members.models import Member

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "性别", "出生日期", "公民身份号码", "所在党组织", "党员状态", "入党日期", "转正日期"]


def _workbook(sheet_chunks, *, padding: int = 0) -> bytes:
    """A real workbook whose sheet XML is ``sheet_chunks`` (bytes, streamed into the zip), optionally padded
    with an incompressible part so that the archive as a whole looks ordinarily compressed."""
    template = write_xlsx(HEADERS, [])
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info.filename, source.read(info.filename))
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            for chunk in sheet_chunks:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
        if padding:
            out.writestr("xl/media/image1.bin", os.urandom(padding), compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def _one_huge_cell():
    """One cell of 45 MB: the sheet packs ~1000:1, hidden behind 4.5 MB of random padding (overall ~10:1)."""
    yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    for _ in range(45):
        yield b"x" * (1024 * 1024)
    yield b"</t></is></c></row>"


def _many_rows(count: int):
    for start in range(1, count + 1, 10_000):
        yield "".join(
            f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>'
            for n in range(start, min(start + 10_000, count + 1))
        ).encode()


@pytest.fixture(scope="module")
def ratio_bomb() -> bytes:
    data = _workbook(_one_huge_cell(), padding=4_500_000)
    assert 4_000_000 < len(data) < 5 * 1024 * 1024  # under the upload limit, like the reported 4.6 MB file
    return data


@pytest.fixture(scope="module")
def row_bomb() -> bytes:
    return _workbook(_many_rows(600_000))  # ~3 MB expanding to ~43 MB, packed only ~14:1


def _import(data: bytes, user):
    started = time.monotonic()
    result = import_members(file=SimpleUploadedFile("m.xlsx", data), file_format="xlsx", user=user)
    return result, time.monotonic() - started


def test_a_bomb_hidden_behind_incompressible_padding_is_refused_within_a_second(clerk, ratio_bomb):
    result, seconds = _import(ratio_bomb, clerk)
    assert not result.ok and "压缩炸弹" in result.errors[0][1]
    assert seconds < 2  # about a second on a loaded machine; the old check parsed it for 35-46 s
    assert not Member.objects.exists()


def test_a_workbook_of_too_many_rows_is_refused_before_it_is_parsed(clerk, row_bomb):
    result, seconds = _import(row_bomb, clerk)
    assert not result.ok and "一次最多导入" in result.errors[0][1]
    assert seconds < 2


def test_the_admin_import_refuses_the_bomb_with_the_same_chinese_message(client, admin_user, ratio_bomb):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:members_member_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("m.xlsx", ratio_bomb)},
    )
    assert response.status_code == 200 and "压缩炸弹" in response.content.decode()
    assert not Member.objects.exists()


def _multipart(size: int) -> tuple[bytes, str]:
    boundary = "BOUNDARY"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="import_file"; filename="x.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"0" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_an_anonymous_multipart_post_is_refused_before_its_body_is_read():
    body, content_type = _multipart(200_000)
    response = Client().generic("POST", reverse("services:public_lookup"), body, content_type=content_type)
    assert response.status_code == 413 and "过大" in response.content.decode()


def test_a_body_over_the_request_limit_is_refused_even_when_signed_in(client, admin_user, settings):
    settings.REQUEST_MAX_BODY_BYTES = 100_000
    client.force_login(admin_user)
    body, content_type = _multipart(200_000)
    response = client.generic("POST", reverse("admin:members_member_import"), body, content_type=content_type)
    assert response.status_code == 413


def test_only_the_scan_upload_takes_a_body_above_the_request_limit(client, admin_user, settings):
    """Several phone photos may go to the scan upload at once; every other signed-in POST keeps the smaller
    limit (an import is at most IMPORT_MAX_UPLOAD_BYTES), and the scan upload has its own ceiling."""
    settings.REQUEST_MAX_BODY_BYTES, settings.ATTACHMENT_REQUEST_MAX_BODY_BYTES = 100_000, 300_000
    client.force_login(admin_user)
    body, content_type = _multipart(200_000)
    upload = reverse("core:attachment_upload", args=["members.member", 999_999])
    reached = client.generic("POST", upload, body, content_type=content_type)
    assert reached.status_code == 404  # past the limit: the view answered (no such record)
    response = client.generic("POST", reverse("admin:members_member_import"), body, content_type=content_type)
    assert response.status_code == 413
    body, content_type = _multipart(400_000)
    assert client.generic("POST", upload, body, content_type=content_type).status_code == 413


def test_the_public_lookup_still_accepts_its_small_form(client):
    response = client.post(reverse("services:public_lookup"), {"receipt_number": "X", "phone_suffix": "1234"})
    assert response.status_code == 200
