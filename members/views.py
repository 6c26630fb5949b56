"""Staff pages for members, meetings, dues, floating members and relation transfers.

Thin views: scope through core.access (another branch's record is a 404), writes through the operations in
members.meetings / members.transfers run by core.operations.run_form, POST then redirect, refusals on the form.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from core.access import (
    Role,
    get_object_for_user,
    roles_of,
    scope_queryset,
    scoped_organization_ids,
    sees_full_id_numbers,
    staff_required,
)
from core.attachments import member_file
from core.audit import id_numbers_for_display, log_id_number_views, phone_for_display
from core.dates import local_today
from core.jobs import origin, start
from core.links import url_per_pk
from core.models import Organization
from core.operations import run_form
from core.registry import timeline_for
from members import dashboard
from members.dues import dues_summary
from members.floating import (
    certificate_issue,
    certificate_revoke,
    floating_log_contact,
    floating_register,
    floating_return,
    is_contact_stale,
    is_lost_contact,
)
from members.forms import (
    AttendanceForm,
    CertificateIssueForm,
    CertificateRevokeForm,
    DisciplineForm,
    FloatingContactForm,
    FloatingRegisterForm,
    FloatingReturnForm,
    ImportUploadForm,
    MeetingForm,
    MemberSearchForm,
    RestoreRightsForm,
    StatusChangeForm,
    TransferAcceptForm,
    TransferCancelForm,
    TransferStartForm,
)
from members.importing import export_members, import_file, may_import
from members.meetings import attendee_basis, expected_attendees, meeting_create, record_attendance
from members.models import Discipline, FloatingCertificate, FloatingMember, Meeting, Member, RelationTransfer
from members.search import search_members
from members.status import change_status, discipline_record, discipline_restore_rights
from members.timeline import prefetch_member_records
from members.transfers import overdue_letters, transfer_accept, transfer_cancel, transfer_start

PAGE_SIZE = 25
TIMELINE_LIMIT = 50  # events on the member page before "更多"
RECEIPTS_SHOWN = 12  # the member's latest dues receipts on the member page
# Party discipline is decided by the town committee / discipline commission, not by the branch: only the
# administrator and the center clerk record it or restore rights. A branch secretary must not be able to
# lift a 留党察看 in their own branch, which would give a member back the vote there (R-MB-02, R-RC-14).
DISCIPLINE_ROLES = {Role.ADMIN, Role.CLERK}
MEMBER_FILTERS = {
    "arrears": ("欠交党费", lambda user: dashboard.in_arrears(user).values("pk")),
    "six_months": ("连续六个月未交党费", lambda user: dashboard.six_months_unpaid(user).values("pk")),
    "stale": ("流动党员长期未联系", lambda user: dashboard.stale_floating(user).values("member_id")),
    "lost": ("流动党员失联", lambda user: dashboard.lost_floating(user).values("member_id")),
}


def _members(user):
    return scope_queryset(Member.objects.select_related("organization"), user)


def _organizations(user):
    return scope_queryset(Organization.objects.filter(is_active=True), user, "pk")


def _branches(user):
    return _organizations(user).filter(kind__in=[Organization.Kind.BRANCH, Organization.Kind.GENERAL_BRANCH])


def _meetings(user):
    return scope_queryset(Meeting.objects.select_related("organization"), user)


def _transfers(user):
    """A transfer belongs to both sides: the branch it leaves and the branch it goes to."""
    ids = scoped_organization_ids(user)
    transfers = RelationTransfer.objects.select_related("member", "from_organization", "to_organization")
    if ids is None:
        return transfers
    return transfers.filter(Q(from_organization__in=ids) | Q(to_organization__in=ids))


def _get_member_for_user(user, pk: int) -> Member:
    return get_object_for_user(Member.objects.select_related("organization", "party_group"), user, pk=pk)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _search(request):
    return search_for(request.user, request.GET)


def search_for(user, query):
    """The member list's search (``query``: the list's query string) in ``user``'s scope — the list, its
    export and the export job (members.tasks) all call it."""
    form = MemberSearchForm(query or None, organizations=_branches(user))
    members = _members(user)
    if form.is_valid():
        # Roles that see ID numbers and phones masked search names only: digits would rebuild them (R-MB-04).
        members = search_members(members, form.cleaned_data["q"], numbers=sees_full_id_numbers(user))
        if form.cleaned_data["organization"]:
            members = members.filter(organization_id=form.cleaned_data["organization"])
    active_filter = MEMBER_FILTERS.get(query.get("filter", ""))
    if active_filter:
        members = members.filter(pk__in=active_filter[1](user))
    return form, members.order_by("organization__sort_order", "name", "pk"), active_filter


# Members ------------------------------------------------------------------------------------------------


@staff_required
def member_list(request):
    """Search by part of a name, pinyin initials (zs → 张三), ID number or phone; scoped; paginated."""
    form, members, active_filter = _search(request)
    page = _page(request, members)  # counted without the columns' join
    return render(
        request,
        "members/member_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": _list_rows(request, page.object_list.values_list(*_LIST_COLUMNS, named=True)),
            "filter_label": active_filter[0] if active_filter else "",
            "may_import": may_import(request.user, "members"),
        },
    )


# The member list's columns, read without building a model per row (issue 21).
_LIST_COLUMNS = ("pk", "name", "gender", "id_number", "organization__name", "status", "phone")
_GENDERS, _STATUSES = dict(Member.Gender.choices), dict(Member.Status.choices)


def _list_rows(request, members) -> list[dict]:
    """The list's rows as flat cells (each one dictionary lookup in the template), the links from one reverse
    and the ID numbers shown in full logged in one INSERT (R-MB-04): a row costs what its text does."""
    members = list(members)
    user = request.user
    numbers = id_numbers_for_display(
        user=user, model=Member, people=[(m.pk, m.id_number) for m in members], request=request
    )
    detail_url = url_per_pk("members:detail")
    return [
        {
            "url": detail_url(m.pk),
            "name": m.name,
            "gender": _GENDERS.get(m.gender, m.gender),
            "id_number": id_number,
            "organization": m.organization__name,
            "status": _STATUSES.get(m.status, m.status),
            "badge": "badge-ok" if Member.is_active_status(m.status) else "badge-muted",
            "phone": phone_for_display(user=user, number=m.phone),
        }
        for m, id_number in zip(members, numbers, strict=True)
    ]


@staff_required(write=True)
def member_import(request):
    """导入党员 / 党组织: a small file is checked and imported here (all or nothing, every bad row listed); a
    file of more than JOB_ROWS_THRESHOLD rows is imported by a background job whose page shows the bar."""
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        kind, fmt = form.cleaned_data["kind"], form.file_format
        if not may_import(request.user, kind):
            raise PermissionDenied("您没有导入该类数据的权限。")
        if form.rows > settings.JOB_ROWS_THRESHOLD:
            from members.tasks import start_import

            run = start_import(
                user=request.user, kind=kind, data=form.data_bytes, file_format=fmt, rows=form.rows
            )
            return redirect("core:my_job", run.pk)
        result = import_file(kind=kind, file=form.data_bytes, file_format=fmt, user=request.user)
        if result.ok:
            messages.success(request, result.summary)
            return redirect("members:import")
    return render(
        request,
        "members/import.html",
        {"form": form, "result": result, "threshold": settings.JOB_ROWS_THRESHOLD},
    )


@staff_required
def member_export(request):
    """The searched, scoped member list as XLSX; ID numbers and phones masked for roles that need it.

    Posted by the list's 导出Excel button (the search in its query string): a big list queues a job, so a GET
    (an old link, a crawler) only goes back to the list with the same search — a GET changes nothing."""
    if request.method != "POST":
        query = request.GET.urlencode()
        return redirect(reverse("members:list") + (f"?{query}" if query else ""))
    members = _search(request)[1]
    if members.count() > settings.JOB_ROWS_THRESHOLD:  # a big list is written by a job: 我的任务 has the file
        from members.tasks import export_members_job

        run = start(
            export_members_job, user=request.user, query=request.GET.urlencode(), asked_from=origin(request)
        )
        return redirect("core:my_job", run.pk)
    content = export_members(queryset=members, file_format="xlsx", user=request.user)
    if sees_full_id_numbers(request.user):  # full ID numbers in the file: one log row per exported member
        log_id_number_views(
            user=request.user, model=Member, ids=members.values_list("pk", flat=True), request=request
        )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename=members-{local_today():%Y%m%d}.xlsx"
    return response


@staff_required
def member_detail(request, pk: int):
    """The member's record and, newest first, the last TIMELINE_LIMIT events of every app (all with ?timeline=all)."""
    member = _get_member_for_user(request.user, pk)
    prefetch_member_records(member)  # transfers and disciplines, shared with the timeline
    floating = FloatingMember.objects.filter(member=member).first()
    transfers = list(member.transfers.all())
    for transfer in transfers:
        transfer.can_cancel = _is_issuing_side(request.user, transfer)
    timeline = timeline_for(member, request.user)
    show_all = request.GET.get("timeline") == "all"
    context = {
        "member": member,
        "floating": floating,
        "certificates": floating.certificates.all() if floating else [],
        "transfers": transfers,
        "disciplines": member.disciplines.all(),
        "can_discipline": bool(roles_of(request.user) & DISCIPLINE_ROLES),
        "timeline": timeline if show_all else timeline[:TIMELINE_LIMIT],
        "timeline_total": len(timeline),
        "pending_transfer": next((t for t in transfers if t.state == RelationTransfer.State.PENDING), None),
        "party_age": member.party_age(),
        # R-MB-07, R-MB-13 … R-MB-15: from members.dues' homes, as the lists decide
        "dues": dues_summary(member, local_today()),
        "receipts": member.dues_receipts.order_by("-paid_on", "-sequence")[:RECEIPTS_SHOWN],
        "lapse_handlings": member.dues_lapse_handlings.all()[:5],
        # R-MB-06: as the 工作台 and the member list's filters decide (members.floating)
        "floating_lost": bool(floating) and is_lost_contact(floating, local_today()),
        "floating_stale": bool(floating) and is_contact_stale(floating, local_today()),
        "today": local_today(),
        "file": member_file(member),
    }
    return render(request, "members/member_detail.html", context)


