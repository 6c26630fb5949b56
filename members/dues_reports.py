"""The printed and downloaded dues papers (R-MB-13, R-MB-14): the branch's monthly collection sheet
(党费收缴登记表) and a member's yearly dues statement, each as a PDF (core.pdf) and as XLSX (core.exports).

The figures come from members.dues (``month_dues_of``: the amount due of each member for the month, from the
one standard computation; the payments as recorded); this module only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.dates import local_today
from core.exports import write_xlsx
from core.models import Organization
from core.pdf import Document
from members.dues import ZERO, base_standard, dues_summary, month_dues_of
from members.models import DuesBase, DuesReceipt, Member


@dataclass(frozen=True)
class SheetRow:
    member: Member
    category: str
    base: Decimal | None
    rate: str
    due: Decimal
    provisional: bool
    reduced: bool
    paid: Decimal | None
    paid_on: date | None
    receipt: str
    paid_by: str


def _rate(row: DuesBase | None) -> str:
    return base_standard(row).rate_label if row is not None else "—"


def sheet_rows(organization: Organization, month: date) -> list[SheetRow]:
    """党费收缴登记表: every active member of the branch with base, rate, amount due and what was paid for
    ``month`` — a handful of queries whatever the branch's size."""
    members = list(
        Member.objects.filter(organization=organization, status__in=Member.ACTIVE_STATUSES).order_by(
            "name", "pk"
        )
    )
    dues = month_dues_of(members, month)
    rows = []
    for member in members:
        due, payment = dues[member.pk]
        base = due.base
        rows.append(
            SheetRow(
                member=member,
                category=base.get_category_display() if base else "未核定",
                base=base.base if base else None,
                rate=_rate(base),
                due=due.amount,
                provisional=due.provisional,
                reduced=due.reduced,
                paid=payment.amount if payment else None,
                paid_on=payment.paid_on if payment else None,
                receipt=payment.receipt.number if payment and payment.receipt else "",
                paid_by=payment.receipt.paid_by if payment and payment.receipt else "",
            )
        )
    return rows


def _totals(rows: list[SheetRow]) -> tuple[Decimal, Decimal]:
    return sum((r.due for r in rows), ZERO), sum((r.paid or ZERO for r in rows), ZERO)


def collection_sheet(organization: Organization, month: date) -> Document:
    rows = sheet_rows(organization, month)
    due, paid = _totals(rows)
    return Document(
        title="党费收缴登记表",
        template_name="members/documents/dues_sheet.html",
        number=f"{organization.name} {month:%Y年%-m月}",
        dated=local_today(),
        filename=f"党费收缴登记表-{organization.name}-{month:%Y%m}",
        context={
            "organization": organization,
            "month": month,
            "rows": rows,
            "total_due": due,
            "total_paid": paid,
            "any_provisional": any(r.provisional for r in rows),
        },
    )


SHEET_HEADERS = [
    "序号",
    "姓名",
    "党费类别",
    "月缴纳基数（元）",
    "比例",
    "应交（元）",
    "实交（元）",
    "交纳日期",
    "收据编号",
    "代交人",
    "本人签名",
]


def collection_sheet_xlsx(organization: Organization, month: date) -> bytes:
    rows = sheet_rows(organization, month)
    due, paid = _totals(rows)
    body: list[list] = [
        [
            n,
            r.member.name,
            r.category,
            r.base,
            r.rate,
            r.due,
            r.paid,
            r.paid_on.isoformat() if r.paid_on else "",
            r.receipt,
            r.paid_by,
            "",
        ]
        for n, r in enumerate(rows, 1)
    ]
    body.append(["合计", "", "", None, "", due, paid, "", "", "", ""])
    return write_xlsx(SHEET_HEADERS, body, title=f"{month:%Y年%-m月}党费", widths={1: 12, 2: 22, 8: 20})


@dataclass(frozen=True)
class StatementRow:
    month: date
    due: Decimal
    provisional: bool
    reduced: bool
    paid: Decimal | None
    paid_on: date | None
    receipt: str


def statement(member: Member, year: int) -> dict:
    """A member's dues for ``year``, month by month, with the voluntary extra paid that year and the arrears."""
    months = [date(year, m, 1) for m in range(1, 13)]
    rows = []
    for month in months:
        due, payment = month_dues_of([member], month)[member.pk]
        owed = member.joined_on is None or month >= member.joined_on.replace(day=1)
        rows.append(
            StatementRow(
                month=month,
                due=due.amount if owed else ZERO,
                provisional=due.provisional,
                reduced=due.reduced,
                paid=payment.amount if payment else None,
                paid_on=payment.paid_on if payment else None,
                receipt=payment.receipt.number if payment and payment.receipt else "",
            )
        )
    receipts = list(
        DuesReceipt.objects.filter(member=member, paid_on__year=year).order_by("paid_on", "sequence")
    )
    today = local_today()
    on = min(today, date(year + 1, 1, 31))
    base = DuesBase.objects.filter(member=member, year=year).first()
    return {
        "member": member,
        "year": year,
        "rows": rows,
        "base": base,
        "rate": _rate(base),
        "total_due": sum((r.due for r in rows), ZERO),
        "total_paid": sum((r.paid or ZERO for r in rows), ZERO),
        "voluntary": sum((r.voluntary for r in receipts), ZERO),
        "receipts": receipts,
        "summary": dues_summary(member, on) if on.year in (year, year + 1) else None,
    }


def yearly_statement(member: Member, year: int) -> Document:
    member = Member.objects.select_related("organization").get(pk=member.pk)
    return Document(
        title="党员党费交纳情况（年度）",
        template_name="members/documents/dues_statement.html",
        number=f"{year}年",
        dated=local_today(),
        filename=f"党费交纳情况-{member.name}-{year}",
        header=member.name,
        context=statement(member, year),
    )


STATEMENT_HEADERS = ["月份", "应交（元）", "实交（元）", "交纳日期", "收据编号", "备注"]


def yearly_statement_xlsx(member: Member, year: int) -> bytes:
    data = statement(member, year)
    body: list[list] = [
        [
            f"{r.month:%Y年%-m月}",
            r.due,
            r.paid,
            r.paid_on.isoformat() if r.paid_on else "",
            r.receipt,
            "暂按上年基数" if r.provisional else ("减免" if r.reduced else ""),
        ]
        for r in data["rows"]
    ]
    body.append(["合计", data["total_due"], data["total_paid"], "", "", ""])
    body.append(["自愿多交", None, data["voluntary"], "", "", "不计入应交党费"])
    return write_xlsx(STATEMENT_HEADERS, body, title=f"{member.name}{year}年党费", widths={4: 20, 5: 14})
