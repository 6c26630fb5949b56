"""Staff pages for dues (R-MB-07, R-MB-13 … R-MB-15): paying, the branch's dues page, bases one page at a time
and by XLSX, reductions, the six-month list and its handling, the printed and downloaded papers.

Thin views as in members.views: scope through core.access (another branch is a 404), writes through the
operations of members.dues run by core.operations.run_form, figures from members.dues' homes (``with_arrears``,
``six_months_unpaid_members``, ``month_dues_of``, ``dues_summary``).
"""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from core.access import get_object_for_user, staff_required
from core.dates import local_today
from core.exports import write_xlsx
from core.links import url_per_pk
from core.models import Organization
from core.operations import run_form
from core.pdf import pdf_response, render_document
from members import dashboard, dues_reports
from members.dues import (
    arrears_totals_in,
    base_standard,
    dues_base_set,
    dues_lapse_handle,
    dues_pay,
    dues_reduction_record,
    month_dues_of,
    six_months_unpaid_members,
    six_months_window,
    with_arrears,
)
from members.dues_import import HEADERS, base_sheet_rows, dues_bases_import
from members.exceptions import MemberError
from members.forms import (
    DuesBaseFormSet,
    DuesBaseImportForm,
    DuesForm,
    DuesLapseForm,
    DuesReductionForm,
)
from members.models import DuesBase, DuesLapseHandling, Member

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _member(user, pk: int) -> Member:
    return get_object_for_user(Member.objects.select_related("organization"), user, pk=pk)


def _branch(user, pk: int) -> Organization:
    return get_object_for_user(
        Organization.objects.filter(kind__in=[Organization.Kind.BRANCH, Organization.Kind.GENERAL_BRANCH]),
        user,
        "pk",
        pk=pk,
    )


def _month(request) -> date:
    text = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return local_today().replace(day=1)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return local_today().year
    return year if 2000 <= year <= 2100 else local_today().year


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


# Paying (R-MB-14) ------------------------------------------------------------------------------------------


@staff_required(write=True)
def dues_create(request, pk: int):
    member = _member(request.user, pk)
    form = DuesForm(request.POST or None, member=member)
    receipt = run_form(
        request,
        form,
        lambda data: dues_pay(member=member, recorded_by=request.user, **data),
        success=lambda receipt: f"已登记{member.name}的党费，收据编号{receipt.number}，共{receipt.total}元。",
    )
    if receipt is not None:
        return redirect("members:detail", pk=member.pk)
    return render(request, "members/dues_form.html", {"member": member, "form": form})


@staff_required(write=True)
def dues_reduction(request, pk: int):
    """R-MB-13: a reduction or exemption with both decisions."""
    member = _member(request.user, pk)
    form = DuesReductionForm(request.POST or None, initial={"year": local_today().year})
    row = run_form(
        request,
        form,
        lambda data: dues_reduction_record(member=member, recorded_by=request.user, **data),
        success=lambda row: f"已登记{member.name}{row.year}年的党费减免。",
    )
    if row is not None:
        return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/action_form.html",
        {
            "form": form,
            "member": member,
            "title": "登记党费减免",
            "submit": "登记",
            "intro": "确有困难的党员，经支部研究决定并报上级党委批准，可以少交或免交党费；两项决定都须登记。",
        },
    )


@staff_required(write=True)
def dues_lapse(request, pk: int):
    """R-MB-15: the branch's handling of six months without dues."""
    member = _member(request.user, pk)
    form = DuesLapseForm(request.POST or None)
    handling = run_form(
        request,
        form,
        lambda data: dues_lapse_handle(member=member, recorded_by=request.user, **data),
        success=lambda h: f"已记录对{member.name}的处理：{h.get_kind_display()}。",
    )
    if handling is not None:
        return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/action_form.html",
        {
            "form": form,
            "member": member,
            "title": "连续六个月未交党费的处理",
            "submit": "保存",
            "intro": "党章第九条：党员没有正当理由，连续六个月不交纳党费，就被认为是自行脱党。支部应当予以除名，"
            "或核实有正当理由、限期补交。选择除名的，将同时变更党员状态为“除名/出党”。",
        },
    )


