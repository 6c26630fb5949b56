"""Members' jobs: flag floating members who lost contact (R-MB-06), count overdue letters (R-MB-05) — the
nightly round — and the big imports and exports started from a page."""

from datetime import datetime

from django.urls import reverse

from core.dates import local_today
from core.exceptions import DomainError
from core.jobs import (
    USER_RETRY,
    Outcome,
    job,
    keep_upload,
    origin_request,
    progress,
    read_upload_kept,
    requester,
    scheduled,
    start,
    still_allowed,
)
from members.floating import mark_lost_contact
from members.transfers import overdue_letters


@scheduled("members.mark_lost_contact", "标记失联流动党员", cron="10 0 * * *", schedule="每天0:10")
def lost_contact(on: datetime) -> str:
    marked = mark_lost_contact(on=max(on.date(), local_today()))
    return f"新标记失联流动党员{marked}名。" if marked else "没有新失联的流动党员。"


@scheduled("members.overdue_letters", "清点逾期介绍信", cron="15 0 * * *", schedule="每天0:15")
def letters(on: datetime) -> str:
    count = overdue_letters(max(on.date(), local_today())).count()
    return (
        f"有{count}封组织关系介绍信已过有效期仍未接收，请在工作台查看。"
        if count
        else "没有逾期未接收的介绍信。"
    )


# --- Long work started from a page (core.jobs.start): imports and exports of many rows ---------------------


@job("members.import_file", "批量导入", retry=USER_RETRY)
def import_file_job(kind: str, upload: str, file_format: str) -> Outcome:
    """A big import (more than JOB_ROWS_THRESHOLD rows) from the staff page or the admin: the same
    members.importing.import_file a small one runs in the request — all or nothing, every bad row listed."""
    from members.importing import IMPORT_KINDS, import_file, may_import

    user = requester()
    if not may_import(user, kind):
        raise DomainError(f"您已没有导入{IMPORT_KINDS.get(kind, '')}的权限，任务未执行。")
    result = import_file(kind=kind, file=read_upload_kept(upload), file_format=file_format, user=user)
    counts = {"created": result.created, "updated": result.updated, "skipped": result.skipped}
    where = (
        (reverse("members:list"), "查看党员名册")
        if kind == "members"
        else (reverse("members:organizations"), "查看党组织")
    )
    return Outcome(
        summary=result.summary,
        details={"errors": result.errors, **counts, "next_url": where[0], "next_label": where[1]},
    )


def start_import(*, user, kind: str, data: bytes, file_format: str, rows: int):
    """Queue the import of ``data`` (already read and checked by core.spreadsheets.read_upload) for ``user``
    (who passed members.importing.may_import); the run the page follows."""
    from members.importing import IMPORT_KINDS

    kept = keep_upload(data, file_format)
    return start(
        import_file_job,
        user=user,
        label=f"导入{IMPORT_KINDS[kind]}（{rows}行）",
        total=rows,
        kind=kind,
        upload=kept,
        file_format=file_format,
    )


@job("members.export_members", "导出党员名册", retry=USER_RETRY)
def export_members_job(query: str, asked_from: dict[str, str] | None = None) -> Outcome:
    """A big member export: the staff list's search (``query``, its query string) in the user's scope, as
    the member_export view writes it (members.importing.export_members, ID numbers logged or masked)."""
    from django.http import QueryDict

    from core.access import roles_of, sees_full_id_numbers
    from core.audit import log_id_number_views
    from members.importing import export_members
    from members.models import Member
    from members.views import search_for

    user = requester()
    if not roles_of(user):
        raise DomainError("您已没有查看党员名册的权限，任务未执行。")
    members = search_for(user, QueryDict(query))[1]  # the scope as it is now, not as it was
    total = members.count()
    progress(0, total, "生成文件")
    content = export_members(queryset=members, file_format="xlsx", user=user)
    if sees_full_id_numbers(user):
        log_id_number_views(
            user=user,
            model=Member,
            ids=members.values_list("pk", flat=True),
            request=origin_request(user, asked_from),
        )
    return Outcome(
        summary=f"已导出党员{total}名。",
        file_name=f"members-{local_today():%Y%m%d}.xlsx",
        content=content,
    )


@job("members.archive_pdf", "生成党员档案", retry=USER_RETRY)
def member_archive_job(member_id: int, asked_from: dict[str, str] | None = None) -> Outcome:
    """R-RC-23: the member's whole file (members.documents.member_archive_pdf, as the print view), for a user
    who may still see the member; the full ID number on it is logged for roles that see it (R-MB-04)."""
    from core.access import get_object_for_user, sees_full_id_numbers
    from core.audit import log_id_number_view
    from members import documents
    from members.models import Member

    user = requester()
    with still_allowed("该党员的档案"):
        member = get_object_for_user(Member.objects.all(), user, pk=member_id)
    progress(0, None, "排版档案")
    pdf = documents.member_archive_pdf(member, user)
    if sees_full_id_numbers(user):
        log_id_number_view(user=user, person=member, request=origin_request(user, asked_from))
    return Outcome(
        summary=f"{member.name}的档案已生成。", file_name=documents.member_archive_name(member), content=pdf
    )


@job("members.admin_export", "后台导出", retry=USER_RETRY)
def admin_export_job(model: str, query: str, form: str, meta: dict) -> Outcome:
    """A big export from the admin: the admin's own export (the model admin's get_export_queryset — its
    filters and the user's scope — and get_export_data — masking, ID-number log), asked again as the user who
    queued it, with the filters and the form they sent (``query``, ``form``) and their address (``meta``)."""
    from django.apps import apps
    from django.contrib import admin
    from django.forms import MultipleChoiceField, MultipleHiddenInput
    from django.http import HttpRequest, QueryDict

    user = requester()
    model_admin = admin.site._registry[apps.get_model(model)]
    request = HttpRequest()
    request.method, request.path = "POST", reverse(f"admin:{model.replace('.', '_')}_export")
    request.GET, request.POST, request.user = QueryDict(query), QueryDict(form), user
    request.META.update(meta)
    if not model_admin.has_export_permission(request):
        raise DomainError(f"您已没有导出{model_admin.opts.verbose_name}的权限，任务未执行。")
    formats = model_admin.get_export_formats()
    export_form = model_admin.get_export_form_class()(
        formats, model_admin.get_export_resource_classes(request), data=request.POST
    )
    if "export_items" in request.POST:  # the export of the rows chosen in the list
        export_form.fields["export_items"] = MultipleChoiceField(
            widget=MultipleHiddenInput,
            required=False,
            choices=[(v, v) for v in request.POST.getlist("export_items")],
        )
    if not export_form.is_valid():
        raise DomainError("导出条件不正确，请重新选择后导出。")
    queryset = model_admin.get_export_queryset(request)
    if "export_items" in request.POST:
        queryset = queryset.filter(pk__in=export_form.cleaned_data["export_items"])
    file_format = formats[int(export_form.cleaned_data["format"])]()
    progress(0, None, "生成文件")
    content = model_admin.get_export_data(
        file_format, request, queryset, encoding=model_admin.to_encoding, export_form=export_form
    )
    return Outcome(
        summary=f"已导出{model_admin.opts.verbose_name}{queryset.count()}条。",
        file_name=model_admin.get_export_filename(request, queryset, file_format),
        content=content if isinstance(content, bytes) else content.encode(),
    )