@staff_required(write=True)
def floating_contact_create(request, pk: int):
    member = _get_member_for_user(request.user, pk)
    floating = FloatingMember.objects.filter(member=member).first()
    if floating is None:
        raise Http404("该党员不是流动党员。")
    form = FloatingContactForm(request.POST or None, initial={"contacted_on": local_today()})
    done = run_form(
        request,
        form,
        lambda data: floating_log_contact(floating=floating, recorded_by=request.user, **data),
        success=f"已记录与{member.name}的联系。",
    )
    if done is not None:
        return redirect("members:detail", pk=member.pk)
    return render(
        request, "members/floating_contact_form.html", {"member": member, "floating": floating, "form": form}
    )


# Relation transfers (R-MB-05) ---------------------------------------------------------------------------


@staff_required(write=True)
def transfer_create(request, pk: int):
    member = _get_member_for_user(request.user, pk)
    form = TransferStartForm(request.POST or None)
    transfer = run_form(
        request,
        form,
        lambda data: transfer_start(member=member, created_by=request.user, **data),
        success=lambda transfer: f"已开具介绍信{transfer.letter_number}，待接收方确认。",
    )
    if transfer is not None:
        return redirect("members:detail", pk=member.pk)
    return render(request, "members/transfer_form.html", {"member": member, "form": form})