# The branch's dues page (R-MB-07, R-MB-13 … R-MB-15) ----------------------------------------------------------


@staff_required
def branch_dues(request, pk: int):
    branch = _branch(request.user, pk)
    today = local_today()
    month = _month(request)
    active = Member.objects.filter(organization=branch, status__in=Member.ACTIVE_STATUSES)
    paginator = Paginator(with_arrears(active, today).order_by("name", "pk"), PAGE_SIZE)
    # The roll counted without the arrears' joins (at most one row per member each: the same count).
    paginator.count = active.count()
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    dues = month_dues_of(rows, month)
    # The branch's flagged members (at most its roll, usually a few) in one query: the rows' badges and the count.
    flagged = set(six_months_unpaid_members(active, today).values_list("pk", flat=True))
    detail_url, pay_url = url_per_pk("members:detail"), url_per_pk("members:dues")
    lines = []
    for member in rows:  # flat rows: the template reads each cell with one dictionary lookup
        due, payment = dues[member.pk]
        base = due.base
        lines.append(
            {
                "name": member.name,
                "detail_url": detail_url(member.pk),
                "pay_url": pay_url(member.pk),
                "six_months": member.pk in flagged,
                "category": base.get_category_display() if base else None,
                "base": base.base if base else None,
                "fixed_amount": base.fixed_amount if base else None,
                "rate": base_standard(base).rate_label if base else "—",
                "amount": due.amount,
                "provisional": due.provisional,
                "reduced": due.reduced,
                "paid_on": payment.paid_on if payment else None,
                "paid": payment is not None,
                "arrears_count": member.arrears_count,
                "arrears_amount": member.arrears_amount,
            }
        )
    totals = arrears_totals_in([branch.pk], today)
    return render(
        request,
        "members/branch_dues.html",
        {
            "organization": branch,
            "month": month,
            "previous": _shift(month, -1),
            "next": _shift(month, 1),
            "page_obj": page,
            "rows": lines,
            "totals": totals,
            "six_months_count": len(flagged),
        },
    )


def _shift(month: date, n: int) -> date:
    from core.dates import add_months

    return add_months(month, n)


@staff_required(write=True)
def branch_dues_bases(request, pk: int):
    """R-MB-13/R-MB-14: a page of the branch's members with their category and base for a year, saved all at
    once (one transaction: a refused row leaves the whole page unsaved)."""
    branch = _branch(request.user, pk)
    year = _year(request)
    members = Member.objects.filter(organization=branch, status__in=Member.ACTIVE_STATUSES).order_by(
        "name", "pk"
    )
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    current = {b.member_id: b for b in DuesBase.objects.filter(member__in=rows, year=year)}
    previous = {b.member_id: b for b in DuesBase.objects.filter(member__in=rows, year=year - 1)}
    initial = []
    for member in rows:
        base = current.get(member.pk) or previous.get(member.pk)
        initial.append(
            {
                "member": member.pk,
                "category": base.category if base else "",
                "base": base.base if base else None,
                "fixed_amount": base.fixed_amount if base else None,
            }
        )
    formset = DuesBaseFormSet(request.POST or None, initial=initial)
    by_pk = {m.pk: m for m in rows}

    def save(forms) -> int:
        count = 0
        with transaction.atomic():
            for form in forms:
                data = form.cleaned_data
                member = by_pk.get(data.get("member"))
                if member is None:
                    raise MemberError("提交的党员不在本页，请刷新后重试（R-MB-13）。", rule="R-MB-13")
                if not data.get("category"):
                    continue
                if not form.has_changed() and member.pk in current:
                    continue
                try:
                    dues_base_set(
                        member=member,
                        year=year,
                        category=data["category"],
                        base=data.get("base"),
                        fixed_amount=data.get("fixed_amount"),
                        set_on=local_today(),
                        set_by=request.user,
                    )
                except MemberError as exc:
                    raise MemberError(
                        f"{member.name}：{exc}", rule=exc.rule, problems=[f"{member.name}：{exc}"]
                    ) from exc
                count += 1
        return count

    saved = run_form(
        request,
        formset,
        lambda _data: save(formset.forms),
        success=lambda n: f"已核定{n}名党员{year}年的党费基数。",
    )
    if saved is not None:
        return redirect(f"{request.path}?year={year}&page={page.number}")
    for form, member in zip(formset.forms, rows, strict=False):
        form.member_obj = member
        form.current = current.get(member.pk)
        form.provisional = member.pk not in current
    return render(
        request,
        "members/dues_bases.html",
        {"organization": branch, "year": year, "formset": formset, "page_obj": page},
    )


