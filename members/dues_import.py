"""A branch's dues bases for a year from a spreadsheet (R-MB-13, R-MB-14): all or nothing.

Columns (the template ``base_sheet_rows`` writes them, pre-filled with the branch's members): 党员编号, 姓名,
党费类别, 月缴纳基数（元）, 定额（元/月）. A member is found by the number and checked against the name (no ID
numbers in the file: the roles that see them masked import too). Every row is checked first — the category
by its Chinese name, the amounts by the one standard function ``members.dues.standard_monthly_amount`` — and
every bad row reported as “第N行：…”; only a file without a bad row is written, in one transaction, through
``members.dues.dues_base_set``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from core.models import Organization
from core.spreadsheets import ImportFileError, load_dataset, read_upload
from members.dues import dues_base_set, standard_monthly_amount
from members.exceptions import MemberError
from members.models import DuesBase, DuesCategory, Member

HEADERS = ["党员编号", "姓名", "党费类别", "月缴纳基数（元）", "定额（元/月）"]
CATEGORY_BY_LABEL = {label: value for value, label in DuesCategory.choices}
MAX_PROBLEMS = 50


def base_sheet_rows(organization: Organization, year: int) -> list[list]:
    """The template: the branch's active members with their base of ``year`` (or last year's, to re-set)."""
    members = list(
        Member.objects.filter(organization=organization, status__in=Member.ACTIVE_STATUSES).order_by(
            "name", "pk"
        )
    )
    rows: dict[int, DuesBase] = {}
    for row in DuesBase.objects.filter(member__in=members, year__in=[year - 1, year]).order_by("year"):
        rows[row.member_id] = row  # this year's wins over last year's
    out = []
    for member in members:
        found = rows.get(member.pk)
        out.append(
            [
                member.pk,
                member.name,
                found.get_category_display() if found else "",
                found.base if found else None,
                found.fixed_amount if found else None,
            ]
        )
    return out


def _amount(value) -> Decimal | None:
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"“{text}”不是金额") from exc
    if not amount.is_finite():
        raise ValueError(f"“{text}”不是金额")
    return amount


def dues_bases_import(*, organization: Organization, year: int, file, set_on: date, set_by) -> int:
    """R-MB-13/R-MB-14: set the bases of ``year`` for the members of ``organization`` listed in ``file`` (xlsx);
    returns how many were set. Refuses the whole file, naming each bad row, if any row is wrong."""
    try:
        dataset = load_dataset(read_upload(file, "xlsx"), "xlsx")
    except ImportFileError as exc:
        raise MemberError(str(exc), rule="R-MB-13", field="file") from exc
    headers = [str(h or "").strip() for h in dataset.headers or []]
    if headers[: len(HEADERS)] != HEADERS:
        raise MemberError(
            f"表头应为：{'、'.join(HEADERS)}，请使用下载的模板（R-MB-13）。", rule="R-MB-13", field="file"
        )
    if not len(dataset):
        raise MemberError("文件中没有数据行（R-MB-13）。", rule="R-MB-13", field="file")
    numbers: list[int | None] = []
    for row in dataset:
        try:
            numbers.append(int(str(row[0]).strip().removesuffix(".0")))
        except (TypeError, ValueError):
            numbers.append(None)
    members = {
        m.pk: m
        for m in Member.objects.filter(
            pk__in=[n for n in numbers if n], organization=organization, status__in=Member.ACTIVE_STATUSES
        )
    }
    problems: list[str] = []
    ready: list[tuple[int, Member, str, Decimal | None, Decimal | None]] = []
    seen: dict[int, int] = {}
    for line, (row, number) in enumerate(zip(dataset, numbers, strict=True), 2):
        name = str(row[1] or "").strip()
        member = members.get(number) if number else None
        if member is None:
            problems.append(f"第{line}行：党员编号“{row[0]}”不是本支部在册党员")
            continue
        if name != member.name:
            problems.append(f"第{line}行：党员编号{number}是{member.name}，与姓名“{name}”不符")
            continue
        if member.pk in seen:
            problems.append(f"第{line}行：{member.name}与第{seen[member.pk]}行重复")
            continue
        seen[member.pk] = line
        label = str(row[2] or "").strip()
        if not label:
            continue  # not filled in: left as it is
        category = CATEGORY_BY_LABEL.get(label)
        if category is None:
            problems.append(f"第{line}行：党费类别“{label}”无效，应为{'、'.join(CATEGORY_BY_LABEL)}之一")
            continue
        try:
            base, fixed = _amount(row[3]), _amount(row[4])
            standard_monthly_amount(category, base=base, fixed_amount=fixed)
        except ValueError as exc:
            problems.append(f"第{line}行：{exc}")
            continue
        except MemberError as exc:
            problems.append(f"第{line}行：{str(exc).split('（R-MB-13）')[0]}")
            continue
        ready.append((line, member, category, base, fixed))
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"……另有{len(problems) - MAX_PROBLEMS}行有误")
        raise MemberError(
            f"有{len(problems)}行有误，整个文件未导入，请改正后重新上传（R-MB-13）。",
            rule="R-MB-13",
            problems=shown,
        )
    with transaction.atomic():
        for line, member, category, base, fixed in ready:
            try:
                dues_base_set(
                    member=member,
                    year=year,
                    category=category,
                    base=base,
                    fixed_amount=fixed,
                    set_on=set_on,
                    set_by=set_by,
                )
            except MemberError as exc:  # rolls the whole file back
                raise MemberError(
                    f"第{line}行：{exc} 整个文件未导入。", rule=exc.rule, problems=[f"第{line}行：{exc}"]
                ) from exc
    return len(ready)
