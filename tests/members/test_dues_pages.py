"""The dues pages: paying several months on a member's behalf, the branch's dues page (amount due, arrears in
money, the six-month flag, flat in queries), bases one page at a time and by XLSX (all or nothing), the printed
sheet and statement, the 工作台 and the admin's closed door (R-MB-07, R-MB-13 … R-MB-15)."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.exports import write_xlsx
from core.models import CenterProfile
from members.dues import dues_base_set, dues_pay, dues_reduction_record, six_months_unpaid
from members.dues_import import HEADERS
from members.models import DuesBase, DuesCategory, DuesPayment, DuesReceipt, Member
from tests import factories
from tests.clock import dashboard_count, frozen_at
from tests.pdfutils import pdf_compact_text

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 10)  # June is the last month due
SIX_LINE = "连续六个月未交党费（待支部处理）"


def _client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def salaried(branch_a):
    member = factories.make_member(branch_a, name="王工资")
    dues_base_set(
        member=member, year=2026, category=DuesCategory.SALARIED, base=Decimal("6000"), set_on=date(2026, 3, 1),
        set_by=None,
    )  # fmt: skip
    return member  # 90.00 a month


def test_paying_several_months_on_a_members_behalf_writes_one_numbered_receipt_R_MB_14(
    client, secretary_a, salaried
):
    with frozen_at(TODAY):
        response = _client(client, secretary_a).post(
            reverse("members:dues", args=[salaried.pk]),
            {"months": ["2026-01-01", "2026-02-01", "2026-08-01"], "paid_on": "2026-07-09", "paid_by": "王妻",
             "voluntary": "10"},
        )  # fmt: skip
    assert response.status_code == 302
    receipt = DuesReceipt.objects.get()
    assert (receipt.paid_by, receipt.months_amount, receipt.voluntary) == (
        "王妻",
        Decimal("270.00"),
        Decimal("10.00"),
    )
    assert sorted(receipt.payments.values_list("month", flat=True)) == [
        date(2026, 1, 1), date(2026, 2, 1), date(2026, 8, 1)
    ]  # fmt: skip
    assert receipt.number == "党费收〔2026〕001号"


def test_the_pay_page_offers_owed_and_advance_months_with_their_amounts_R_MB_14(
    client, secretary_a, salaried
):
    with frozen_at(TODAY):
        page = _client(client, secretary_a).get(reverse("members:dues", args=[salaried.pk])).content.decode()
    assert "2026年6月 90.00元（欠交）" in page and "2027年7月 90.00元（暂按上年基数）" in page


def _branch_page(client, branch, month="2026-07"):
    with frozen_at(TODAY), CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("members:branch_dues", args=[branch.pk]) + f"?month={month}")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_branch_dues_page_shows_amount_due_arrears_in_money_and_the_six_month_flag_R_MB_07_R_MB_15(
    client, secretary_a, branch_a, salaried
):
    dues_pay(member=salaried, months=[date(2026, m, 1) for m in range(1, 6)], paid_on=date(2026, 5, 3),
             recorded_by=None)  # fmt: skip
    lapsed = factories.make_member(branch_a, name="李六月")  # never paid; 2.00 a month (no base yet)
    page, _ = _branch_page(_client(client, secretary_a), branch_a)
    assert "王工资" in page and "90.00" in page and "1.5%" in page
    assert "李六月" in page and "连续六个月未交" in page and "12.00" in page  # six months × 2.00
    assert "欠交党费2人，共102.00元" in page
    with frozen_at(TODAY):
        assert six_months_unpaid(lapsed, TODAY) and not six_months_unpaid(salaried, TODAY)


def test_the_branch_dues_page_is_flat_in_queries_R_MB_07(client, secretary_a, branch_a, salaried):
    _client(client, secretary_a)
    _branch_page(client, branch_a)
    _, few = _branch_page(client, branch_a)
    for n in range(30):
        member = factories.make_member(branch_a, name=f"党员{n:02d}")
        dues_base_set(member=member, year=2025, category=DuesCategory.FARMER, fixed_amount=Decimal("0.50"),
                      set_on=date(2025, 3, 1), set_by=None)  # fmt: skip
        dues_pay(member=member, months=[date(2026, 1, 1)], paid_on=date(2026, 1, 3), recorded_by=None)
    _, many = _branch_page(client, branch_a)
    assert many == few


def test_the_branch_dues_pages_count_the_roll_and_keep_the_branchs_totals_R_MB_07(
    client, secretary_a, branch_a, salaried, monkeypatch
):
    from members import dues_views

    monkeypatch.setattr(dues_views, "PAGE_SIZE", 2)
    for name in ("甲", "乙"):
        factories.make_member(branch_a, name=f"{name}未交")  # 2.00 a month, January … June unpaid
    _client(client, secretary_a)
    with frozen_at(TODAY):
        pages = {
            number: client.get(reverse("members:branch_dues", args=[branch_a.pk]), {"page": number})
            for number in ("1", "2", "9", "0", "x")
        }
    html = {number: response.content.decode() for number, response in pages.items()}
    for number, response in pages.items():
        assert response.context["page_obj"].paginator.count == 3, number
        assert "欠交党费3人，共564.00元" in html[number], number  # 6 × 90.00 + 2 × 6 × 2.00
    assert [r.context["page_obj"].number for r in pages.values()] == [1, 2, 2, 2, 1]
    names = ("王工资", "甲未交", "乙未交")
    assert sorted(sum(name in html[number] for name in names) for number in ("1", "2")) == [1, 2]
    assert all((name in html["1"]) != (name in html["2"]) for name in names)
    member = Member.objects.get(name="王工资")
    shown = html["1"] if "王工资" in html["1"] else html["2"]
    assert f'href="{reverse("members:detail", args=[member.pk])}"' in shown
    assert f'href="{reverse("members:dues", args=[member.pk])}"' in shown


def test_other_branches_dues_pages_are_not_found(client, secretary_a, branch_b):
    response = _client(client, secretary_a).get(reverse("members:branch_dues", args=[branch_b.pk]))
    assert response.status_code == 404


def _bases_post(rows, year=2026):
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows))}
    for i, (member, category, base, fixed) in enumerate(rows):
        data |= {f"form-{i}-member": member.pk, f"form-{i}-category": category, f"form-{i}-base": base,
                 f"form-{i}-fixed_amount": fixed}  # fmt: skip
    return data


def test_bases_of_a_page_are_saved_all_or_nothing_R_MB_13(client, secretary_a, branch_a):
    a = factories.make_member(branch_a, name="甲")
    b = factories.make_member(branch_a, name="乙")
    c = _client(client, secretary_a)
    url = reverse("members:branch_dues_bases", args=[branch_a.pk]) + "?year=2026"
    response = c.post(url, _bases_post([(a, "salaried", "3000.01", ""), (b, "farmer", "", "1.50")]))
    assert response.status_code == 200
    assert "乙" in response.content.decode() and "0.20元至1.00元" in response.content.decode()
    assert not DuesBase.objects.exists()
    response = c.post(url, _bases_post([(a, "salaried", "3000.01", ""), (b, "farmer", "", "0.80")]))
    assert response.status_code == 302
    assert dict(DuesBase.objects.values_list("member__name", "monthly_amount")) == {
        "甲": Decimal("30.00"), "乙": Decimal("0.80")
    }  # fmt: skip


def test_a_base_below_the_smallest_amount_is_refused_on_the_page_and_in_the_import_citing_the_regulation_R_MB_13(
    client, secretary_a, branch_a
):
    a = factories.make_member(branch_a, name="甲")
    c = _client(client, secretary_a)
    url = reverse("members:branch_dues_bases", args=[branch_a.pk]) + "?year=2026"
    text = c.post(url, _bases_post([(a, "salaried", "0.80", "")])).content.decode()
    assert "最低交纳额" in text and "《关于中国共产党党费收缴、使用和管理的规定》" in text
    upload = _xlsx([[a.pk, "甲", "在岗职工", "0", None]])
    upload.name = "bases.xlsx"
    text = c.post(reverse("members:branch_dues_import", args=[branch_a.pk]), {"year": "2026", "file": upload})
    text = text.content.decode()
    assert "第2行" in text and "最低交纳额" in text
    assert not DuesBase.objects.exists()


def _xlsx(rows):
    return io.BytesIO(write_xlsx(HEADERS, rows))


def test_the_bases_import_refuses_the_whole_file_naming_each_bad_row_R_MB_13(
    client, secretary_a, branch_a, branch_b
):
    a = factories.make_member(branch_a, name="甲")
    b = factories.make_member(branch_a, name="乙")
    outsider = factories.make_member(branch_b, name="丙")
    c = _client(client, secretary_a)
    url = reverse("members:branch_dues_import", args=[branch_a.pk])
    bad = _xlsx([
        [a.pk, "甲", "离退休", "5000.01", None],
        [b.pk, "乙", "农民", None, "1.2"],
        [outsider.pk, "丙", "在岗职工", "100", None],
        [b.pk, "错名", "在岗职工", "100", None],
        [a.pk, "甲", "干部", "100", None],
    ])  # fmt: skip
    bad.name = "bases.xlsx"
    response = c.post(url, {"year": "2026", "file": bad})
    text = response.content.decode()
    assert response.status_code == 200
    for expected in ("第3行", "第4行", "不是本支部在册党员", "第5行", "与姓名", "第6行"):
        assert expected in text, expected
    assert not DuesBase.objects.exists()
    good = _xlsx(
        [[a.pk, "甲", "离退休", "5000.01", None], [b.pk, "乙", "学生·下岗·失业·低保·抚恤救济", None, None]]
    )
    good.name = "bases.xlsx"
    assert c.post(url, {"year": "2026", "file": good}).status_code == 302
    assert dict(DuesBase.objects.values_list("member__name", "monthly_amount")) == {
        "甲": Decimal("50.00"), "乙": Decimal("0.20")
    }  # fmt: skip


def test_the_base_template_lists_the_branch_and_reads_back_R_MB_13(client, secretary_a, branch_a, salaried):
    response = _client(client, secretary_a).get(
        reverse("members:branch_dues_template", args=[branch_a.pk, 2026])
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and rows[1][:3] == (salaried.pk, "王工资", "在岗职工")


def test_the_printed_collection_sheet_and_statement_carry_the_figures_R_MB_13_R_MB_14(
    client, secretary_a, branch_a, salaried
):
    dues_pay(member=salaried, months=[date(2026, 6, 1)], paid_on=date(2026, 6, 20), recorded_by=None,
             paid_by="王妻")  # fmt: skip
    c = _client(client, secretary_a)
    pdf = c.get(reverse("members_print:dues_sheet", args=[branch_a.pk, 2026, 6])).content
    text = pdf_compact_text(pdf)
    for expected in ("党费收缴登记表", "王工资", "在岗职工", "6000.00", "1.5%", "90.00", "本人签名", "王妻",
                     CenterProfile.current().name):  # fmt: skip
        assert expected in text, expected
    statement = pdf_compact_text(
        c.get(reverse("members_print:dues_statement", args=[salaried.pk, 2026])).content
    )
    for expected in ("党员党费交纳情况", "王工资", "2026年6月", "90.00", "党费收〔2026〕001号"):
        assert expected in statement, expected
    book = c.get(reverse("members:branch_dues_sheet_xlsx", args=[branch_a.pk, 2026, 6])).content
    rows = list(openpyxl.load_workbook(io.BytesIO(book)).active.iter_rows(values_only=True))
    assert rows[0][-1] == "本人签名" and rows[1][1] == "王工资" and rows[-1][0] == "合计"


def test_the_member_page_shows_the_amount_arrears_in_money_and_reduction_R_MB_13(
    client, secretary_a, salaried
):
    dues_reduction_record(
        member=salaried, year=2026, reduced_amount=Decimal("5"), from_month=4, branch_decision="支部决定",
        branch_decided_on=date(2026, 3, 20), committee_approval="镇党委批准", committee_approved_on=date(2026, 3, 28),
        recorded_by=None,
    )  # fmt: skip
    with frozen_at(TODAY):
        page = (
            _client(client, secretary_a).get(reverse("members:detail", args=[salaried.pk])).content.decode()
        )
    assert "6个月，285.00元" in page  # January–March at 90, April–June at 5
    assert "自4月起每月5.00元" in page


def test_the_workbench_and_the_six_month_list_agree_on_both_sides_of_the_boundary_R_MB_15(
    client, secretary_a, secretary_b, branch_a
):
    member = factories.make_member(branch_a, name="赵断交")
    dues_pay(member=member, months=[date(2026, 1, 1)], paid_on=date(2026, 1, 5), recorded_by=None)
    for day, flagged in ((date(2026, 7, 31), False), (date(2026, 8, 1), True)):  # February–July on 1 August
        with frozen_at(day):
            _client(client, secretary_a)
            assert dashboard_count(secretary_a, SIX_LINE) == int(flagged)
            assert dashboard_count(secretary_b, SIX_LINE) == 0
            response = client.get(reverse("members:dues_six_months"))
            assert response.status_code == 200
            page = response.content.decode()
            assert ("赵断交" in page) is flagged
            response = client.get(reverse("members:list") + "?filter=six_months")
            assert response.status_code == 200, response
            listed = response.content.decode()
            assert ("赵断交" in listed) is flagged
            detail = client.get(reverse("members:detail", args=[member.pk])).content.decode()
            assert ('badge-danger">连续六个月未交党费' in detail) is flagged
            branch = client.get(reverse("members:branch_dues", args=[branch_a.pk])).content.decode()
            assert ("连续六个月未交</span>" in branch) is flagged


def test_removal_for_six_months_from_the_page_changes_the_status_R_MB_15(client, secretary_a, branch_a):
    member = factories.make_member(branch_a, name="钱除名")
    with frozen_at(TODAY):
        response = _client(client, secretary_a).post(
            reverse("members:dues_lapse", args=[member.pk]),
            {"kind": "removal", "handled_on": "2026-07-10", "note": "支部大会决定除名"},
        )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == Member.Status.REMOVED


@pytest.mark.parametrize("model", ["duespayment", "duesreceipt", "duesbase", "dueslapsehandling"])
def test_the_admin_neither_adds_nor_deletes_dues_records_R_MB_14(client, admin_user, salaried, model):
    receipt = dues_pay(member=salaried, months=[date(2026, 1, 1)], paid_on=date(2026, 1, 5), recorded_by=None)
    c = _client(client, admin_user)
    assert c.get(f"/admin/members/{model}/").status_code == 200
    assert c.get(f"/admin/members/{model}/add/").status_code == 403
    response = c.post(
        f"/admin/members/{model}/add/", {"member": salaried.pk, "month": "2026-02-01", "amount": "1"}
    )
    assert response.status_code == 403
    payment = DuesPayment.objects.get()
    assert c.post(f"/admin/members/duespayment/{payment.pk}/delete/", {"post": "yes"}).status_code == 403
    assert DuesPayment.objects.count() == 1 and DuesReceipt.objects.get() == receipt


def test_a_floating_members_seven_facts_include_where_they_pay_and_whether_current_R_MB_06(
    client, secretary_a, branch_a
):
    member = factories.make_member(branch_a, name="孙流动")
    with frozen_at(TODAY):
        c = _client(client, secretary_a)
        response = c.post(
            reverse("members:floating_register", args=[member.pk]),
            {"direction": "out", "flowed_out_on": "2026-03-01", "destination": "广东省深圳市", "current_work": "电子厂",
             "home_address": "东村1号", "contact_phone": "13900002222", "dues_paid_where": "原支部按月收缴（微信转账）"},
        )  # fmt: skip
        assert response.status_code == 302
        page = c.get(reverse("members:detail", args=[member.pk])).content.decode()
        assert "原支部按月收缴（微信转账）" in page and "欠交6个月（12.00元）" in page
        dues_pay(
            member=member, months=[date(2026, m, 1) for m in range(1, 7)], paid_on=TODAY, recorded_by=None
        )
        page = c.get(reverse("members:detail", args=[member.pk])).content.decode()
        assert "已按月交纳" in page