@staff_required(write=True)
def branch_dues_import(request, pk: int):
    branch = _branch(request.user, pk)
    form = DuesBaseImportForm(
        request.POST or None, request.FILES or None, initial={"year": local_today().year}
    )
    count = run_form(
        request,
        form,
        lambda data: dues_bases_import(
            organization=branch,
            year=data["year"],
            file=data["file"],
            set_on=local_today(),
            set_by=request.user,
        ),
        success=lambda n: f"已导入{n}名党员的党费基数。",
    )
    if count is not None:
        return redirect("members:branch_dues", pk=branch.pk)
    return render(
        request,
        "members/dues_import.html",
        {"organization": branch, "form": form, "year": local_today().year},
    )


@staff_required
def branch_dues_template(request, pk: int, year: int):
    branch = _branch(request.user, pk)
    content = write_xlsx(
        HEADERS, base_sheet_rows(branch, year), title=f"{year}年党费基数", widths={1: 12, 2: 26}
    )
    return _xlsx(content, f"党费基数-{branch.name}-{year}.xlsx")


@staff_required
def branch_dues_sheet_xlsx(request, pk: int, year: int, month: int):
    branch = _branch(request.user, pk)
    day = _valid_month(year, month)
    return _xlsx(
        dues_reports.collection_sheet_xlsx(branch, day), f"党费收缴登记表-{branch.name}-{day:%Y%m}.xlsx"
    )


@staff_required
def branch_dues_sheet_pdf(request, pk: int, year: int, month: int):
    branch = _branch(request.user, pk)
    document = dues_reports.collection_sheet(branch, _valid_month(year, month))
    return pdf_response(render_document(document), document.download_name)


def _valid_month(year: int, month: int) -> date:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404("没有这个月份。")
    return date(year, month, 1)


@staff_required
def dues_statement_pdf(request, pk: int, year: int):
    member = _member(request.user, pk)
    _valid_month(year, 1)
    document = dues_reports.yearly_statement(member, year)
    return pdf_response(render_document(document), document.download_name)


@staff_required
def dues_statement_xlsx(request, pk: int, year: int):
    member = _member(request.user, pk)
    _valid_month(year, 1)
    return _xlsx(dues_reports.yearly_statement_xlsx(member, year), f"党费交纳情况-{member.name}-{year}.xlsx")


# The six-month list (R-MB-15) ------------------------------------------------------------------------------


@staff_required
def dues_six_months(request):
    today = local_today()
    members = with_arrears(
        dashboard.six_months_unpaid(request.user, today).select_related("organization"), today
    ).order_by("organization__sort_order", "name", "pk")
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    first, last = six_months_window(today)
    handlings = {}
    for h in DuesLapseHandling.objects.filter(member__in=list(page.object_list)).order_by("handled_on", "pk"):
        handlings[h.member_id] = h  # the latest
    for member in page.object_list:
        member.last_handling = handlings.get(member.pk)
    return render(
        request,
        "members/dues_six_months.html",
        {"page_obj": page, "first": first, "last": last},
    )
