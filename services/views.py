"""Service-desk pages. Staff pages: administrators and clerks write, auditors read (services.access); branch
secretaries have no access. Public pages (catalog, completion board, progress lookup) need no login."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core import rate_limits
from core.access import Role, can_write, is_admin, staff_required
from core.dates import local_today
from core.exports import write_csv
from core.jobs import start
from core.login_throttle import client_ip
from core.operations import flash_form_errors, run_form
from core.paginator import KnownCountPaginator
from core.people import person_name
from core.task_views import job_start_page
from core.text import normalize_code
from services import accountability, contact, desk, forms, lifecycle, lookup, statistics
from services.access import DESK_ROLES
from services.deadlines import due_soon_limit
from services.materials import notice_ticks
from services.models import (
    OPEN_STATES,
    AccountabilityCase,
    Appointment,
    Complaint,
    Matter,
    OpenMatterTally,
    Service,
    YearArchive,
    due_soon_condition,
    held_by_condition,
    overdue_condition,
)

desk_reader = staff_required(roles=DESK_ROLES)
QUEUE_PAGE_SIZE = 50
desk_writer = staff_required(roles=DESK_ROLES, write=True)


def _get_matter(request, pk: int) -> Matter:
    # Matters are not scoped by organisation: every desk role sees every matter (services.access).
    return get_object_or_404(Matter.objects.select_related("service", "first_contact", "handler"), pk=pk)


# --- queue and intake -----------------------------------------------------------------------------------


@desk_reader
def queue(request):
    """The desk queue: mine / my window / all, open matters by deadline; overdue red, due soon orange."""
    scope = request.GET.get("scope", "mine")
    window = None
    matters = Matter.objects.open().select_related("service", "handler", "first_contact")
    # How many: from the kept tally of open matters where its columns answer the filters (the holder and the
    # state; not the window or the deadline), instead of counting the open matters on every page (issue 21).
    kept: QuerySet | None = OpenMatterTally.objects.all()
    if scope == "mine":
        held = held_by_condition(request.user)
        matters, kept = matters.filter(held), kept.filter(held)
    elif scope == "window":
        # A user with no window has no window's matters (not a filter on an impossible window name).
        window = getattr(getattr(request.user, "staff_profile", None), "window", "") or ""
        matters = matters.filter(window=window) if window else matters.none()
        kept = None
    if request.GET.get("state") in OPEN_STATES:
        matters = matters.filter(state=request.GET["state"])
        kept = kept.filter(state=request.GET["state"]) if kept is not None else None
    now, soon = timezone.now(), due_soon_limit(local_today()).date
    # The 工作台's counters open the queue with the same predicates they count (services.dashboard).
    due = request.GET.get("due")
    if due == "overdue":
        matters = matters.filter(overdue_condition(now))
    elif due == "soon":
        matters = matters.filter(due_soon_condition(now, soon))
    else:
        due = None
    # A page at a time, by deadline (index matter_open_queue: the open matters in this order).
    ordered = matters.order_by("deadline_at", "registered_at", "pk")
    if kept is None or due is not None:
        paginator = Paginator(ordered, QUEUE_PAGE_SIZE)
    else:
        paginator = KnownCountPaginator(ordered, QUEUE_PAGE_SIZE, count=kept.matters())
    page_obj = paginator.get_page(request.GET.get("page"))
    rows = []
    for matter in page_obj:
        level = ""
        if matter.is_overdue_at(now):  # R-SV-10, as Matter.objects.overdue()
            level = "danger"
        elif matter.is_due_soon_at(now, soon):
            level = "warning"
        rows.append((matter, level, matter.overdue_working_days(now) if level == "danger" else 0))
    return render(
        request,
        "services/queue.html",
        {"rows": rows, "scope": scope, "page_obj": page_obj, "window": window, "due": due},
    )


@desk_writer
def intake(request):
    form = forms.IntakeForm(request.POST or None)
    matter = run_form(
        request,
        form,
        lambda data: _register(data, first_contact=request.user),
        success=lambda matter: f"已登记，受理编号 {matter.receipt_number}。",
    )
    if matter is not None:
        return redirect("services:matter", pk=matter.pk)
    return render(request, "services/intake.html", {"form": form})


def _register(data: dict, *, first_contact) -> Matter:
    """The intake form registers a matter, or a referral when it names the unit the person is sent to."""
    data = dict(data)
    unit = data.pop("referred_unit")
    accept = not data.pop("register_only")
    if unit:
        for unused in ("kind", "external_deadline", "proposed_handling"):
            data.pop(unused)
        return desk.matter_register_referral(unit=unit, first_contact=first_contact, **data)
    return desk.matter_register(first_contact=first_contact, accept=accept, **data)


@desk_reader
def matter_detail(request, pk: int):
    matter = _get_matter(request, pk)
    notice = getattr(matter, "supplement_notice", None)
    primary, more = _matter_buttons(matter, notice) if _may_write(request) else ([], [])
    context = {
        "matter": matter,
        "changes": matter.changes.select_related("by"),
        "handovers": matter.handovers.select_related("from_user", "to_user"),
        "notice": notice,
        "notice_ticks": notice_ticks(matter),
        "fees": matter.fees.all(),
        "case": getattr(matter, "accountability_case", None),
        "can_write": _may_write(request),
        "primary_buttons": primary,
        "more_buttons": more,
    }
    return render(request, "services/matter.html", context)


def _matter_buttons(matter: Matter, notice) -> tuple[list[dict], list[dict]]:
    """The matter page leads with the next step(s) its state allows (services.lifecycle.next_steps, from the
    table), as primary buttons; the other transitions and the recorded actions of an open matter follow behind
    a disclosure. Each button carries its form and, for a step that cannot be undone, the confirmation."""
    primary, rest = lifecycle.next_steps(matter)
    if notice is not None:  # R-SV-08: one notice only; the guard would refuse a second one
        rest = [action for action in rest if action != "request_supplement"]
    if matter.is_open:
        rest += ["handover", *([] if matter.overdue_at else ["delay_reason"]), "fee"]
    materials = matter.service.materials if matter.service else []

    def button(action: str) -> dict:
        spec = MATTER_ACTIONS[action]
        form = spec.form(materials=materials) if spec.form is forms.SupplementForm else spec.form()
        return {
            "action": action,
            "heading": spec.heading,
            "form": None if spec.form is forms.ConfirmForm else form,
            "confirm": spec.confirm,
            "danger": spec.danger,
        }

    return [button(a) for a in primary], [button(a) for a in rest]


def _may_write(request) -> bool:
    return can_write(request.user)


# The buttons of the matter page. Each desk operation owns its rule (services.desk); the steps below only hand
# it the input of the button's form.


def _accept(matter: Matter, by: User, data: dict) -> Matter:
    return desk.matter_accept(matter=matter, by=by, external_deadline=data["external_deadline"])


def _request_supplement(matter: Matter, by: User, data: dict) -> Matter:
    return desk.matter_request_supplement(matter=matter, items=data["all_items"], by=by)


def _materials_complete(matter: Matter, by: User, data: dict) -> Matter:
    return desk.matter_materials_complete(matter=matter, by=by)


def _return(matter: Matter, by: User, data: dict) -> Matter:
    return desk.matter_return(matter=matter, reason=data["text"], by=by)


def _complete(matter: Matter, by: User, data: dict) -> Matter:
    return desk.matter_complete(
        matter=matter,
        result=data["text"],
        by=by,
        is_public=data["is_public"],
        public_result=data["public_result"],
    )


def _answer(matter: Matter, by: User, data: dict) -> Matter:
    return desk.matter_answer(matter=matter, answer=data["text"], by=by)


def _refer(matter: Matter, by: User, data: dict) -> Matter:
    return desk.matter_refer(matter=matter, unit=data["unit"], by=by)


def _handover(matter: Matter, by: User, data: dict) -> object:
    return desk.matter_handover(matter=matter, by=by, **data)


def _delay_reason(matter: Matter, by: User, data: dict) -> Matter:
    return desk.matter_record_delay_reason(matter=matter, reason=data["text"], by=by)


def _fee(matter: Matter, by: User, data: dict) -> object:
    return desk.fee_record(matter=matter, by=by, **data)


def _handed_over(handover) -> str:
    if handover.to_user is None:
        return f"已移交给{handover.to_unit}。"
    window = handover.to_window or handover.matter.window
    return f"已移交给{person_name(handover.to_user)}" + (f"（{window}）" if window else "") + "。"


def _completed(matter: Matter) -> str:
    public = "，已列入办结公告" if matter.is_public else ""
    return f"{matter.receipt_number}已办结{public}，办理结果已记录。"


@dataclass(frozen=True)
class MatterAction:
    """A button of the matter page: its heading, the form it posts, the step it runs, what is said when it is
    done (a function of what the step returned), and the question asked first for a step not undone."""

    heading: str
    form: type[django_forms.Form]
    step: Callable[[Matter, User, dict], object]
    done: Callable[[Any], str]
    confirm: str = ""
    danger: bool = False


MATTER_ACTIONS = {
    "accept": MatterAction(
        "受理（出具受理通知书）",
        forms.ReportedUpForm,
        _accept,
        lambda m: (
            f"已受理{m.receipt_number}"
            + (f"，办结期限{m.deadline_label}" if m.deadline_label else "")
            + "，受理通知书可打印。"
        ),
    ),
    "answer": MatterAction("当场答复", forms.TextForm, _answer, lambda m: f"已当场答复{m.applicant_name}。"),
    "complete": MatterAction(
        "办结",
        forms.CompleteForm,
        _complete,
        _completed,
        confirm="办结后不能再修改办理结果，确定办结吗？",
    ),
    "materials_complete": MatterAction(
        "材料已补齐，重新起算",
        forms.ConfirmForm,
        _materials_complete,
        lambda m: (
            "材料已补齐，办理期限重新起算"
            + (f"，办结期限{m.deadline_label}" if m.deadline_label else "")
            + "。"
        ),
    ),
    "request_supplement": MatterAction(
        "一次性告知补充材料",
        forms.SupplementForm,
        _request_supplement,
        lambda m: "已出具一次性告知书，暂停计时，材料补齐后重新起算。",
    ),
    "return": MatterAction(
        "退回（写明理由）",
        forms.TextForm,
        _return,
        lambda m: f"已退回{m.receipt_number}，退回通知书可打印。",
        confirm="退回后办件即告终结，确定退回吗？",
        danger=True,
    ),
    "refer": MatterAction(
        "非本中心事项，转介", forms.ReferForm, _refer, lambda m: f"已转介{m.referred_unit}。"
    ),
    "handover": MatterAction(
        "移交", forms.HandoverForm, _handover, _handed_over, confirm="移交后由接收人办理，确定移交吗？"
    ),
    "delay_reason": MatterAction(
        "登记延期正当理由", forms.TextForm, _delay_reason, lambda m: "延期正当理由已登记，不计超期。"
    ),
    "fee": MatterAction("登记法定收费", forms.FeeForm, _fee, lambda fee: f"已登记收费{fee.amount}元。"),
}


@require_POST
@desk_writer
def matter_action(request, pk: int, action: str):
    """One POST endpoint per button of the matter page; its errors come back to that page as messages."""
    matter = _get_matter(request, pk)
    if action not in MATTER_ACTIONS:
        return redirect("services:matter", pk=pk)
    button = MATTER_ACTIONS[action]
    if button.form is forms.SupplementForm:
        form = forms.SupplementForm(
            request.POST, materials=matter.service.materials if matter.service else []
        )
    else:
        form = button.form(request.POST)
    done = run_form(request, form, lambda data: button.step(matter, request.user, data), success=button.done)
    if done is None:
        flash_form_errors(request, form)
    return redirect("services:matter", pk=pk)


# --- complaints, appointments, accountability ----------------------------------------------------------------


@desk_reader
def complaints(request):
    rows = Complaint.objects.select_related("against_staff", "matter")
    return render(request, "services/complaints.html", {"complaints": rows})


@desk_writer
def complaint_new(request):
    form = forms.ComplaintForm(request.POST or None)
    complaint = run_form(
        request,
        form,
        lambda data: contact.complaint_register(received_by=request.user, **data),
        success="投诉已登记，请在规定期限内调查核实。",
    )
    if complaint is not None:
        return redirect("services:complaint", pk=complaint.pk)
    return render(request, "services/form_page.html", {"form": form, "title": "登记投诉"})


@desk_writer
def complaint_detail(request, pk: int):
    complaint = get_object_or_404(Complaint.objects.select_related("against_staff", "matter"), pk=pk)
    form = forms.TextForm(request.POST or None)
    if complaint.state == Complaint.State.RECEIVED:
        done = run_form(
            request,
            form,
            lambda data: contact.complaint_investigate(
                complaint=complaint, investigator=request.user, findings=data["text"]
            ),
            success="调查核实情况已记录。",
        )
    else:
        done = run_form(
            request,
            form,
            lambda data: contact.complaint_reply(complaint=complaint, reply=data["text"], by=request.user),
            success="已答复投诉人。",
        )
    if done is not None:
        return redirect("services:complaint", pk=pk)
    return render(request, "services/complaint.html", {"complaint": complaint, "form": form})


@desk_reader
def appointments(request):
    rows = Appointment.objects.select_related("service", "assigned_staff").filter(
        scheduled_at__date__gte=local_today()
    )
    return render(request, "services/appointments.html", {"appointments": rows})


@desk_writer
def appointment_new(request):
    form = forms.AppointmentForm(request.POST or None)
    appointment = run_form(
        request,
        form,
        lambda data: contact.appointment_book(booked_by=request.user, **data),
        success=lambda appointment: (
            f"预约已登记：{timezone.localtime(appointment.scheduled_at):%Y年%-m月%-d日 %H:%M}。"
        ),
    )
    if appointment is not None:
        return redirect("services:appointments")
    return render(request, "services/form_page.html", {"form": form, "title": "登记预约"})


@require_POST
@desk_writer
def appointment_close(request, pk: int):
    appointment = get_object_or_404(Appointment, pk=pk)
    form = forms.AppointmentCloseForm(request.POST)
    closed = run_form(
        request,
        form,
        lambda data: contact.appointment_close(appointment=appointment, by=request.user, **data),
        success=lambda closed: f"{closed.name}的预约{closed.get_state_display()}。",
    )
    if closed is None:
        flash_form_errors(request, form)
    return redirect("services:appointments")


@desk_reader
def cases(request):
    rows = AccountabilityCase.objects.select_related("matter", "responsible", "decided_by")
    return render(request, "services/cases.html", {"cases": rows})


@desk_reader
def case_detail(request, pk: int):
    """Everyone at the desk reads a case; only the administrator decides it (R-SV-11)."""
    case = get_object_or_404(AccountabilityCase.objects.select_related("matter", "responsible"), pk=pk)
    if request.method == "POST" and not is_admin(request.user):
        raise PermissionDenied("只有镇党委管理员可以作出责任追究决定。")
    form = forms.DecisionForm(request.POST or None)
    decided = run_form(
        request,
        form,
        lambda data: accountability.accountability_decide(case=case, decided_by=request.user, **data),
        success="责任追究处理决定已记录。",
    )
    if decided is not None:
        return redirect("services:case", pk=pk)
    return render(
        request, "services/case.html", {"case": case, "form": form, "may_decide": is_admin(request.user)}
    )


# --- statistics and records -----------------------------------------------------------------------------


FIRST_STATISTICS_YEAR = 2000


def _month_param(value: str) -> tuple[int, int]:
    """``?month=2026-11`` as (year, month); anything else — another shape, a month before the desk existed or
    after next year (``9999-12`` ran the date arithmetic past year 9999) — is ignored: this month."""
    today = local_today()
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", normalize_code(value or ""))
    if match:
        year, month = int(match[1]), int(match[2])
        if FIRST_STATISTICS_YEAR <= year <= today.year + 1 and 1 <= month <= 12:
            return year, month
    return today.year, today.month


@desk_reader
def stats(request):
    year, month = _month_param(request.GET.get("month", ""))
    report = statistics.monthly_report(year=year, month=month)
    return render(
        request, "services/stats.html", {"report": report, "chart": statistics.bar_chart(report.by_kind)}
    )


@desk_reader
def records(request):
    years = (
        Matter.objects.values("year")
        .annotate(total=Count("pk"), open=Count("pk", filter=Q(state__in=OPEN_STATES)))
        .order_by("-year")
    )
    archived = set(YearArchive.objects.values_list("year", flat=True))
    return render(request, "services/records.html", {"years": years, "archived": archived})


RECORD_COLUMNS = [
    "受理编号",
    "登记时间",
    "办件类型",
    "办事人",
    "首问责任人",
    "经办人",
    "事项",
    "状态",
    "办结时间",
    "办理结果",
]


def records_file(year: int) -> tuple[bytes, str, int]:
    """R-SV-17: the year's service records (time, person, content, how resolved), through the export writer —
    the download and the background job (services.tasks) both call it. (bytes, file name, how many)."""
    matters = Matter.objects.filter(year=year).select_related("first_contact", "handler").order_by("sequence")
    rows = (
        [
            m.receipt_number,
            timezone.localtime(m.registered_at).strftime("%Y-%m-%d %H:%M"),
            m.kind_label,
            m.applicant_name,
            person_name(m.first_contact),
            person_name(m.handler),
            m.request,
            m.get_state_display(),
            timezone.localtime(m.completed_at).strftime("%Y-%m-%d %H:%M") if m.completed_at else "",
            m.result or m.return_reason or m.referred_unit,
        ]
        for m in matters.iterator(chunk_size=2000)
    )
    return write_csv(RECORD_COLUMNS, rows), f"service-records-{year}.csv", matters.count()


@require_safe
@desk_reader
def records_csv(request, year: int):
    """R-SV-17: the year's service records as CSV — written by a job (``records_job``), never in a request:
    its address shows the button that starts the job."""
    return job_start_page(
        request,
        title=f"导出{year}年便民服务记录",
        action=reverse("services:records_job", args=[year]),
        label="导出记录",
        back_url=reverse("services:records"),
    )


@require_POST
@desk_reader
def records_job(request, year: int):
    """The same CSV written by a background job (services.tasks.records_job); 我的任务 keeps the file."""
    from services.tasks import records_job as task

    run = start(task, user=request.user, label=f"导出{year}年便民服务记录", year=year)
    return redirect("core:my_job", run.pk)


@require_POST
@staff_required(roles={Role.ADMIN}, write=True)
def records_archive(request, year: int):
    form = forms.ConfirmForm(request.POST)
    archive = run_form(
        request,
        form,
        lambda data: desk.year_archive(year=year, by=request.user),
        success=lambda archive: f"{year}年便民服务记录已归档，共{archive.matter_count}件。",
    )
    if archive is None:
        flash_form_errors(request, form)
    return redirect("services:records")


# --- public pages (no login) ----------------------------------------------------------------------------------


PUBLIC_PAGE_LIMIT = 120  # views of the catalog or the board per client address …
PUBLIC_PAGE_WINDOW = 60  # … per minute: a person reads a few pages, a scraper hundreds


def _within_limit(request, page: str, limit: int, window: int) -> bool:
    """Count this request against ``page``'s limit for the client's address (seen through the trusted
    proxies, as for login throttling), shared by every worker and host (core.rate_limits)."""
    return rate_limits.hit(f"services:{page}:{client_ip(request) or ''}", limit=limit, window=window)


def _too_many_requests(request, message: str):
    """429 with a Chinese message and nothing else: no record, no personal data."""
    return render(request, "services/public_rate_limited.html", {"message": message}, status=429)


def public_catalog(request):
    """R-SV-16: 办事指南, readable by anyone (rate-limited per address)."""
    if not _within_limit(request, "catalog", PUBLIC_PAGE_LIMIT, PUBLIC_PAGE_WINDOW):
        return _too_many_requests(request, "访问过于频繁，请1分钟后再试。")
    return render(
        request, "services/public_catalog.html", {"services": Service.objects.filter(is_active=True)}
    )


def public_board(request):
    """R-SV-14: completion notice board — service, date, result and a masked name; nothing else."""
    if not _within_limit(request, "board", PUBLIC_PAGE_LIMIT, PUBLIC_PAGE_WINDOW):
        return _too_many_requests(request, "访问过于频繁，请1分钟后再试。")
    rows = [
        {
            "receipt_number": m.receipt_number,
            "service": m.service.name if m.service else m.get_kind_display(),
            "completed_on": timezone.localtime(m.completed_at).date(),
            "result": m.public_result,
            "name": m.masked_name,
        }
        for m in Matter.objects.for_public_board().select_related("service")[:200]
    ]
    return render(request, "services/public_board.html", {"rows": rows})


LOOKUP_LIMIT = 10  # attempts per IP …
LOOKUP_WINDOW = 600  # … per 10 minutes


def _lookup_allowed(request) -> bool:
    return _within_limit(request, "lookup", LOOKUP_LIMIT, LOOKUP_WINDOW)


def public_lookup(request):
    """Progress lookup: receipt number (typed any way: services.lookup) + last four digits of the phone → the
    matter's progress. A wrong suffix and an unknown number give the same answer; attempts are rate-limited
    per IP. ``?n=`` fills the number in (the QR code on the printed notices)."""
    form = forms.LookupForm(request.POST or None, initial={"receipt_number": request.GET.get("n", "")[:40]})
    result, not_found, status = None, False, 200
    if request.method == "POST":
        if not _lookup_allowed(request):
            form, status = forms.LookupForm(), 429
            messages.error(request, "查询过于频繁，请10分钟后再试。")
        elif form.is_valid():
            data = form.cleaned_data
            matter = lookup.find(data["receipt_number"], data["phone_suffix"], today=local_today())
            if matter is None:
                not_found = True
            else:
                result = lookup.answer(matter)
    return render(
        request,
        "services/public_lookup.html",
        {"form": form, "result": result, "not_found": not_found},
        status=status,
    )
