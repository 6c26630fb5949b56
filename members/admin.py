"""Admin for the member records, usable with 50,000 members: scoped querysets (core.admin_scope),
autocomplete for foreign keys, list_select_related, no per-row queries, history on every model."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
from simple_history.template_utils import HistoricalRecordContextHelper

from core.access import is_admin, sees_full_id_numbers
from core.admin_scope import ReadOnlyAdmin, ReadOnlyInline, ScopedModelAdmin
from core.audit import id_number_for_display, log_id_number_views
from core.changelist import IndexedYearsChangeList, RelatedChoicesListFilter
from core.dates import local_today
from core.exports import AdminCSV, AdminXLSX, ChineseExportForm, attachment, export_names, write_template_xlsx
from core.idnumbers import mask_id_number, mask_phone
from core.jobs import start
from core.models import Organization
from core.spreadsheets import ImportFileError, load_dataset, read_upload, row_estimate
from members import models
from members.aid import aid_household_create, aid_pair, aid_visit_record
from members.importing import may_import
from members.models import Member
from members.records import first_status_day
from members.resources import MemberResource, OrganizationResource
from members.reviews import review_record
from members.search import search_members
from members.training import pairing_create, rotation_enroll


class CheckedXLSX(XLSX):
    """An uploaded workbook read as core.spreadsheets reads it: blank rows dropped, the row limit, Chinese errors."""

    def create_dataset(self, in_stream):
        return load_dataset(bytes(in_stream), "xlsx")


class CheckedCSV(CSV):
    """An uploaded CSV read as core.spreadsheets reads it: the bytes, decoded as UTF-8 or GB18030 (Excel's
    Chinese default), blank rows dropped, the row limit, Chinese errors."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream):
        return load_dataset(in_stream if isinstance(in_stream, bytes) else in_stream.encode(), "csv")


def _xlsx_first(form, formats) -> None:
    """The format selector starts at XLSX (what Excel saves) and offers only the formats we read: no “---”
    (a format is required; choosing a file of another extension, import-export's guess_format.js falls back
    to the first choice, XLSX, instead of the blank)."""
    field = form.fields["format"]
    field.choices = [(value, title) for value, title in field.choices if value != ""]
    for index, fmt in enumerate(formats):
        if fmt().get_extension() == "xlsx":
            form.fields["format"].initial = str(index)
            break


class SafeImportForm(ImportForm):
    """The admin upload gets the same size / fake-file / zip-bomb checks as core.spreadsheets."""

    def __init__(self, formats, *args, **kwargs):
        super().__init__(formats, *args, **kwargs)
        self.formats = formats
        _xlsx_first(self, formats)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None:
            try:
                fmt = self.formats[int(cleaned["format"])]().get_extension()
            except (KeyError, ValueError, IndexError):
                fmt = "xlsx" if upload.name.lower().endswith(".xlsx") else "csv"
            try:
                read_upload(upload, fmt)
            except ImportFileError as exc:
                raise ValidationError(str(exc)) from exc
            upload.seek(0)
        return cleaned


class XlsxFirstExportForm(ChineseExportForm):
    def __init__(self, formats, *args, **kwargs):
        super().__init__(formats, *args, **kwargs)
        _xlsx_first(self, formats)


