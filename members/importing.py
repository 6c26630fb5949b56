"""Importing organisations and members from XLSX / CSV — the function the staff pages and the admin call.

All or nothing: if any row is bad, nothing is imported and every bad row is listed with its row number
(as the spreadsheet shows it: the header is row 1) and a Chinese reason. Re-importing the same file
changes nothing (members are keyed on the ID number, organisations on their code).

The file is read and checked by core.spreadsheets (size, fake or exploding workbooks, encodings, the row limit).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError
from django.db.models import CharField, TextField

from core import jobs
from core.access import can_write, is_admin
from core.exports import write_csv, write_xlsx
from core.idnumbers import mask_id_number, mask_phone
from core.rules import cite
from core.spreadsheets import ImportFileError, load_dataset, read_upload
from core.text import distinct_sentences, join_sentences
from members.models import Member
from members.resources import MemberResource, OrganizationResource, OrganizationWidget, TextWidget


@dataclass
class ImportResult:
    # (row number, Chinese reason as a person reads it: regulations cited, not rule IDs — ``_reason``); 0 = file
    errors: list[tuple[int, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    skipped: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        if self.errors:
            return f"导入失败：共{len(self.errors)}处错误，未导入任何数据。"
        verb = "检查通过，可导入" if self.dry_run else "导入完成"
        return f"{verb}：新增{self.created}条，更新{self.updated}条，无变化{self.skipped}条。"


def _run(resource, *, file, file_format: str, dry_run: bool) -> ImportResult:
    result = ImportResult(dry_run=dry_run)
    try:
        dataset = load_dataset(read_upload(file, file_format), file_format)
    except ImportFileError as exc:
        result.errors.append((0, str(exc)))
        return result
    outcome = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    result.errors = import_errors(outcome)
    totals = outcome.totals
    result.created, result.updated, result.skipped = totals["new"], totals["update"], totals["skip"]
    if result.errors:
        result.created = result.updated = result.skipped = 0
    return result


def import_errors(outcome) -> list[tuple[int, str]]:
    """Every problem of an import-export Result as (spreadsheet row number, Chinese reason)."""
    errors: list[tuple[int, str]] = [(0, _reason(error.error)) for error in outcome.base_errors]
    for number, row_errors in outcome.row_errors():
        errors.extend((number + 1, _reason(error.error)) for error in row_errors)
    for invalid in outcome.invalid_rows:
        errors.append((invalid.number + 1, _validation_reason(invalid.error)))
    return sorted(errors, key=lambda pair: pair[0])


def _reason(error: Exception | str) -> str:
    """What a person reads for one problem of an import (shown on the page, kept with a job): its rule IDs
    read as the regulations behind them (core.rules.cite)."""
    if isinstance(error, ValidationError):
        return _validation_reason(error)
    return cite(join_sentences([str(error)])) or error.__class__.__name__


def _validation_reason(error: ValidationError) -> str:
    """One sentence per problem, each once (core.text.join_sentences), after its column's header; cited."""
    if hasattr(error, "error_dict"):
        labels = {f.attribute: f.column_name for f in MemberResource().fields.values()}
        labels.update({f.attribute: f.column_name for f in OrganizationResource().fields.values()})
        parts = []
        for name, errors in error.error_dict.items():
            label = labels.get(name, "")
            for text in distinct_sentences(m for e in errors for m in e.messages):
                parts.append(f"{label}：{text}" if label else text)
        return cite(join_sentences(parts))
    return cite(join_sentences(error.messages))


IMPORT_KINDS = {"members": "党员", "organizations": "党组织"}


def may_import(user, kind: str) -> bool:
    """Who may import (every import door — the staff page, the admin, the background job — asks this): a
    writing role with the rights to add and change the records; organisations are the administrator's alone
    (re-parenting one moves its members into another's scope). A scoped importer's rows are limited to their
    organisations by the import itself (members.member_import)."""
    if kind not in IMPORT_KINDS or not user.is_active or not can_write(user):
        return False
    if kind == "organizations":
        return is_admin(user) and user.has_perms(["core.add_organization", "core.change_organization"])
    return user.has_perms(["members.add_member", "members.change_member"])


