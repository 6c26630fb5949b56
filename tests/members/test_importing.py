"""Import / export of organisations and members (R-MB-04 keyed on ID number, all-or-nothing, escaping)."""

import io
import zipfile
from datetime import date

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from core.idnumbers import make_id_number
from core.models import Organization
from core.rules import citation
from members.importing import export_members, import_members, import_organizations
from members.models import Member, MemberStatusEvent
from tests import factories

pytestmark = pytest.mark.django_db

HEADERS = [
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


def _row(name, born, seq, org="东村党支部", **extra):
    row = {
        "姓名": name,
        "性别": "男",
        "出生日期": born.isoformat(),
        "公民身份号码": make_id_number("320102", born, seq),
        "所在党组织": org,
        "党员状态": "正式党员",
        "入党日期": "2005-07-01",
        "转正日期": "2006-07-01",
        "联系电话": "13900000000",
    }
    row.update(extra)
    return row


def _file(rows, fmt="csv", headers=HEADERS):
    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append([row.get(h, "") for h in headers])
    content = data.export("csv").encode("utf-8-sig") if fmt == "csv" else data.export("xlsx")
    return SimpleUploadedFile(f"members.{fmt}", content)


def _import(upload, user, fmt="csv", **kwargs):
    return import_members(file=upload, file_format=fmt, user=user, **kwargs)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_creates_members_with_a_first_status_event_R_MB_02(branch_a, clerk, fmt):
    rows = [_row("张伟", date(1980, 5, 1), 11), _row("李娜", date(1990, 2, 3), 12, 性别="女")]
    result = _import(_file(rows, fmt), clerk, fmt)
    assert result.errors == [] and result.created == 2
    member = Member.objects.get(name="李娜")
    assert member.gender == "F" and member.organization == branch_a and member.name_initials == "ln"
    assert MemberStatusEvent.objects.filter(member=member, to_state="full").count() == 1


def test_reimporting_the_same_file_changes_nothing_R_MB_04(branch_a, clerk):
    rows = [_row("张伟", date(1980, 5, 1), 11)]
    _import(_file(rows), clerk)
    history = Member.history.count()
    again = _import(_file(rows), clerk)
    assert again.errors == [] and again.created == 0 and again.skipped == 1
    assert Member.history.count() == history


def test_any_bad_row_imports_nothing_and_every_bad_row_is_listed_R_MB_04(branch_a, clerk):
    good = _row("张伟", date(1980, 5, 1), 11)
    bad_checksum = _row("王芳", date(1985, 1, 1), 12)
    bad_checksum["公民身份号码"] = bad_checksum["公民身份号码"][:17] + (
        "0" if bad_checksum["公民身份号码"][17] != "0" else "1"
    )
    wrong_birth = _row("刘洋", date(1986, 3, 3), 13, 出生日期="1986-03-04")
    result = _import(_file([good, bad_checksum, wrong_birth]), clerk)
    assert Member.objects.count() == 0
    numbers = [n for n, _ in result.errors]
    assert numbers == [3, 4]
    assert "校验位" in result.errors[0][1]
    assert "出生日期" in result.errors[1][1] and "不一致" in result.errors[1][1]


def test_duplicate_rows_in_one_file_are_refused(branch_a, clerk):
    row = _row("张伟", date(1980, 5, 1), 11)
    result = _import(_file([row, dict(row)]), clerk)
    assert Member.objects.count() == 0
    assert result.errors[0][0] == 3 and "第2行重复" in result.errors[0][1]


def test_unknown_organisation_and_bad_choice_are_reported_in_chinese(branch_a, clerk):
    result = _import(
        _file([_row("张伟", date(1980, 5, 1), 11, 所在党组织="北村党支部", 党员状态="党员")]), clerk
    )
    assert result.errors and result.errors[0][0] == 2
    assert "找不到党组织“北村党支部”" in result.errors[0][1] and "不是有效的选项" in result.errors[0][1]


def test_import_cannot_change_status_or_organisation_of_an_existing_member_R_MB_05(branch_a, branch_b, clerk):
    _import(_file([_row("张伟", date(1980, 5, 1), 11)]), clerk)
    result = _import(_file([_row("张伟", date(1980, 5, 1), 11, 所在党组织="西村党支部")]), clerk)
    assert "组织关系转接" in result.errors[0][1]
    assert Member.objects.get().organization == branch_a


def test_wrong_headers_are_refused(branch_a, clerk):
    result = _import(_file([_row("张伟", date(1980, 5, 1), 11)], headers=["名字", *HEADERS[1:]]), clerk)
    assert result.errors[0][0] == 0
    assert (
        "表头不正确" in result.errors[0][1]
        and "姓名" in result.errors[0][1]
        and "名字" in result.errors[0][1]
    )


def test_empty_file_is_refused(branch_a, clerk):
    assert "空" in _import(SimpleUploadedFile("m.csv", b""), clerk).errors[0][1]
    only_headers = _import(_file([]), clerk)
    assert "没有数据行" in only_headers.errors[0][1]


def test_text_file_renamed_xlsx_is_refused(branch_a, clerk):
    result = _import(SimpleUploadedFile("m.xlsx", "姓名,性别\n张伟,男\n".encode()), clerk, "xlsx")
    assert "不是有效的Excel" in result.errors[0][1]


@override_settings(IMPORT_MAX_UPLOAD_BYTES=1000)
def test_oversized_file_is_refused(branch_a, clerk):
    result = _import(SimpleUploadedFile("m.csv", b"x" * 1001), clerk)
    assert "上传限制" in result.errors[0][1]


def test_zip_bomb_renamed_xlsx_is_refused(branch_a, clerk):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<a/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    result = _import(SimpleUploadedFile("m.xlsx", buffer.getvalue()), clerk, "xlsx")
    assert "压缩炸弹" in result.errors[0][1]


def test_dry_run_checks_without_saving(branch_a, clerk):
    result = _import(_file([_row("张伟", date(1980, 5, 1), 11)]), clerk, dry_run=True)
    assert result.ok and result.created == 1 and Member.objects.count() == 0


def test_export_escapes_formulas_and_masks_for_secretaries(branch_a, clerk, secretary_a):
    factories.make_member(
        branch_a, name="张伟", work_unit="=HYPERLINK(1)", notes="@cmd", address="+1", village="\tx"
    )
    full = tablib.Dataset().load(
        export_members(queryset=Member.objects.all(), file_format="csv", user=clerk).decode("utf-8-sig"),
        format="csv",
    )
    row = dict(zip(full.headers, full[0], strict=False))
    assert row["工作单位及职务"] == "'=HYPERLINK(1)" and row["备注"] == "'@cmd" and row["家庭住址"] == "'+1"
    assert row["户籍所在村（社区）"] == "'\tx"
    assert len(row["公民身份号码"]) == 18
    masked = tablib.Dataset().load(
        export_members(queryset=Member.objects.all(), file_format="xlsx", user=secretary_a), format="xlsx"
    )
    masked_row = dict(zip(masked.headers, masked[0], strict=False))
    assert "*" in masked_row["公民身份号码"] and "****" in masked_row["联系电话"]


def test_export_then_import_roundtrips_without_changes(branch_a, clerk):
    factories.make_member(branch_a, name="张伟", address="+86 东村")
    content = export_members(queryset=Member.objects.all(), file_format="xlsx", user=clerk)
    result = import_members(file=SimpleUploadedFile("m.xlsx", content), file_format="xlsx", user=clerk)
    assert result.errors == [] and result.skipped == 1


def test_organisations_import_builds_the_tree_R_MB_01(town, clerk):
    headers = ["组织代码", "组织名称", "组织类型", "组织类别", "上级组织"]
    data = tablib.Dataset(headers=headers)
    data.append(["N1", "南村党支部", "党支部", "村（社区）", "TOWN"])
    data.append(["N1G1", "南村第一党小组", "党小组", "村（社区）", "南村党支部"])
    data.append(["BAD", "错误小组", "党小组", "村（社区）", "中共某某镇委员会"])
    upload = SimpleUploadedFile("o.csv", data.export("csv").encode())
    result = import_organizations(file=upload, file_format="csv", user=clerk)
    assert [n for n, _ in result.errors] == [4] and citation("R-MB-01") in result.errors[0][1]
    assert not Organization.objects.filter(code="N1").exists()
    data.pop()
    ok = import_organizations(
        file=SimpleUploadedFile("o.csv", data.export("csv").encode()), file_format="csv", user=clerk
    )
    assert ok.errors == [] and Organization.objects.get(code="N1G1").parent.code == "N1"


def test_an_imported_member_has_the_history_row_and_status_event_simple_history_and_R_MB_02_give(
    branch_a, clerk
):
    """The new members, their history rows and status events are written with COPY (issue 21): the history
    row is the member's columns as simple-history copies them (created “+”, by the importing user, no reason,
    at the time the record was made); the status event is R-MB-02's first one, effective on the joining day
    or, without one, on the local day the record was made."""
    rows = [_row("张伟", date(1980, 5, 1), 11), _row("李娜", date(1990, 2, 3), 12, 入党日期="", 转正日期="")]
    result = _import(_file(rows), clerk)
    assert result.errors == [] and result.created == 2
    for member in Member.objects.filter(name__in=["张伟", "李娜"]):
        (history,) = Member.history.filter(id=member.pk)
        for field in Member.history.model.tracked_fields:
            assert getattr(history, field.attname) == getattr(member, field.attname), field.name
        assert (history.history_type, history.history_user, history.history_change_reason) == (
            "+",
            clerk,
            None,
        )
        assert history.history_date == member.created_at
        (event,) = MemberStatusEvent.objects.filter(member=member)
        assert (event.action, event.from_state, event.to_state, event.by) == ("create", "", "full", clerk)
        assert event.effective_on == (member.joined_on or timezone.localdate(member.created_at))
        assert event.note == "批量导入建立党员档案" and event.at == member.created_at
    assert Member.objects.get(name="李娜").joined_on is None
    assert Member.objects.get(name="张伟").joined_on == date(2005, 7, 1)


@pytest.mark.parametrize("rows", [20, 200])
def test_import_asks_a_bounded_number_of_queries_whatever_the_rows(
    branch_a, clerk, rows, django_assert_max_num_queries
):
    """Set-based import (issue 9): the check and the write of N rows take the same few queries for any N."""
    group = factories.make_party_group(branch_a, "东村第一党小组")
    members = [
        _row(f"党员{n}", date(1960 + n % 40, 1 + n % 12, 1 + n % 28), n % 1000, 所在党小组=group.name)
        for n in range(rows)
    ]
    headers = [*HEADERS, "所在党小组"]
    with django_assert_max_num_queries(12):
        checked = _import(_file(members, headers=headers), clerk, dry_run=True)
    with django_assert_max_num_queries(15):
        result = _import(_file(members, headers=headers), clerk)
    assert checked.ok and result.errors == [] and result.created == rows
    assert MemberStatusEvent.objects.filter(note="批量导入建立党员档案").count() == rows
    assert Member.history.filter(history_user=clerk).count() == rows
    with django_assert_max_num_queries(12):
        again = _import(_file(members, headers=headers), clerk)
    assert again.skipped == rows and Member.history.count() == rows


def test_a_member_records_dues_below_twenty_fen_are_refused_citing_the_regulation_R_MB_13(branch_a, clerk):
    """The record's amount is charged while no base is set: like a base, never below the smallest amount the
    regulation names, so no month is owed at 0.00 (counted in arrears but not listed as unpaid)."""
    headers = [*HEADERS, "每月应交党费（元）"]
    rows = [_row("张伟", date(1980, 5, 1), 11, **{"每月应交党费（元）": "0"})]
    result = _import(_file(rows, headers=headers), clerk)
    assert result.created == 0 and result.errors and result.errors[0][0] == 2
    assert "最低交纳额0.20元" in result.errors[0][1] and "R-MB-13" not in result.errors[0][1]
    rows = [_row("张伟", date(1980, 5, 1), 11, **{"每月应交党费（元）": "0.20"})]
    assert _import(_file(rows, headers=headers), clerk).created == 1
