"""Hostile input in import files: a NUL byte in a cell (PostgreSQL refuses it in text) is refused in Chinese
and nothing is imported — through members.importing and through the admin's import page; an Excel file
cannot carry one (its XML refuses the character, and ``_x0000_`` stays literal text)."""

import io
import zipfile
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.idnumbers import make_id_number
from core.models import Organization
from members.importing import import_members, import_organizations
from members.models import Member

pytestmark = pytest.mark.django_db

MEMBER_HEADERS = [
    "姓名",
    "性别",
    "出生日期",
    "公民身份号码",
    "所在党组织",
    "党员状态",
    "入党日期",
    "转正日期",
    "联系电话",
]


def _member_row(name: str) -> list[str]:
    born = date(1980, 5, 1)
    return [name, "男", born.isoformat(), make_id_number("320102", born, 11), "东村党支部", "正式党员",
            "2005-07-01", "2006-07-01", "13900000000"]  # fmt: skip


def _csv(rows: list[list[str]], headers: list[str]) -> SimpleUploadedFile:
    text = "\n".join(",".join(row) for row in [headers, *rows]) + "\n"
    return SimpleUploadedFile("import.csv", text.encode("utf-8-sig"))


def _xlsx(rows: list[list[str]], headers: list[str], *, replace: tuple[bytes, bytes]) -> SimpleUploadedFile:
    """A workbook whose cell text is patched in the XML after writing (openpyxl itself refuses NUL)."""
    book = openpyxl.Workbook()
    for row in [headers, *rows]:
        book.active.append(row)
    written = io.BytesIO()
    book.save(written)
    patched = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(written.getvalue())) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename).replace(*replace))
    return SimpleUploadedFile("import.xlsx", patched.getvalue())


@pytest.mark.parametrize("column", range(len(MEMBER_HEADERS)))
def test_a_nul_byte_in_any_cell_of_a_members_csv_is_refused_and_nothing_is_imported(branch_a, clerk, column):
    row = _member_row("张伟")
    row[column] = row[column][:1] + "\x00" + row[column][1:]
    result = import_members(file=_csv([row], MEMBER_HEADERS), file_format="csv", user=clerk)
    assert not result.ok and "CSV" in result.errors[0][1]
    assert not Member.objects.exists()


def test_a_nul_byte_in_an_organisations_csv_is_refused_and_nothing_is_imported(town, clerk):
    upload = _csv([["东\x00村党支部", "党支部", "", "EAST"]], ["组织名称", "类型", "上级组织", "编码"])
    result = import_organizations(file=upload, file_format="csv", user=clerk)
    assert not result.ok and "CSV" in result.errors[0][1]
    assert not Organization.objects.filter(code="EAST").exists()


def test_a_raw_nul_in_an_excel_cell_makes_the_file_unreadable_and_nothing_is_imported(branch_a, clerk):
    upload = _xlsx([_member_row("张MARK伟")], MEMBER_HEADERS, replace=(b"MARK", b"\x00"))
    result = import_members(file=upload, file_format="xlsx", user=clerk)
    assert not result.ok and "Excel" in result.errors[0][1]
    assert not Member.objects.exists()


def test_an_escaped_nul_in_an_excel_cell_stays_literal_text_never_a_nul_byte(branch_a, clerk):
    upload = _xlsx([_member_row("张MARK伟")], MEMBER_HEADERS, replace=(b"MARK", b"_x0000_"))
    import_members(file=upload, file_format="xlsx", user=clerk)
    # (PostgreSQL would not even take NUL as a query parameter: look in Python.)
    assert all("\x00" not in name for name in Member.objects.values_list("name", flat=True))


def test_the_admin_import_page_refuses_a_csv_with_a_nul_byte_in_chinese(client, admin_user, branch_a):
    client.force_login(admin_user)
    upload = _csv([_member_row("张\x00伟")], MEMBER_HEADERS)
    response = client.post(
        reverse("admin:members_member_import"), {"resource": "0", "format": "1", "import_file": upload}
    )
    assert response.status_code == 200
    assert "文件不是有效的CSV文本文件" in response.content.decode()
    assert not Member.objects.exists()