class ImportExportAdmin(ImportExportMixin, ScopedModelAdmin):
    """Imports read files like core.spreadsheets (CheckedXLSX / CheckedCSV, SafeImportForm); a file with any bad
    row imports nothing. Importing (the check and the confirmation) needs the rights to add and to change the
    model — auditors never import; exporting needs the right to view it, and exports only the user's records."""

    import_form_class = SafeImportForm
    export_form_class = XlsxFirstExportForm
    import_template_name = "admin/import_cited.html"  # every problem by row, regulations cited (not rule IDs)

    def _numbered_as_spreadsheet(self, response):
        """The check's problems as the staff import states them: rows numbered as the spreadsheet shows them
        (the header is row 1) and each problem under its column's header, not the model field's name."""
        result = (getattr(response, "context_data", None) or {}).get("result")
        if result is not None and not getattr(result, "spreadsheet_rows", False):
            labels = {f.attribute: f.column_name for f in self.resource_classes[0]().fields.values()}
            for invalid in result.invalid_rows:
                invalid.number += 1
                invalid.error_dict = {
                    labels.get(name, name): errors for name, errors in invalid.error_dict.items()
                }
            # (data row, errors) → (spreadsheet row, errors), as the template reads them
            errors = result.row_errors()
            result.row_errors = lambda: [(number + 1, row_errors) for number, row_errors in errors]
            result.spreadsheet_rows = True
        return response

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        data.title = export_names(self.model, "xlsx", on=local_today())[1]  # the sheet: 「党员」
        return data

    def get_export_filename(self, request, queryset, file_format):
        return export_names(self.model, file_format.get_extension(), on=local_today())[0]

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        template = path(
            "import/template/",
            self.admin_site.admin_view(self.import_template),
            name=f"{info[0]}_{info[1]}_import_template",
        )
        return [template, *super().get_urls()]

    def import_template(self, request):
        """The import's template to download: the headers, one example row and a 填写说明 sheet."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0]()
        headers = [f.column_name for f in resource.get_import_fields()]
        content = write_template_xlsx(
            headers,
            [resource.template_example.get(h, "") for h in headers],
            resource.template_notes(),
            title=str(self.opts.verbose_name),
        )
        name = f"{self.opts.verbose_name}导入模板.xlsx"
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        info = self.opts.app_label, self.opts.model_name
        context["template_url"] = reverse(f"admin:{info[0]}_{info[1]}_import_template")
        return context

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_queryset(self, request):
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as exc:  # a query string that is no filter (?format=9)
            raise BadRequest("导出条件不正确。") from exc

    def get_import_formats(self):
        return [CheckedXLSX, CheckedCSV]

    import_kind = ""  # members.importing.IMPORT_KINDS: set where a big file is imported by a background job

    def import_action(self, request, **kwargs):
        """A small file keeps import-export's check-then-confirm preview; a file of more than JOB_ROWS_THRESHOLD
        rows is checked and imported (all or nothing) by a background job — the same import — and the admin
        lands on its page with the progress bar and, when done, every bad row."""
        if self.import_kind and request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                upload = form.cleaned_data["import_file"]
                fmt = self.get_import_formats()[int(form.cleaned_data["format"])]().get_extension()
                data = read_upload(upload, fmt)
                rows = row_estimate(data, fmt)
                if rows > settings.JOB_ROWS_THRESHOLD and may_import(request.user, self.import_kind):
                    from members.tasks import start_import

                    run = start_import(
                        user=request.user, kind=self.import_kind, data=data, file_format=fmt, rows=rows
                    )
                    return redirect("core:my_job", run.pk)
                upload.seek(0)
        return self._numbered_as_spreadsheet(super().import_action(request, **kwargs))

    def get_export_formats(self):
        return [AdminXLSX, AdminCSV]  # the one export writer (core.exports)

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """More than JOB_ROWS_THRESHOLD rows: the same export (this admin's get_export_queryset and
        get_export_data, for the same filters and form) written by a background job (members.tasks); the
        admin lands on its page and 我的任务 keeps the file."""
        count = queryset.count()
        if count <= settings.JOB_ROWS_THRESHOLD:
            response = super()._do_file_export(file_format, request, queryset, export_form=export_form)
            # 「党员-2026年12月1日.xlsx」: a Chinese file name needs RFC 5987 (core.exports.attachment)
            response["Content-Disposition"] = attachment(
                self.get_export_filename(request, queryset, file_format)
            )
            return response
        from members.tasks import admin_export_job

        run = start(
            admin_export_job,
            user=request.user,
            label=f"后台导出{self.opts.verbose_name}（{count}条）",
            total=count,
            model=self.opts.label_lower,
            query=request.GET.urlencode(),
            form=request.POST.urlencode(),
            meta={k: request.META[k] for k in ("REMOTE_ADDR", "HTTP_X_FORWARDED_FOR") if k in request.META},
        )
        return redirect("core:my_job", run.pk)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):  # the file cannot be read: its Chinese reason
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The confirmed file no longer passes (the data changed since the check): nothing was imported.
            messages.error(
                request, "导入失败：文件未通过检查，未导入任何数据。请重新上传，查看每一行的问题。"
            )
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request, f"导入完成：新增{totals['new']}条，更新{totals['update']}条，无变化{totals['skip']}条。"
        )


@admin.register(Organization)
class OrganizationAdmin(ImportExportAdmin):
    scope_field = "pk"
    import_kind = "organizations"
    resource_classes = [OrganizationResource]
    list_display = ["name", "code", "kind", "category", "parent", "village", "is_center", "is_active"]
    list_filter = ["kind", "category", "is_center", "has_approval_authority", "is_active"]
    search_fields = ["name", "short_name", "code", "village"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    ordering = ["sort_order", "code"]

    def has_import_permission(self, request):
        # Re-parenting an organisation moves its members into another's scope: the administrator's alone.
        return is_admin(request.user) and super().has_import_permission(request)


class StatusEventInline(ReadOnlyInline):
    model = models.MemberStatusEvent
    extra = 0
    fields = ["effective_on", "from_state", "to_state", "note", "by", "at"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(models.Member)
class MemberAdmin(ImportExportAdmin):
    resource_classes = [MemberResource]  # imported by members.member_import (MemberResource.import_data)
    import_kind = "members"
    import_template_name = "admin/members/member/import.html"
    search_fields = ["name", "name_initials", "=id_number", "^phone"]  # searched by get_search_results
    search_help_text = "姓名、拼音首字母、身份证号或电话的一部分"
    list_filter = [
        "status",
        "gender",
        "education",
        "is_reserve_cadre",
        ("organization__category", RelatedChoicesListFilter),  # by organization_id (core.changelist)
    ]
    list_select_related = ["organization"]  # the columns shown (the party group is not)
    list_per_page = 25  # as the staff list: half the rendering of 50 rows (issue 9)
    autocomplete_fields = ["organization", "party_group"]
    readonly_fields = ["status", "full_member_on", "created_at"]
    date_hierarchy = "joined_on"
    inlines = [StatusEventInline]

    def has_delete_permission(self, request, obj=None):
        # R-MB-02: members leave through dated status events (转出, 去世, 开除, 除名) and their record stays.
        return False

    fieldsets = [
        (None, {"fields": ["name", "gender", "ethnicity", "birth_date", "id_number", "education"]}),
        ("联系方式", {"fields": ["phone", "address", "village", "work_unit"]}),
        (
            "组织关系",
            {
                "fields": [
                    "organization",
                    "party_group",
                    "committee_role",
                    "status",
                    "joined_on",
                    "full_member_on",
                ]
            },
        ),
        ("其他", {"fields": ["monthly_dues", "is_reserve_cadre", "notes", "created_at"]}),
    ]

    def get_list_display(self, request):
        if sees_full_id_numbers(request.user):
            return ["name", "gender", "id_number", "phone", "organization", "status", "joined_on"]
        return ["name", "gender", "masked_id_number", "masked_phone", "organization", "status", "joined_on"]

    def get_search_results(self, request, queryset, search_term):
        """The staff list's search (members.search): part of a name, pinyin initials, part of an ID number or phone,
        each through an index. Users who see masked numbers must not be able to probe full ID numbers or phones by
        searching: they search names only."""
        return search_members(queryset, search_term, numbers=sees_full_id_numbers(request.user)), False

    def get_changelist(self, request, **kwargs):
        return IndexedYearsChangeList  # the date hierarchy's years from the index on joined_on

    def get_export_resource_kwargs(self, request, **kwargs):
        return {
            **super().get_export_resource_kwargs(request, **kwargs),
            "mask": not sees_full_id_numbers(request.user),
        }

    def get_readonly_fields(self, request, obj=None):
        readonly = [] if obj is None else list(self.readonly_fields)
        if obj is not None:
            # R-MB-02 / R-MB-05: status and organisation change only through their operations.
            readonly.append("organization")
        if obj is not None and not sees_full_id_numbers(request.user):
            readonly += ["masked_id_number", "masked_phone"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            # On add the status is chosen; it is written with the first status event (R-MB-02).
            return [
                (name, {"fields": [f for f in opts["fields"] if f != "created_at"]})
                for name, opts in self.fieldsets
            ]
        if sees_full_id_numbers(request.user):
            return self.fieldsets
        masked = {"id_number": "masked_id_number", "phone": "masked_phone"}
        return [
            (name, {"fields": [masked.get(f, f) for f in opts["fields"]]}) for name, opts in self.fieldsets
        ]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        from members.models import MemberStatusEvent

        super().save_model(request, obj, form, change)
        MemberStatusEvent.objects.create(
            member=obj,
            action="create",
            from_state="",
            to_state=obj.status,
            effective_on=first_status_day(obj),
            note="在后台建立党员档案",
            by=request.user,
        )

    @admin.display(description="公民身份号码")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description="联系电话")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    # Viewing full ID numbers is logged here exactly as on the staff pages (core.audit, R-MB-04): once per member per
    # page shown, for the roles that see them in full; the others see them masked (get_list_display, get_fieldsets).

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None and sees_full_id_numbers(request.user):
            shown = [member.pk for member in changelist.result_list]
            log_id_number_views(user=request.user, model=Member, ids=shown, request=request)
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and sees_full_id_numbers(request.user):
            id_number_for_display(user=request.user, person=obj, request=request)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        member = self.get_object(request, unquote(object_id))
        if response.status_code == 200 and member is not None and sees_full_id_numbers(request.user):
            # A past version's form, with its ID number in full.
            id_number_for_display(user=request.user, person=member, request=request)
        return response

    def get_historical_record_context_helper(self, request, historical_record):
        return MemberHistoryHelper(self.model, historical_record, request=request)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        if sees_full_id_numbers(request.user):  # full ID numbers in the file: one log row per exported member
            log_id_number_views(
                user=request.user, model=Member, ids=queryset.values_list("pk", flat=True), request=request
            )
        return data


class MemberHistoryHelper(HistoricalRecordContextHelper):
    """The changes listed on a member's history page: a changed ID number or phone is masked for the roles that do not
    see them in full, and a full ID number shown is logged (R-MB-04)."""

    def __init__(self, model, historical_record, *, request):
        super().__init__(model, historical_record)
        self.request = request

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if change.field not in ("id_number", "phone") or not value:
            return value
        if not sees_full_id_numbers(self.request.user):
            return mask_id_number(value) if change.field == "id_number" else mask_phone(value)
        if change.field == "id_number":
            member = Member(pk=self.record.id, id_number=value)
            id_number_for_display(user=self.request.user, person=member, request=self.request)
        return value


@admin.register(models.MemberStatusEvent)
class MemberStatusEventAdmin(ReadOnlyAdmin):
    scope_field = "member__organization"
    list_display = ["member", "from_state", "to_state", "effective_on", "note", "by"]
    list_filter = ["to_state", "from_state"]
    search_fields = ["member__name", "=member__id_number"]
    list_select_related = ["member", "by"]
    date_hierarchy = "effective_on"


@admin.register(models.Discipline)
class DisciplineAdmin(ReadOnlyAdmin):
    scope_field = "member__organization"
    list_display = ["member", "kind", "decided_on", "decided_by", "rights_restored_on"]
    list_filter = ["kind"]
    search_fields = ["member__name", "=member__id_number"]
    list_select_related = ["member"]
    autocomplete_fields = ["member"]
    readonly_fields = ["recorded_by"]


@admin.register(models.RelationTransfer)
class RelationTransferAdmin(ReadOnlyAdmin):
    scope_field = "member__organization"
    list_display = [
        "letter_number",
        "member",
        "direction",
        "from_organization",
        "to_organization",
        "to_unit",
        "issued_on",
        "valid_until",
        "state",
    ]
    list_filter = ["state", "direction", "letter_year"]
    search_fields = ["letter_number", "member__name", "=member__id_number", "from_unit", "to_unit"]
    list_select_related = ["member", "from_organization", "to_organization"]
    autocomplete_fields = ["member", "from_organization", "to_organization"]
    # Letters are numbered, accepted and cancelled (作废, with a reason; the number stays) only through
    # members.transfers on the staff pages: the admin reads them and never deletes one (a gap-free series).


class FloatingContactInline(ReadOnlyInline):
    model = models.FloatingContact
    extra = 0
    fields = ["contacted_on", "method", "reached", "note", "recorded_by"]
    readonly_fields = ["recorded_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


@admin.register(models.FloatingMember)
class FloatingMemberAdmin(ReadOnlyAdmin):
    scope_field = "member__organization"
    list_display = [
        "member",
        "direction",
        "destination",
        "flowed_out_on",
        "last_contacted_on",
        "lost_contact_since",
        "returned_on",
    ]
    list_filter = [
        "direction",
        ("returned_on", admin.EmptyFieldListFilter),
        ("lost_contact_since", admin.EmptyFieldListFilter),
    ]
    search_fields = ["member__name", "=member__id_number", "destination", "^contact_phone"]
    list_select_related = ["member"]
    autocomplete_fields = ["member"]
    inlines = [FloatingContactInline]


@admin.register(models.FloatingContact)
class FloatingContactAdmin(ReadOnlyAdmin):
    scope_field = "floating__member__organization"
    list_display = ["floating", "contacted_on", "method", "reached", "recorded_by"]
    list_filter = ["method", "reached"]
    search_fields = ["floating__member__name"]
    list_select_related = ["floating__member", "recorded_by"]
    autocomplete_fields = ["floating"]
    date_hierarchy = "contacted_on"


@admin.register(models.FloatingCertificate)
class FloatingCertificateAdmin(ReadOnlyAdmin):
    scope_field = "floating__member__organization"
    list_display = ["number", "floating", "issued_on", "valid_until", "revoked_on"]
    list_filter = ["year", ("revoked_on", admin.EmptyFieldListFilter)]
    search_fields = ["number", "floating__member__name"]
    list_select_related = ["floating__member"]
    autocomplete_fields = ["floating"]
    # Issued by members.floating.certificate_issue and revoked (作废, keeping its number) by certificate_revoke.


@admin.register(models.DuesPayment)
class DuesPaymentAdmin(ReadOnlyAdmin):
    """Paid through members.dues.dues_pay on the member's dues page (R-MB-14: months, receipt, who paid): the
    admin only looks payments up — adding or deleting one here would bypass the receipt and its number."""

    scope_field = "member__organization"
    list_display = ["member", "month", "amount", "paid_on", "receipt", "recorded_by"]
    list_filter = ["month"]
    search_fields = ["member__name", "=member__id_number", "=receipt__number"]
    list_select_related = ["member", "recorded_by", "receipt"]
    autocomplete_fields = ["member"]
    date_hierarchy = "month"


@admin.register(models.DuesReceipt)
class DuesReceiptAdmin(ReadOnlyAdmin):
    """Numbered receipts, issued only by members.dues.dues_pay (R-MB-14)."""

    scope_field = "member__organization"
    list_display = ["number", "member", "paid_on", "paid_by", "months_amount", "voluntary", "recorded_by"]
    list_filter = ["year"]
    search_fields = ["=number", "member__name"]
    list_select_related = ["member", "recorded_by"]
    autocomplete_fields = ["member"]
    date_hierarchy = "paid_on"


@admin.register(models.DuesBase)
class DuesBaseAdmin(ReadOnlyAdmin):
    """Set by members.dues.dues_base_set (the amount is the standard's, R-MB-13) and dues_reduction_record
    (both approvals) on the branch's dues pages."""

    scope_field = "member__organization"
    list_display = ["member", "year", "category", "base", "fixed_amount", "monthly_amount", "reduced_amount"]
    list_filter = ["year", "category"]
    search_fields = ["member__name"]
    list_select_related = ["member"]
    autocomplete_fields = ["member"]


@admin.register(models.DuesLapseHandling)
class DuesLapseHandlingAdmin(ReadOnlyAdmin):
    """Recorded by members.dues.dues_lapse_handle (R-MB-15; 除名 through the status operation, R-MB-02)."""

    scope_field = "member__organization"
    list_display = ["member", "kind", "handled_on", "reason_until", "pay_by", "recorded_by"]
    list_filter = ["kind"]
    search_fields = ["member__name"]
    list_select_related = ["member", "recorded_by"]
    autocomplete_fields = ["member"]
    date_hierarchy = "handled_on"


class AttendanceInline(ReadOnlyInline):
    model = models.Attendance
    extra = 0
    fields = ["member", "present", "absence_reason"]
    autocomplete_fields = ["member"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


@admin.register(models.Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["held_on", "organization", "kind", "topic", "host"]
    list_filter = ["kind"]
    search_fields = ["topic", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["recorded_by"]
    date_hierarchy = "held_on"
    inlines = [AttendanceInline]


@admin.register(models.Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    scope_field = "meeting__organization"
    list_display = ["meeting", "member", "present", "absence_reason"]
    list_filter = ["present", "meeting__kind"]
    search_fields = ["member__name", "meeting__topic"]
    list_select_related = ["meeting__organization", "member"]
    autocomplete_fields = ["meeting", "member"]


@admin.register(models.AnnualReview)
class AnnualReviewAdmin(ScopedModelAdmin):
    """Added through members.reviews.review_record (R-MB-09: one review per member and year)."""

    add_operation = staticmethod(
        lambda request, obj: review_record(
            member=obj.member, year=obj.year, result=obj.result, note=obj.note, recorded_by=request.user
        )
    )
    scope_field = "member__organization"
    list_display = ["member", "year", "result", "recorded_by"]
    list_filter = ["year", "result"]
    search_fields = ["member__name", "=member__id_number"]
    list_select_related = ["member", "recorded_by"]
    autocomplete_fields = ["member"]
    readonly_fields = ["recorded_by"]


class TrainingPairingInline(ReadOnlyInline):  # pairs through TrainingPairingAdmin (pairing_create)
    model = models.TrainingPairing
    extra = 0
    autocomplete_fields = ["mentor"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mentor")


@admin.register(models.TrainingRotation)
class TrainingRotationAdmin(ScopedModelAdmin):
    """Trainees are enrolled through members.training.rotation_enroll (R-MB-11: who may train, 15 a year)."""

    add_operation = staticmethod(
        lambda request, obj: rotation_enroll(
            member=obj.member, year=obj.year, started_on=obj.started_on, note=obj.note
        )
    )
    scope_field = "member__organization"
    list_display = ["member", "year", "started_on", "ended_on"]
    list_filter = ["year"]
    search_fields = ["member__name"]
    list_select_related = ["member"]
    autocomplete_fields = ["member"]
    inlines = [TrainingPairingInline]


@admin.register(models.TrainingPairing)
class TrainingPairingAdmin(ScopedModelAdmin):
    """Mentors are paired through members.training.pairing_create (R-MB-11: one-to-one, two at most)."""

    add_operation = staticmethod(
        lambda request, obj: pairing_create(
            mentor=obj.mentor, rotation=obj.rotation, started_on=obj.started_on
        )
    )
    scope_field = "rotation__member__organization"
    list_display = ["mentor", "rotation", "started_on", "ended_on"]
    list_filter = [("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["mentor__name", "rotation__member__name"]
    list_select_related = ["mentor", "rotation__member"]
    autocomplete_fields = ["mentor", "rotation"]


@admin.register(models.AidHousehold)
class AidHouseholdAdmin(ScopedModelAdmin):
    add_operation = staticmethod(
        lambda request, obj: aid_household_create(
            head_name=obj.head_name, village=obj.village, difficulty=obj.difficulty, address=obj.address
        )
    )
    scope_field = None
    list_display = ["head_name", "village", "difficulty"]
    list_filter = ["village"]
    search_fields = ["head_name", "village"]


class AidVisitInline(ReadOnlyInline):  # visits through AidVisitAdmin (aid_visit_record)
    model = models.AidVisit
    extra = 0
    fields = ["visited_on", "content", "recorded_by"]
    readonly_fields = ["recorded_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


@admin.register(models.AidPairing)
class AidPairingAdmin(ScopedModelAdmin):
    """Pairings through members.aid.aid_pair, visits through aid_visit_record (R-MB-12)."""

    add_operation = staticmethod(
        lambda request, obj: aid_pair(member=obj.member, household=obj.household, started_on=obj.started_on)
    )
    scope_field = "member__organization"
    list_display = ["member", "household", "started_on", "ended_on"]
    search_fields = ["member__name", "household__head_name"]
    list_select_related = ["member", "household"]
    autocomplete_fields = ["member", "household"]
    inlines = [AidVisitInline]


@admin.register(models.AidVisit)
class AidVisitAdmin(ScopedModelAdmin):
    add_operation = staticmethod(
        lambda request, obj: aid_visit_record(
            pairing=obj.pairing, visited_on=obj.visited_on, content=obj.content, recorded_by=request.user
        )
    )
    scope_field = "pairing__member__organization"
    list_display = ["pairing", "visited_on", "content"]
    search_fields = ["pairing__member__name", "pairing__household__head_name"]
    list_select_related = ["pairing__member", "pairing__household"]
    autocomplete_fields = ["pairing"]
    date_hierarchy = "visited_on"