@staff_required
def transfer_list(request):
    transfers = _transfers(request.user)
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        transfers = transfers.filter(pk__in=overdue_letters().values("pk"))
    elif request.GET.get("state") in RelationTransfer.State.values:
        transfers = transfers.filter(state=request.GET["state"])
    page = _page(request, transfers)
    for transfer in page:
        transfer.can_accept = _is_receiving_side(request.user, transfer)
        transfer.can_cancel = _is_issuing_side(request.user, transfer)
    return render(
        request,
        "members/transfer_list.html",
        {"page_obj": page, "overdue": overdue, "today": local_today()},
    )


@staff_required(write=True)
def transfer_accept_view(request, pk: int):
    transfer = _get_transfer_for_user(request.user, pk)
    if not _is_receiving_side(request.user, transfer):
        raise Http404("只有接收方可以确认接收。")
    form = TransferAcceptForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda data: transfer_accept(transfer=transfer, accepted_by=request.user, **data),
        success=f"介绍信{transfer.letter_number}已接收，{transfer.member.name}的组织关系已转接。",
    )
    if done is not None:
        return redirect("members:transfers")
    return render(
        request, "members/transfer_accept.html", {"transfer": transfer, "form": form, "today": local_today()}
    )


def _in_scope(user, organization_id: int | None) -> bool:
    ids = scoped_organization_ids(user)
    return ids is None or organization_id in ids


