"""The admin's member import is the set-based import (members.member_import, as members.importing.import_members):
same file checks, same Chinese row errors, all or nothing (R-MB-02, R-MB-04, R-MB-05; issue 9)."""

import re
from datetime import date

import pytest
import tablib
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.idnumbers import make_id_number
from core.models import Organization
from core.rules import cite
from members.models import Member, MemberStatusEvent
from tests import factories

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "性别", "出生日期", "公民身份号码", "所在党组织", "党员状态", "入党日期", "转正日期"]
IMPORT_URL = reverse("admin:members_member_import")
CONFIRM_URL = reverse("admin:members_member_process_import")
XLSX, CSV = "0", "1"  # the admin's import formats, in order


@pytest.fixture
def east(town):
    return factories.make_branch("东村党支部")


def _row(name, seq, *, born=date(1980, 5, 17), org="东村党支部", id_number=None):
    number = id_number or make_id_number("320102", born, seq)
    return [name, "男", born.isoformat(), number, org, "正式党员", "2005-07-01", "2006-07-01"]


def _upload(rows, fmt="xlsx", encoding="utf-8-sig", headers=HEADERS):
    data = tablib.Dataset(*rows, headers=headers)
    content = data.export("xlsx") if fmt == "xlsx" else data.export("csv").encode(encoding)
    return SimpleUploadedFile(f"members.{fmt}", content)


def _check(client, upload, fmt=XLSX):
    return client.post(IMPORT_URL, {"resource": "0", "format": fmt, "import_file": upload})


def _confirm(client, response, url=CONFIRM_URL):
    form = response.context["confirm_form"]
    return client.post(url, {name: form.initial[name] for name in form.fields if name in form.initial})


def test_an_admin_import_of_a_file_with_a_bad_row_imports_nothing_and_names_the_row_R_MB_04(
    client, admin_user, east
):
    bad_checksum = make_id_number("320102", date(1980, 5, 17), 2)[:17] + "0"
    if bad_checksum == make_id_number("320102", date(1980, 5, 17), 2):
        bad_checksum = bad_checksum[:17] + "1"
    rows = [_row("张一", 1), _row("张二", 2, id_number=bad_checksum), _row("张三", 3, org="不存在党支部")]
    client.force_login(admin_user)
    response = _check(client, _upload(rows))
    html = response.content.decode()
    assert response.status_code == 200 and "confirm_form" not in response.context
    assert "未导入任何数据" in html
    assert "第3行：公民身份号码：身份证号码校验位错误" in html  # row 1 is the header
    assert "第4行：所在党组织：找不到党组织“不存在党支部”" in html
    assert not Member.objects.exists()


def test_an_admin_import_checks_then_writes_every_row_with_its_first_status_event_R_MB_02(
    client, admin_user, east
):
    client.force_login(admin_user)
    response = _check(client, _upload([_row("王一", 1), _row("王二", 2)]))
    assert "检查通过：新增2条" in response.content.decode()
    assert not Member.objects.exists()  # the check writes nothing
    done = _confirm(client, response)
    assert done.status_code == 302
    assert sorted(Member.objects.values_list("name", flat=True)) == ["王一", "王二"]
    events = MemberStatusEvent.objects.filter(note="批量导入建立党员档案", by=admin_user)
    assert events.count() == 2
    assert Member.history.filter(history_user=admin_user).count() == 2
    assert [str(m) for m in get_messages(done.wsgi_request)] == ["导入完成：新增2条，更新0条，无变化0条。"]


def test_an_admin_import_reads_a_gb18030_csv_like_the_staff_import(client, admin_user, east):
    client.force_login(admin_user)
    response = _check(client, _upload([_row("李一", 1)], fmt="csv", encoding="gb18030"), fmt=CSV)
    assert "检查通过：新增1条" in response.content.decode()
    _confirm(client, response)
    assert Member.objects.get().name == "李一"


