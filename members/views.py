"""Staff pages for members, meetings, dues, floating members and relation transfers.

Thin views: scope through core.access (another branch's record is a 404), writes through the operations in
members.meetings / members.transfers, POST then redirect, domain errors shown next to the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from core.access import get_object_for_user, scope_queryset, scoped_organization_ids, staff_required
from core.dates import local_today
from core.exceptions import DomainError
from core.registry import timeline_for
from members import dashboard
from members.dues import dues_record
from members.floating import floating_log_contact
from members.forms import (
    AttendanceForm,
    DuesForm,
    FloatingContactForm,
    MeetingForm,
    MemberSearchForm,
    TransferAcceptForm,
    TransferStartForm,
)
from members.importing import export_members
from members.meetings import expected_attendees, meeting_create, record_attendance
from members.models import (
    FloatingMember,
    Meeting,
    Member,
    Organization,
    RelationTransfer,
)
from members.transfers import overdue_letters, transfer_accept, transfer_start

PAGE_SIZE = 25
MEMBER_FILTERS = {
    "arrears": ("欠交党费", lambda user: dashboard.in_arrears(user).values("pk")),
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


def _show_domain_error(form, error: DomainError) -> None:
    for problem in error.problems:
        form.add_error(None, problem)


def _search(request):
    form = MemberSearchForm(request.GET or None, organizations=_branches(request.user))
    members = _members(request.user)
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            members = members.filter(
                Q(name__icontains=q)
                | Q(name_initials__startswith=q.lower())
                | Q(id_number__icontains=q.upper())
                | Q(phone__contains=q)
            )
        if form.cleaned_data["organization"]:
            members = members.filter(organization=form.cleaned_data["organization"])
    active_filter = MEMBER_FILTERS.get(request.GET.get("filter", ""))
    if active_filter:
        members = members.filter(pk__in=active_filter[1](request.user))
    return form, members.order_by("organization__sort_order", "name", "pk"), active_filter


# Members ------------------------------------------------------------------------------------------------


@staff_required
def member_list(request):
    """Search by part of a name, pinyin initials (zs → 张三), ID number or phone; scoped; paginated."""
    form, members, active_filter = _search(request)
    page = _page(request, members)
    return render(
        request,
        "members/member_list.html",
        {"form": form, "page_obj": page, "filter_label": active_filter[0] if active_filter else ""},
    )


@staff_required
def member_export(request):
    """The searched, scoped member list as XLSX; ID numbers and phones masked for roles that need it."""
    members = _search(request)[1]
    content = export_members(queryset=members, file_format="xlsx", user=request.user)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename=members-{local_today():%Y%m%d}.xlsx"
    return response


@staff_required
def member_detail(request, pk: int):
    member = _get_member_for_user(request.user, pk)
    floating = FloatingMember.objects.filter(member=member).first()
    context = {
        "member": member,
        "floating": floating,
        "timeline": timeline_for(member, request.user),
        "pending_transfer": member.transfers.filter(state=RelationTransfer.State.PENDING).first(),
        "party_age": member.party_age(),
        "today": local_today(),
    }
    return render(request, "members/member_detail.html", context)


@staff_required(write=True)
def dues_create(request, pk: int):
    member = _get_member_for_user(request.user, pk)
    form = DuesForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            dues_record(member=member, recorded_by=request.user, **form.cleaned_data)
        except DomainError as error:
            _show_domain_error(form, error)
        else:
            messages.success(request, f"已登记{member.name}{form.cleaned_data['month']:%Y年%-m月}的党费。")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/dues_form.html", {"member": member, "form": form})


@staff_required(write=True)
def floating_contact_create(request, pk: int):
    member = _get_member_for_user(request.user, pk)
    floating = FloatingMember.objects.filter(member=member).first()
    if floating is None:
        raise Http404("该党员不是流动党员。")
    form = FloatingContactForm(request.POST or None, initial={"contacted_on": local_today()})
    if request.method == "POST" and form.is_valid():
        try:
            floating_log_contact(floating=floating, recorded_by=request.user, **form.cleaned_data)
        except DomainError as error:
            _show_domain_error(form, error)
        else:
            messages.success(request, f"已记录与{member.name}的联系。")
            return redirect("members:detail", pk=member.pk)
    return render(
        request, "members/floating_contact_form.html", {"member": member, "floating": floating, "form": form}
    )


# Relation transfers (R-MB-05) ---------------------------------------------------------------------------


@staff_required(write=True)
def transfer_create(request, pk: int):
    member = _get_member_for_user(request.user, pk)
    form = TransferStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = transfer_start(member=member, created_by=request.user, **form.cleaned_data)
        except DomainError as error:
            _show_domain_error(form, error)
        else:
            messages.success(request, f"已开具介绍信{transfer.letter_number}，待接收方确认。")
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
    return render(
        request,
        "members/transfer_list.html",
        {"page_obj": _page(request, transfers), "overdue": overdue, "today": local_today()},
    )


@staff_required(write=True)
def transfer_accept_view(request, pk: int):
    transfer = _get_transfer_for_user(request.user, pk)
    ids = scoped_organization_ids(request.user)
    receiving = transfer.to_organization_id if transfer.to_organization_id else transfer.from_organization_id
    if ids is not None and receiving not in ids:
        raise Http404("只有接收方可以确认接收。")
    form = TransferAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfer_accept(transfer=transfer, accepted_by=request.user, **form.cleaned_data)
        except DomainError as error:
            _show_domain_error(form, error)
        else:
            messages.success(
                request, f"介绍信{transfer.letter_number}已接收，{transfer.member.name}的组织关系已转接。"
            )
            return redirect("members:transfers")
    return render(
        request, "members/transfer_accept.html", {"transfer": transfer, "form": form, "today": local_today()}
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
    return render(request, "members/meeting_list.html", {"page_obj": _page(request, meetings)})


@staff_required(write=True)
def meeting_create_view(request):
    form = MeetingForm(
        request.POST or None,
        organizations=_organizations(request.user).exclude(kind=Organization.Kind.TOWN_COMMITTEE),
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(recorded_by=request.user, **form.cleaned_data)
        except DomainError as error:
            _show_domain_error(form, error)
        else:
            messages.success(request, "会议已登记，请勾选出席党员并保存出勤名单。")
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
    form = AttendanceForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_attendance(meeting=meeting, present_ids=form.present_ids(), recorded_by=request.user)
        except DomainError as error:
            _show_domain_error(form, error)
        else:
            present = len(form.present_ids())
            messages.success(request, f"出勤名单已保存：出席{present}人，缺席{len(members) - present}人。")
            return redirect("members:meeting", pk=meeting.pk)
    return render(
        request,
        "members/meeting_detail.html",
        {"meeting": meeting, "form": form, "roll": roll, "recorded": bool(roll)},
    )


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
