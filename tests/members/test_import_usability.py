"""Imports people can use (issue 18 point 6): one message per problem, phones and dates validated, the preview
in 2026年3月12日, a template to download, XLSX preselected (R-MB-04)."""

import io
import re
from datetime import date, datetime
from urllib.parse import unquote

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.idnumbers import make_id_number
from core.phones import phone_problem
from members.importing import import_members
from members.models import Member
from tests import factories

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "性别", "出生日期", "公民身份号码", "所在党组织", "党员状态", "入党日期", "联系电话"]
IMPORT_URL = reverse("admin:members_member_import")


@pytest.fixture
def east(town):
    return factories.make_branch("东村党支部")


def _row(name, seq, *, born=date(1985, 3, 12), phone="13812345678", id_number=None, joined="2010-07-01"):
    number = id_number or make_id_number("320102", born, seq)
    return [name, "男", born, number, "东村党支部", "正式党员", joined, phone]


def _upload(rows, headers=HEADERS):
    return SimpleUploadedFile("members.xlsx", tablib.Dataset(*rows, headers=headers).export("xlsx"))


def _bad_checksum(seq=2):
    good = make_id_number("320102", date(1985, 3, 12), seq)
    return good[:17] + ("0" if good[17] != "0" else "1")


@pytest.mark.parametrize(
    "number", ["13812345678", "138 1234 5678", "+86 13812345678", "0512-65123456", "(0512)6512345"]
)
def test_a_mobile_or_a_landline_with_its_area_code_passes(number):
    assert phone_problem(number) is None


@pytest.mark.parametrize("number", ["6512345", "65123456", "1381234567", "23812345678", "电话"])
def test_a_seven_digit_or_malformed_phone_is_refused(number):
    assert phone_problem(number)


def test_each_problem_is_said_once_and_a_seven_digit_phone_is_refused_R_MB_04(east, admin_user):
    rows = [_row("张一", 1, id_number=_bad_checksum()), _row("张二", 3, phone="6512345")]
    result = import_members(file=_upload(rows), file_format="xlsx", user=admin_user, dry_run=True)
    reasons = dict(result.errors)
    assert reasons[2].count("校验位错误") == 1 and "。；" not in reasons[2]
    assert "缺少区号" in reasons[3]
    assert not Member.objects.exists()


def test_a_birth_date_in_the_future_is_refused(east, admin_user):
    rows = [_row("张三", 1, born=date(2099, 1, 1), joined="")]
    result = import_members(file=_upload(rows), file_format="xlsx", user=admin_user, dry_run=True)
    assert any("出生日期不能晚于今天" in reason for _, reason in result.errors)


def test_the_admin_says_each_problem_once_and_previews_dates_in_chinese(client, admin_user, east):
    client.force_login(admin_user)
    html = client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": "0",
            "import_file": _upload([_row("李一", 1, id_number=_bad_checksum())]),
        },
    ).content.decode()
    assert html.count("校验位错误") == 1
    rows = [_row("李二", 2), _row("李三", 4, born=datetime(1990, 5, 20))]
    rows[1][6] = "2015/7/1"
    html = client.post(
        IMPORT_URL, {"resource": "0", "format": "0", "import_file": _upload(rows)}
    ).content.decode()
    preview = html[html.index('class="import-preview"') :]
    assert "1985年3月12日" in preview and "1990年5月20日" in preview and "2015年7月1日" in preview
    assert "00:00" not in preview and not re.search(r"\d{4}-\d{2}-\d{2}", preview)


def test_the_import_page_starts_at_xlsx_and_offers_the_template(client, admin_user):
    client.force_login(admin_user)
    html = client.get(IMPORT_URL).content.decode()
    assert re.search(r'<option value="0" selected>\s*xlsx', html, re.I)
    template_url = reverse("admin:members_member_import_template")
    assert template_url in html
    export = client.get(reverse("admin:members_member_export")).content.decode()
    assert re.search(r'<option value="0" selected>\s*xlsx', export, re.I)


@pytest.mark.parametrize(
    ("url", "first_header", "example"),
    [
        ("admin:members_member_import_template", "姓名", "1985年3月12日"),
        ("admin:core_organization_import_template", "组织代码", "东村党支部"),
    ],
)
def test_the_template_has_headers_an_example_and_a_note_sheet(client, admin_user, url, first_header, example):
    client.force_login(admin_user)
    response = client.get(reverse(url))
    assert response.status_code == 200 and "导入模板.xlsx" in unquote(response["Content-Disposition"])
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data, notes = book.worksheets
    rows = list(data.iter_rows(values_only=True))
    assert rows[0][0] == first_header and example in rows[1] and len(rows) == 2
    assert notes.title == "填写说明"
    guide = {row[0]: row for row in notes.iter_rows(values_only=True) if row and row[0]}
    assert guide["联系电话"][2].startswith("以1开头的11位手机号码")


def test_the_filled_in_template_imports(client, admin_user, east, town):
    client.force_login(admin_user)
    content = client.get(reverse("admin:members_member_import_template")).content
    result = import_members(
        file=SimpleUploadedFile("t.xlsx", content), file_format="xlsx", user=admin_user, dry_run=True
    )
    assert result.ok, result.errors


def test_the_auditor_gets_no_template(client, auditor):
    client.force_login(auditor)
    assert client.get(reverse("admin:members_member_import_template")).status_code in (302, 403)
