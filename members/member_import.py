"""The set-based member import: a whole file checked in memory, then written in bulk (issue 9).

Same rules and the same Chinese messages as MemberResource row by row (members.resources), but the data a row
is checked against is fetched once for the whole file: the members with the file's ID numbers (one query) and
the organisations named in it (one query). Nothing else is queried per row. Then, only when no row has a
problem (all or nothing), one transaction writes the new members, their simple-history rows and their first
dated status event (R-MB-02) with COPY (issue 21), and the changed members and their history rows with
bulk_update_with_history, all with the acting user. Unchanged rows are skipped, so re-importing a file changes nothing (R-MB-04).

Rules checked per row (each in the function that owns it, called here without a query):
* duplicate ID numbers inside the file — MemberResource.before_import_row;
* cell formats and choices — the resource's widgets; organisation / party group by name or code —
  OrganizationWidget.pick;
* model field checks (lengths, choices, ID checksum — R-MB-04) — Member.clean_fields, without the foreign-key
  existence query (the organisations come from the database);
* birth date against the ID number (R-MB-04), branch and party group placement (R-MB-01), dates —
  members.records.validate_member (Member.clean);
* an existing member's status or organisation does not change by import (R-MB-02, R-MB-05) —
  MemberResource.check_unchanged_placement.
The uniqueness check of the ID number needs no query either: rows are keyed on it, so a row either updates
the member that has it or creates one nobody has.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from import_export.results import Error, Result, RowResult
from psycopg import sql
from simple_history.utils import bulk_update_with_history

from core import jobs
from core.access import scoped_organization_ids
from core.dates import local_today
from core.models import Organization
from core.spreadsheets import ChineseDateWidget
from core.text import distinct_sentences
from members.models import Member, MemberStatusEvent
from members.records import first_status_day, validate_member
from members.resources import MemberResource, OrganizationWidget
from members.search import name_initials

BATCH = 2000
CHECKING, WRITING = "逐行检查", "写入数据库"  # the stages a background import reports (core.jobs.progress)
IMPORT_REASON = "批量导入建立党员档案"
# A scoped importer (a branch secretary) updates the members of their own organisations only. A row for anyone
# else — a number nobody has, or a member of another branch — gets this one answer, so the check never tells
# whether an ID number exists elsewhere (R-MB-04); new members are entered by the center (R-MB-01).
OUTSIDE_SCOPE = "本行党员不在您管理的党组织中，不能导入；新建党员档案请由党群服务中心办理。"


@dataclass
class MemberImportOutcome:
    base_errors: list[str] = field(default_factory=list)
    # (row index from 1 as import-export counts it, the row as a dict, the ValidationError)
    invalid: list[tuple[int, dict, ValidationError]] = field(default_factory=list)
    created: list[Member] = field(default_factory=list)
    updated: list[Member] = field(default_factory=list)
    skipped: int = 0
    # (row index, import type "new" / "update" / "skip", member) for the admin's row list
    rows: list[tuple[int, str, Member]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.base_errors and not self.invalid


def _org_lookup(rows: list[dict], columns: list[str]) -> dict[str, tuple[list, list]]:
    """Every organisation a cell of ``columns`` names (by name or by code), in one query."""
    texts = {str(row.get(c) or "").strip() for row in rows for c in columns} - {""}
    if not texts:
        return {}
    by_name: dict[str, list] = {}
    by_code: dict[str, list] = {}
    for org in Organization.objects.filter(Q(name__in=texts) | Q(code__in=texts)).order_by(
        *Organization._meta.ordering
    ):
        by_name.setdefault(org.name, []).append(org)
        by_code.setdefault(org.code, []).append(org)
    return {"name": by_name, "code": by_code}


def import_member_dataset(dataset, *, user, dry_run: bool) -> MemberImportOutcome:
    """Check every row of ``dataset`` (a tablib.Dataset with Chinese headers); write only when all pass."""
    resource = MemberResource(user=user)
    outcome = MemberImportOutcome()
    try:
        resource.before_import(dataset)  # header checks: wrong headers stop the whole file
    except ValueError as exc:
        outcome.base_errors.append(str(exc))
        return outcome
    headers = list(dataset.headers)
    rows = [dict(zip(headers, values, strict=False)) for values in dataset]
    fields = [f for f in resource.get_import_fields() if f.column_name in headers]
    key_field = resource.fields["id_number"]
    org_fields = [f for f in fields if isinstance(f.widget, OrganizationWidget)]
    compared = [Member._meta.get_field(f.attribute).attname for f in resource.get_import_fields()]
    # Fields no column sets keep their model defaults, which are valid: only the imported ones are checked.
    imported = {f.attribute for f in fields}
    not_imported = {f.name for f in Member._meta.concrete_fields} - imported

    keys = {key_field.clean(row) for row in rows} - {""}
    existing = Member.objects.in_bulk(list(keys), field_name="id_number") if keys else {}
    orgs = _org_lookup(rows, [f.column_name for f in org_fields])

    scope = scoped_organization_ids(user)
    today = local_today()
    jobs.progress(0, len(rows), CHECKING)
    for number, row in enumerate(rows, 1):
        jobs.progress(number - 1, len(rows), CHECKING)  # a no-op in a request; throttled in a job
        try:
            resource.before_import_row(row, row_number=number)  # duplicates inside the file
        except ValidationError as exc:
            outcome.invalid.append((number, row, exc))
            continue
        key = key_field.clean(row)
        instance = existing.get(key) if key else None
        if scope is not None and (instance is None or instance.organization_id not in scope):
            outcome.invalid.append((number, row, ValidationError({"id_number": OUTSIDE_SCOPE})))
            continue
        new = instance is None
        if new:
            instance = Member()
            original = None
        else:
            original = {name: getattr(instance, name) for name in compared}
        errors: dict = {}
        for f in fields:  # in the resource's order, so the reasons read as before
            try:
                if isinstance(f.widget, OrganizationWidget):
                    setattr(instance, f.attribute, f.widget.pick(row.get(f.column_name), orgs))
                else:
                    f.save(instance, row)
            except ValueError as exc:
                errors[f.attribute] = ValidationError(str(exc), code="invalid")
        if (
            original is not None
            and not errors
            and all(getattr(instance, n) == v for n, v in original.items())
        ):
            outcome.skipped += 1
            outcome.rows.append((number, "skip", instance))
            continue
        # Member.full_clean without its queries: field checks (the foreign keys are database rows already),
        # then Member.clean (validate_member); uniqueness is given by the keying above.
        checked: dict = dict(errors)
        try:
            instance.clean_fields(exclude={*errors, *not_imported, "organization", "party_group"})
        except ValidationError as exc:
            checked = exc.update_error_dict(checked)
        try:
            validate_member(instance, today=today)  # Member.clean, the day asked once per file
        except ValidationError as exc:
            checked = exc.update_error_dict(checked)
        if checked:
            outcome.invalid.append((number, row, ValidationError(_each_once(checked))))
            continue
        if not new:
            try:
                resource.check_unchanged_placement(original, instance)
            except ValidationError as exc:
                outcome.invalid.append((number, row, exc))
                continue
        (outcome.created if new else outcome.updated).append(instance)
        outcome.rows.append((number, "new" if new else "update", instance))

    if outcome.ok and not dry_run:
        for instance in (*outcome.created, *outcome.updated):  # only what is written needs them
            instance.name_initials = name_initials(instance.name)
        _write(outcome, user=user, update_fields=[*compared, "name_initials"])
    return outcome


def _each_once(errors: dict) -> dict[str, list[str]]:
    """Each field's problems once: a field's validator and Member.clean can find the same one (the ID number's
    check digit, R-MB-04) — the person reads it once."""
    return {
        name: distinct_sentences(m for e in found for m in ValidationError(e).messages)
        for name, found in errors.items()
    }


def _write(outcome: MemberImportOutcome, *, user, update_fields: list[str]) -> None:
    """All rows in one transaction: members, their first status event (R-MB-02), their history rows."""
    total = len(outcome.created) + len(outcome.updated)
    jobs.progress(0, total, WRITING)
    with transaction.atomic():
        _copy_created(outcome.created, user=user, total=total)
        written = len(outcome.created)
        for start in range(0, len(outcome.updated), BATCH):
            chunk = outcome.updated[start : start + BATCH]
            bulk_update_with_history(chunk, Member, update_fields, batch_size=BATCH, default_user=user)
            written += len(chunk)
            jobs.progress(written, total, WRITING)


def _copy_created(members: list[Member], *, user, total: int) -> None:
    """The new members, their history rows and their first status events, each table in one COPY (issue 21).

    bulk_create_with_history prepared every value of 30,000 objects one by one (members, history rows,
    status events: ≈ 40% of the commit); here the checked instances' values go to the database as they are,
    in rows simple-history and bulk_create would write: the member's columns; the history row the same
    columns with history_type “+”, the importing user, no change reason and the time of the import
    (simple_history.manager.bulk_history_create); the status event “create” from nothing to the member's
    status, effective on the joining day or else the local day the record was made (first_status_day), noted IMPORT_REASON. The
    primary keys are taken from the members' sequence first (one query), so the three tables are written
    with them. Row triggers and statement triggers (the kept roll tallies) fire for COPY as for INSERT."""
    if not members:
        return
    now = timezone.now()
    made_on = timezone.localdate(now)  # every record is made at ``now``
    table = Member._meta.db_table
    fields = [f for f in Member._meta.concrete_fields if not f.primary_key]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(members)],
        )
        for member, (pk,) in zip(members, cursor.fetchall(), strict=True):
            member.pk, member.created_at = pk, now
            member._state.adding, member._state.db = False, connection.alias
        columns = ["id", *(f.column for f in fields)]
        attnames = ["id", *(f.attname for f in fields)]
        with cursor.copy(_copy_sql(table, columns)) as copy:
            for done, member in enumerate(members, 1):
                copy.write_row([getattr(member, name) for name in attnames])
                if done % BATCH == 0:  # the members are a third of the rows written
                    jobs.progress(done // 3, total, WRITING)
        if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            history = Member.history.model
            tracked = [f.attname for f in history.tracked_fields]
            extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
            columns = [f.column for f in history.tracked_fields] + extra
            user_id = user.pk if user is not None else None
            with cursor.copy(_copy_sql(history._meta.db_table, columns)) as copy:
                for member in members:
                    copy.write_row([*(getattr(member, name) for name in tracked), now, None, "+", user_id])
        jobs.progress(2 * len(members) // 3, total, WRITING)
        events = MemberStatusEvent._meta  # its fields' columns are their attribute names
        columns = ["member_id", "action", "from_state", "to_state", "effective_on", "note", "at", "by_id"]
        with cursor.copy(_copy_sql(events.db_table, [*columns])) as copy:
            for member in members:
                copy.write_row(
                    [
                        member.pk,
                        "create",
                        "",
                        member.status,
                        first_status_day(member, made_on=made_on),
                        IMPORT_REASON,
                        now,
                        user.pk if user is not None else None,
                    ]
                )
    jobs.progress(len(members), total, WRITING)


def _copy_sql(table: str, columns: list[str | None]) -> sql.Composed:
    """COPY … FROM STDIN into ``columns`` of ``table`` (columns of concrete fields: never None)."""
    names = [sql.Identifier(column) for column in columns if column is not None]
    assert len(names) == len(columns)
    return sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), sql.SQL(", ").join(names))


def import_export_result(outcome: MemberImportOutcome, dataset) -> Result:
    """The outcome as django-import-export's Result, for the admin's import pages (MemberResource.import_data).

    Rows are numbered as the spreadsheet shows them (the header is row 1), as on the staff pages; a row's
    reasons are keyed by the column they are about (公民身份号码 …)."""
    headers = list(dataset.headers or [])
    result = Result()
    result.diff_headers = headers
    result.add_dataset_headers(headers)
    for message in outcome.base_errors:
        result.append_base_error(Error(ValueError(message)))
    labels = {f.attribute: f.column_name for f in MemberResource().fields.values()}
    for number, row, error in outcome.invalid:
        if hasattr(error, "error_dict"):
            error = ValidationError(
                {labels.get(name, name): errors for name, errors in error.error_dict.items()}
            )
        result.append_invalid_row(number + 1, row, error)
        result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
    result.spreadsheet_rows = True  # numbered already (ImportExportAdmin.import_action)
    if result.invalid_rows:
        return result  # all or nothing: no row counts as imported
    shown = _preview(headers)
    for number, import_type, member in outcome.rows:
        row = RowResult()
        row.import_type = import_type
        row.instance = member
        row.add_instance_info(member)
        row.diff = [
            shown(header, value, member) for header, value in zip(headers, dataset[number - 1], strict=False)
        ]
        result.append_row_result(row)
        result.increment_row_result_total(row)
    result.total_rows = len(outcome.rows)
    return result


def _preview(headers: list[str]):
    """How the preview shows a cell: a date column as the date read from it (2026年3月12日, whatever the file
    wrote: 1985-03-12, an Excel date cell), a whole number without “.0”, other cells as the file has them."""
    dates = {
        f.column_name: f.attribute
        for f in MemberResource().get_import_fields()
        if isinstance(f.widget, ChineseDateWidget) and f.column_name in headers
    }

    def shown(header: str, value, member) -> str:
        if header in dates:
            day = getattr(member, dates[header])
            return f"{day:%Y年%-m月%-d日}" if day else ""
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return shown