def _is_receiving_side(user, transfer: RelationTransfer) -> bool:
    """Only the receiving side accepts a letter (R-MB-05); a letter out of town is confirmed by its issuer."""
    if transfer.state != RelationTransfer.State.PENDING:
        return False
    return _in_scope(user, transfer.to_organization_id or transfer.from_organization_id)


def _is_issuing_side(user, transfer: RelationTransfer) -> bool:
    """Only the side that issued a letter cancels it: the sending branch, or for a transfer into the town
    (no sending branch here) the branch that registered it."""
    if transfer.state != RelationTransfer.State.PENDING:
        return False
    return _in_scope(user, transfer.from_organization_id or transfer.to_organization_id)


@staff_required(write=True)
def transfer_cancel_view(request, pk: int):
    """R-MB-05: withdraw a pending introduction letter, with a reason; the member does not move."""
    transfer = _get_transfer_for_user(request.user, pk)
    if not _is_issuing_side(request.user, transfer):
        raise Http404("只有开具方可以撤销待接收的介绍信。")
    form = TransferCancelForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda data: transfer_cancel(transfer=transfer, cancelled_by=request.user, **data),
        success=f"介绍信{transfer.letter_number}已撤销。",
    )
    if done is not None:
        return redirect("members:detail", pk=transfer.member_id)
    return _action_page(
        request,
        form=form,
        member=transfer.member,
        title=f"撤销介绍信{transfer.letter_number}",
        submit="撤销介绍信",
        intro=f"接收方：{transfer.to_organization or transfer.to_unit}；有效期至{transfer.valid_until:%Y年%-m月%-d日}。"
        "撤销后编号作废，不再重复使用。",
    )


def _get_transfer_for_user(user, pk: int) -> RelationTransfer:
    try:
        return _transfers(user).get(pk=pk)
    except RelationTransfer.DoesNotExist as exc:
        raise Http404("没有找到该记录，或您无权查看。") from exc


# Meetings (R-MB-08) -------------------------------------------------------------------------------------


@staff_required
def meeting_list(request):
    meetings = (
        _meetings(request.user)
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
            absent=Count("attendance", filter=Q(attendance__present=False)),
        )
        .order_by("-held_on", "-pk")
    )
    organization = None
    if request.GET.get("organization", "").isdigit():
        organization = _organizations(request.user).filter(pk=int(request.GET["organization"])).first()
        if organization is not None:
            meetings = meetings.filter(organization=organization)
    return render(
        request,
        "members/meeting_list.html",
        {"page_obj": _page(request, meetings), "organization": organization},
    )


@staff_required(write=True)
def meeting_create_view(request):
    form = MeetingForm(
        request.POST or None,
        organizations=_organizations(request.user).exclude(kind=Organization.Kind.TOWN_COMMITTEE),
        preferred=getattr(getattr(request.user, "staff_profile", None), "organization", None),
    )
    meeting = run_form(
        request,
        form,
        lambda data: meeting_create(recorded_by=request.user, **data),
        success="会议已登记，请勾选出席党员并保存出勤名单。",
    )
    if meeting is not None:
        return redirect("members:meeting", pk=meeting.pk)
    return render(request, "members/meeting_form.html", {"form": form})