def import_file(*, kind: str, file, file_format: str, user, dry_run: bool = False) -> ImportResult:
    """The one entry of every import door: members or organisations."""
    run = import_members if kind == "members" else import_organizations
    return run(file=file, file_format=file_format, user=user, dry_run=dry_run)


def import_members(*, file, file_format: str, user, dry_run: bool = False) -> ImportResult:
    """Import members from an XLSX / CSV file with Chinese headers (see MemberResource).

    Set-based (members.member_import): the file is read once, every row is checked in memory against data
    fetched in a few queries, and only a file without any error is written, in bulk, in one transaction."""
    from members.member_import import import_member_dataset

    result = ImportResult(dry_run=dry_run)
    jobs.progress(0, None, "读取文件")
    try:
        dataset = load_dataset(read_upload(file, file_format), file_format)
    except ImportFileError as exc:
        result.errors.append((0, str(exc)))
        return result
    outcome = import_member_dataset(dataset, user=user, dry_run=dry_run)
    result.errors = [(0, _reason(message)) for message in outcome.base_errors] + [
        (number + 1, _reason(error)) for number, _row, error in outcome.invalid
    ]
    result.errors.sort(key=lambda pair: pair[0])
    if not result.errors:
        result.created, result.updated = len(outcome.created), len(outcome.updated)
        result.skipped = outcome.skipped
    return result


def import_organizations(*, file, file_format: str, user, dry_run: bool = False) -> ImportResult:
    """Import organisations from an XLSX / CSV file with Chinese headers (see OrganizationResource)."""
    return _run(OrganizationResource(user=user), file=file, file_format=file_format, dry_run=dry_run)


def export_members(*, queryset, file_format: str, user) -> bytes:
    """Members as XLSX / CSV bytes, masked for roles that do not see full ID numbers.

    Streamed for 50,000 members (issue 9): the columns come as tuples (the organisations joined in the same
    query), each is rendered by the resource's own widget, escaped against formulas and masked as
    MemberResource.export_field does, and written by the one export writer (core.exports, which escapes
    formulas)."""
    from core.access import sees_full_id_numbers

    resource = MemberResource(mask=not sees_full_id_numbers(user))
    fields = resource.get_export_fields()
    headers = [f.column_name for f in fields]
    # A foreign key is exported by the organisation's name: join it instead of loading the objects.
    columns = [
        f"{f.attribute}__name" if isinstance(f.widget, OrganizationWidget) else f.attribute for f in fields
    ]
    # Only the columns whose text is not already the stored text are rendered (issue 21: 900,000 cells).
    renderers = [
        (index, render)
        for index, render in enumerate(_export_renderer(resource, f) for f in fields)
        if render is not None
    ]

    def rows():
        for values in queryset.values_list(*columns).iterator(chunk_size=2000):
            row = list(values)
            for index, render in renderers:
                row[index] = render(row[index])
            yield row

    if file_format == "xlsx":
        return write_xlsx(headers, rows(), title=str(Member._meta.verbose_name))
    if file_format == "csv":
        return write_csv(headers, rows())
    raise ImportFileError(f"不支持的文件格式“{file_format}”。")


def _export_renderer(resource: MemberResource, field):
    """The cell text of one column, as MemberResource.export_field renders it (mask, widget); None for a
    text column that is never empty in the database (TextWidget renders its text as it is)."""
    if resource.mask and field.attribute == "id_number":
        return lambda value: mask_id_number(value or "")
    if resource.mask and field.attribute == "phone":
        return lambda value: mask_phone(value or "")
    if isinstance(field.widget, OrganizationWidget):
        return lambda value: value or ""
    model_field = Member._meta.get_field(field.attribute)
    if type(field.widget).render is TextWidget.render and isinstance(model_field, CharField | TextField):
        if not model_field.null:
            return None
    return field.widget.render


def export_organizations(*, queryset, file_format: str) -> bytes:
    return _dump(OrganizationResource().export(queryset), file_format)


def _dump(dataset: tablib.Dataset, file_format: str) -> bytes:
    if file_format == "csv":
        return write_csv(dataset.headers, dataset)
    if file_format == "xlsx":
        return write_xlsx(dataset.headers, dataset, title=dataset.title or "Sheet1")
    raise ImportFileError(f"不支持的文件格式“{file_format}”。")