def test_an_admin_import_with_wrong_headers_is_refused_in_chinese(client, admin_user, east):
    client.force_login(admin_user)
    headers = [*HEADERS[:-1], "备注X"]
    html = _check(client, _upload([_row("赵一", 1)], headers=headers)).content.decode()
    assert "表头不正确" in html and "无法识别的列：备注X" in html
    assert not Member.objects.exists()


def test_a_fake_workbook_is_refused_with_the_staff_imports_reason(client, admin_user, east):
    client.force_login(admin_user)
    html = _check(client, SimpleUploadedFile("members.xlsx", b"not a workbook")).content.decode()
    assert "文件不是有效的Excel（.xlsx）文件" in html
    assert not Member.objects.exists()


def test_a_confirmed_file_that_no_longer_passes_imports_nothing_R_MB_05(client, admin_user, east, branch_b):
    """Between the check and the confirmation a member with the file's ID number was put in another branch: an
    import cannot move a member (R-MB-05), so the confirmation imports nothing and says so."""
    client.force_login(admin_user)
    rows = [_row("周一", 1), _row("周二", 2)]
    response = _check(client, _upload(rows))
    factories.make_member(branch_b, name="周二", id_number=rows[1][3], birth_date=date(1980, 5, 17))
    done = _confirm(client, response)
    assert done.status_code == 302 and done["Location"] == IMPORT_URL
    assert list(Member.objects.values_list("name", flat=True)) == ["周二"]
    assert re.search("导入失败.*未导入任何数据", str(list(get_messages(done.wsgi_request))[0]))


def _check_organisations(client, user, data: tablib.Dataset):
    client.force_login(user)
    return client.post(
        reverse("admin:core_organization_import"),
        {
            "resource": "0",
            "format": CSV,
            "import_file": SimpleUploadedFile("o.csv", data.export("csv").encode("gb18030")),
        },
    )


def test_the_admin_organisation_import_reads_files_the_same_way_R_MB_01(client, admin_user, town):
    data = tablib.Dataset(
        ["N1", "北村党支部", "党支部", town.name], headers=["组织代码", "组织名称", "组织类型", "上级组织"]
    )
    response = _check_organisations(client, admin_user, data)
    assert "confirm_form" in response.context
    _confirm(client, response, reverse("admin:core_organization_process_import"))
    assert Organization.objects.get(code="N1").parent == town


def test_the_admin_organisation_import_lists_each_bad_row_citing_the_regulation_R_MB_01(
    client, admin_user, town
):
    """An organisation import's row errors read like the member import's: the row as the spreadsheet numbers it,
    the regulation cited, never our rule ID; nothing is imported."""
    data = tablib.Dataset(
        ["N1", "北村党支部", "党支部", town.name],
        ["N2", "南村党支部", "党支部", ""],
        headers=["组织代码", "组织名称", "组织类型", "上级组织"],
    )
    response = _check_organisations(client, admin_user, data)
    html = response.content.decode()
    assert "confirm_form" not in response.context
    assert "第3行：上级组织：请选择上级组织" in html
    assert "R-MB-01" not in html and cite("（R-MB-01）") in html
    assert not Organization.objects.filter(code__in=["N1", "N2"]).exists()


@pytest.mark.parametrize("url", [reverse("admin:core_organization_import"), IMPORT_URL])
def test_the_admin_import_format_starts_at_xlsx_and_offers_no_blank_choice(client, admin_user, town, url):
    """The format selector shows XLSX (what Excel saves) and the other format we read, never “---”: a format
    is required, and a file of another extension makes import-export's script fall back to the first choice."""
    client.force_login(admin_user)
    form = client.get(url).context["form"]
    assert form.fields["format"].choices == [(XLSX, "xlsx"), (CSV, "csv")]
    html = client.get(url).content.decode()
    (select,) = re.findall(r'<select name="format".*?</select>', html, flags=re.S)
    assert "---" not in select and re.search(r'<option value="0" selected>xlsx</option>', select)