@staff_required(write=True)
def meeting_detail(request, pk: int):
    """The meeting and its attendance roll: GET shows the tick boxes, POST records the roll."""
    meeting = get_object_for_user(Meeting.objects.select_related("organization"), request.user, pk=pk)
    roll = {a.member_id: a for a in meeting.attendance.select_related("member")}
    expected = list(expected_attendees(meeting).order_by("name"))
    members = expected + [a.member for a in roll.values() if a.member not in expected]
    initial = {"present": [str(m.pk) for m in members if roll.get(m.pk) is None or roll[m.pk].present]}
    reasons = {pk: a.absence_reason for pk, a in roll.items()}
    form = AttendanceForm(request.POST or None, members=members, initial=initial, reasons=reasons)
    roll_call = run_form(
        request,
        form,
        lambda data: record_attendance(
            meeting=meeting,
            present_ids=form.present_ids(),
            absence_reasons=form.absence_reasons(),
            recorded_by=request.user,
        ),
        success=lambda roll_call: _attendance_saved(len(form.present_ids()), len(members)),
    )
    if roll_call is not None:
        return redirect("members:meeting", pk=meeting.pk)
    return render(
        request,
        "members/meeting_detail.html",
        {
            "meeting": meeting,
            "form": form,
            "roll": roll,
            "recorded": bool(roll),
            "roll_basis": attendee_basis(meeting)[0],
            "empty_roll": attendee_basis(meeting)[1],
        },
    )


def _attendance_saved(present: int, total: int) -> str:
    return f"出勤名单已保存：出席{present}人，缺席{total - present}人。"


# Organisations ------------------------------------------------------------------------------------------


@staff_required
def organization_list(request):
    organizations = (
        _organizations(request.user)
        .annotate(active_members=Count("members", filter=Q(members__status__in=Member.ACTIVE_STATUSES)))
        .order_by("sort_order", "code")
    )
    missing = request.GET.get("missing")
    if missing in Meeting.Kind.values:
        organizations = organizations.filter(pk__in=dashboard.branches_missing(request.user, missing))
    else:
        missing = None
    return render(
        request,
        "members/organization_list.html",
        {
            "page_obj": _page(request, organizations),
            "missing": missing,
            "missing_label": Meeting.Kind(missing).label if missing else "",
        },
    )


@staff_required
def organization_detail(request, pk: int):
    organization = get_object_for_user(Organization.objects.all(), request.user, "pk", pk=pk)
    members = organization.members.filter(status__in=Member.ACTIVE_STATUSES).order_by("name")
    return render(
        request,
        "members/organization_detail.html",
        {
            "organization": organization,
            "page_obj": _page(request, members),
            "meetings": organization.meetings.all()[:10],
        },
    )


# Floating members and their certificates (R-MB-06) ----------------------------------------------------


def _action_page(request, *, form, member: Member, title: str, submit: str, intro: str = "", danger=False):
    """One page for every small member operation: the form, its errors next to the fields, back to the member."""
    return render(
        request,
        "members/action_form.html",
        {"form": form, "member": member, "title": title, "submit": submit, "intro": intro, "danger": danger},
    )


def _active_floating(member: Member) -> FloatingMember:
    floating = FloatingMember.objects.filter(member=member, returned_on__isnull=True).first()
    if floating is None:
        raise Http404("该党员当前不是流动党员。")
    return floating


@staff_required(write=True)
def floating_register_view(request, pk: int):
    member = _get_member_for_user(request.user, pk)
    form = FloatingRegisterForm(request.POST or None, member=member)
    done = run_form(
        request,
        form,
        lambda data: floating_register(member=member, recorded_by=request.user, **data),
        success=f"已将{member.name}登记为流动党员。",
    )
    if done is not None:
        return redirect("members:detail", pk=member.pk)
    return _action_page(request, form=form, member=member, title="登记流动党员", submit="登记")


@staff_required(write=True)
def floating_return_view(request, pk: int):
    member = _get_member_for_user(request.user, pk)
    floating = _active_floating(member)
    form = FloatingReturnForm(request.POST or None, floating=floating)
    done = run_form(
        request,
        form,
        lambda data: floating_return(floating=floating, recorded_by=request.user, **data),
        success=f"已登记{member.name}返回，未收回的活动证已一并收回。",
    )
    if done is not None:
        return redirect("members:detail", pk=member.pk)
    return _action_page(
        request,
        form=form,
        member=member,
        title="登记流动党员返回",
        submit="登记返回",
        intro="登记返回后，该党员持有的流动党员活动证将一并收回。",
    )


@staff_required(write=True)
def certificate_issue_view(request, pk: int):
    member = _get_member_for_user(request.user, pk)
    floating = _active_floating(member)
    form = CertificateIssueForm(request.POST or None)
    certificate = run_form(
        request,
        form,
        lambda data: certificate_issue(floating=floating, issued_by=request.user, **data),
        success=lambda certificate: f"已发放流动党员活动证{certificate.number}。",
    )
    if certificate is not None:
        return redirect("members:detail", pk=member.pk)
    return _action_page(request, form=form, member=member, title="发放流动党员活动证", submit="发放")


@staff_required(write=True)
def certificate_revoke_view(request, pk: int):
    certificate = get_object_for_user(
        FloatingCertificate.objects.select_related("floating__member__organization"),
        request.user,
        "floating__member__organization",
        pk=pk,
    )
    member = certificate.floating.member
    if certificate.revoked_on is not None:
        raise Http404("该活动证已收回。")
    form = CertificateRevokeForm(request.POST or None, certificate=certificate)
    done = run_form(
        request,
        form,
        lambda data: certificate_revoke(certificate=certificate, revoked_by=request.user, **data),
        success=f"活动证{certificate.number}已收回。",
    )
    if done is not None:
        return redirect("members:detail", pk=member.pk)
    return _action_page(
        request,
        form=form,
        member=member,
        title=f"收回流动党员活动证{certificate.number}",
        submit="收回",
        intro="收回后证件编号作废，不再重复使用。",
        danger=True,
    )


# Discipline and status (R-MB-02) ------------------------------------------------------------------------


@staff_required(roles=DISCIPLINE_ROLES, write=True)
def discipline_create(request, pk: int):
    member = _get_member_for_user(request.user, pk)
    form = DisciplineForm(request.POST or None)
    discipline = run_form(
        request,
        form,
        lambda data: discipline_record(member=member, recorded_by=request.user, **data),
        success=lambda discipline: f"已记录{member.name}的党纪处分：{discipline.get_kind_display()}。",
    )
    if discipline is not None:
        return redirect("members:detail", pk=member.pk)
    return _action_page(
        request,
        form=form,
        member=member,
        title="记录党纪处分",
        submit="记录处分",
        intro="记录党组织已作出的处分决定。留党察看期间不得表决、选举、被选举或作入党介绍人；开除党籍同时终止党籍。",
        danger=True,
    )


@staff_required(roles=DISCIPLINE_ROLES, write=True)
def discipline_restore_view(request, pk: int):
    discipline = get_object_for_user(
        Discipline.objects.select_related("member__organization"), request.user, "member__organization", pk=pk
    )
    if discipline.kind != Discipline.Kind.PROBATION or discipline.rights_restored_on is not None:
        raise Http404("该处分无需恢复党员权利。")
    form = RestoreRightsForm(request.POST or None, discipline=discipline)
    done = run_form(
        request,
        form,
        lambda data: discipline_restore_rights(discipline=discipline, recorded_by=request.user, **data),
        success=f"{discipline.member.name}的党员权利已恢复。",
    )
    if done is not None:
        return redirect("members:detail", pk=discipline.member_id)
    return _action_page(
        request,
        form=form,
        member=discipline.member,
        title="恢复党员权利",
        submit="恢复权利",
        intro=f"{discipline.decided_by}于{discipline.decided_on:%Y年%-m月%-d日}给予留党察看处分。",
    )


@staff_required(write=True)
def status_change_view(request, pk: int):
    member = _get_member_for_user(request.user, pk)
    form = StatusChangeForm(request.POST or None, initial={"effective_on": local_today()})
    event = run_form(
        request,
        form,
        lambda data: change_status(member=member, recorded_by=request.user, **data),
        success=lambda event: f"已记录{member.name}的状态变动：{event.get_to_state_display()}。",
    )
    if event is not None:
        return redirect("members:detail", pk=member.pk)
    return _action_page(
        request,
        form=form,
        member=member,
        title="记录党员状态变动",
        submit="记录变动",
        intro="开除党籍请通过“记录党纪处分”登记；转出请通过“转接组织关系”办理。",
        danger=True,
    )
