"""Staff pages for conversion management. Thin: forms collect input, conversion.* operations decide."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import DecimalField, Exists, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from conversion import forms
from conversion.access import READ_ROLES, WRITE_ROLES
from conversion.enrolment import case_enrol
from conversion.ledger import (
    case_profile,
    is_below_low,
    ledger_record_task,
    ledger_reverse,
    referral_decide,
    review_is_due,
    task_assign,
)
from conversion.models import (
    ConversionCase,
    ConversionTask,
    DemocraticReview,
    LedgerEntry,
    awaiting_committee_condition,
    overdue_tasks_condition,
    review_due_condition,
    transition_ending_condition,
)
from conversion.review import (
    ParticipantData,
    review_conclude,
    review_record_scores,
    review_schedule,
    review_set_roster,
)
from conversion.transition import case_close, discipline_referral_record, observation_record
from core.access import can_write, get_object_for_user, staff_required
from core.dates import day_end, local_today, period_end
from core.operations import run_form
from core.organizations import center_branch

PAGE_SIZE = 25
LEDGER_PAGE_SIZE = 50  # ledger entries on the case page (newest first)

read_required = staff_required(roles=READ_ROLES)
write_required = staff_required(roles=WRITE_ROLES, write=True)

# Each ?flag= (the 工作台's links) keeps the rows whose marker of that name is set: the marker is the condition
# its queryset method filters by (conversion/models.py), so the list filters in place through the case indexes.
FLAGS = {
    "referral": ("低于3分待镇党委处理", "awaiting_committee"),
    "review_due": ("达到15分待组织民主评议", "review_due"),
    "transition_ending": ("过渡期即将届满", "transition_ending"),
    "overdue": ("有逾期未评定的任务", "has_overdue"),
}


def _get_case_for_user(user, pk: int) -> ConversionCase:
    return get_object_for_user(
        ConversionCase.objects.select_related(
            "member", "original_organization", "member__organization", "enrolment_transfer", "return_transfer"
        ),
        user,
        "original_organization",
        pk=pk,
    )


def _action_page(request, case, form, title: str, **extra):
    return render(request, "conversion/action.html", {"case": case, "form": form, "title": title, **extra})


@read_required
def case_list(request):
    today = local_today()
    recent = (
        LedgerEntry.objects.filter(case=OuterRef("pk"), recorded_at__gte=day_end(period_end(today, days=-30)))
        .values("case")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    next_task = ConversionTask.objects.filter(case=OuterRef("pk"), status="open").order_by("due_on")
    # Each row's markers come from the predicates' homes (conversion/models.py), judged by the case's own
    # profile (with_marks), so the badges, the ?flag= filters and the 工作台 counts always agree.
    cases = (
        ConversionCase.objects.select_related("member", "original_organization")
        .with_marks()
        .annotate(
            trend=Coalesce(Subquery(recent), Value(0), output_field=DecimalField()),
            next_due_on=Subquery(next_task.values("due_on")[:1]),
            next_task_title=Subquery(next_task.values("title")[:1]),
            awaiting_committee=awaiting_committee_condition(),
            review_due=review_due_condition(),
            review_pending=Exists(DemocraticReview.objects.filter(case=OuterRef("pk"), state="scheduled")),
            has_overdue=overdue_tasks_condition(today),
            transition_ending=transition_ending_condition(today),
        )
        .order_by("state", "balance", "pk")
    )
    flag = request.GET.get("flag", "")
    if flag in FLAGS:
        cases = cases.filter(**{FLAGS[flag][1]: True})
    elif request.GET.get("all") != "1":
        cases = cases.exclude(state=ConversionCase.State.CLOSED)
    page_obj = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "conversion/case_list.html",
        {
            "cases": page_obj.object_list,
            "page_obj": page_obj,
            "flag": flag,
            "flag_label": FLAGS.get(flag, ("",))[0],
            "flags": FLAGS,
            "can_write": can_write(request.user),
        },
    )


@read_required
def case_detail(request, pk: int):
    case = _get_case_for_user(request.user, pk)
    # The ledger a page at a time, newest first; each entry carries its running balance (balance_after), so
    # nothing is recomputed. The printed statement (conversion.documents) keeps every entry.
    entries = case.entries.select_related("recorded_by").prefetch_related("reversed_by").order_by("-pk")
    page_obj = Paginator(entries, LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page_obj:
        entry.below_low = is_below_low(case, entry.balance_after)  # R-CV-06, by the case's own profile
    return render(
        request,
        "conversion/case_detail.html",
        {
            "case": case,
            "entries": page_obj,
            "page_obj": page_obj,
            "tasks": case.tasks.all(),
            "referrals": case.committee_referrals.select_related("crossing"),
            "crossings": case.crossings.all(),
            "reviews": case.reviews.prefetch_related("participants"),
            "observations": case.observations.all(),
            "discipline_referrals": case.discipline_referrals.all(),
            "state_changes": case.state_changes.select_related("by"),
            "review_due": review_is_due(case),
            "profile": case_profile(case),
            "can_write": can_write(request.user),
            "buttons": _case_buttons(case) if can_write(request.user) else ([], []),
            "center_branch": center_branch(),
        },
    )


def _case_buttons(case: ConversionCase) -> tuple[list[dict], list[dict]]:
    """The case page leads with its next step — the democratic review once it is due (R-CV-07), the close once
    the transition period is over — as a primary button; the other things the state allows follow behind a
    disclosure. Each is a link to the step's own form page (which asks for confirmation where it cannot be
    undone)."""

    def link(name: str, label: str, *, danger: bool = False) -> dict:
        return {"url": reverse(f"conversion:{name}", args=[case.pk]), "label": label, "danger": danger}

    if case.state == ConversionCase.State.ACTIVE:
        if review_is_due(case):
            return [link("review_schedule", "安排民主评议")], [link("task_add", "布置任务")]
        return [link("task_add", "布置任务")], []
    if case.state == ConversionCase.State.TRANSITION:
        observe = link("observation_add", "过渡期跟踪记录")
        refer = link("discipline_referral_add", "移交镇组织办、镇纪委", danger=True)
        if case.transition_over_today:
            return [link("case_close", "结案")], [observe, refer]
        return [observe], [refer]
    return [], []


@write_required
def case_enrol_view(request):
    form = forms.EnrolForm(request.POST or None)
    case = run_form(
        request,
        form,
        lambda data: case_enrol(decided_by=request.user, **data),
        success=lambda case: f"{case.member.name}已纳入转化管理，组织关系已转入中心党支部。",
    )
    if case is not None:
        return redirect("conversion:case_detail", case.pk)
    return _action_page(request, None, form, "纳入转化管理")


@write_required
def task_add(request, pk: int):
    case = _get_case_for_user(request.user, pk)
    form = forms.TaskForm(request.POST or None)
    task = run_form(
        request,
        form,
        lambda data: task_assign(case=case, assigned_by=request.user, **data),
        success=lambda task: f"任务“{task.title}”已布置，完成期限{task.due_on:%Y年%-m月%-d日}。",
    )
    if task is not None:
        return redirect("conversion:case_detail", case.pk)
    return _action_page(request, case, form, "布置转化任务")


@write_required
def task_close(request, pk: int, task_pk: int):
    case = _get_case_for_user(request.user, pk)
    task = get_object_or_404(case.tasks, pk=task_pk)
    form = forms.TaskCloseForm(request.POST or None)
    entry = run_form(
        request,
        form,
        lambda data: ledger_record_task(task=task, recorded_by=request.user, **data),
        success=lambda entry: f"任务已评定，积分{entry.amount:+}已记入台账。",
    )
    if entry is not None:
        return redirect("conversion:case_detail", case.pk)
    return _action_page(request, case, form, f"评定任务：{task.title}")


@write_required
def entry_reverse(request, pk: int, entry_pk: int):
    case = _get_case_for_user(request.user, pk)
    entry = get_object_or_404(case.entries, pk=entry_pk)
    form = forms.ReverseForm(request.POST or None)
    reversal = run_form(
        request,
        form,
        lambda data: ledger_reverse(entry=entry, recorded_by=request.user, **data),
        success=lambda reversal: f"已录入冲正分录（{reversal.amount:+}）。",
    )
    if reversal is not None:
        return redirect("conversion:case_detail", case.pk)
    return _action_page(request, case, form, f"冲正分录：{entry.reason}（{entry.amount:+}）")


@write_required
def referral_decide_view(request, pk: int, referral_pk: int):
    case = _get_case_for_user(request.user, pk)
    referral = get_object_or_404(case.committee_referrals, pk=referral_pk)
    form = forms.ReferralDecisionForm(request.POST or None)
    decided = run_form(
        request,
        form,
        lambda data: referral_decide(referral=referral, decided_by=request.user, **data),
        success="已记录镇党委处理决定。",
    )
    if decided is not None:
        return redirect("conversion:case_detail", case.pk)
    return _action_page(request, case, form, "记录镇党委处理决定", entries=case.entries.all())


@write_required
def review_schedule_view(request, pk: int):
    case = _get_case_for_user(request.user, pk)
    form = forms.ReviewScheduleForm(request.POST or None)
    review = run_form(
        request,
        form,
        lambda data: review_schedule(case=case, scheduled_by=request.user, **data),
        success=lambda review: f"民主评议已安排在{review.scheduled_on:%Y年%-m月%-d日}，请确定参加人员。",
    )
    if review is not None:
        return redirect("conversion:case_detail", case.pk)
    return _action_page(request, case, form, "安排民主评议")


@write_required
def review_roster(request, pk: int, review_pk: int):
    case = _get_case_for_user(request.user, pk)
    review = get_object_or_404(case.reviews, pk=review_pk)
    initial = [
        {"name": p.name, "category": p.category, "village": p.village} for p in review.participants.all()
    ]
    formset = forms.RosterFormSet(request.POST or None, initial=initial or None)
    roster = run_form(
        request,
        formset,
        lambda rows: review_set_roster(
            review=review,
            participants=[ParticipantData(r["name"], r["category"], r["village"]) for r in rows if r],
            recorded_by=request.user,
        ),
        success=lambda roster: f"参加人员名单已保存，共{len(roster)}人。",
    )
    if roster is not None:
        return redirect("conversion:case_detail", case.pk)
    return render(
        request,
        "conversion/roster.html",
        {"case": case, "review": review, "formset": formset, "title": "民主评议参加人员"},
    )


@write_required
def review_scores(request, pk: int, review_pk: int):
    case = _get_case_for_user(request.user, pk)
    review = get_object_or_404(case.reviews, pk=review_pk)
    form = forms.ScoresForm(request.POST or None, participants=review.participants.all())
    scored = run_form(
        request,
        form,
        lambda data: review_record_scores(review=review, scores=form.scores(), recorded_by=request.user),
        success="评分已保存。",
    )
    if scored is not None:
        return redirect("conversion:case_detail", case.pk)
    return _action_page(request, case, form, "录入民主评议评分（百分制）")


@write_required
def review_conclude_view(request, pk: int, review_pk: int):
    case = _get_case_for_user(request.user, pk)
    review = get_object_or_404(case.reviews, pk=review_pk)
    form = forms.ConcludeForm(request.POST or None)
    concluded = run_form(
        request,
        form,
        lambda data: review_conclude(review=review, concluded_by=request.user, **data),
        success=lambda review: f"民主评议已得出结论：{review.get_state_display()}。",
    )
    if concluded is not None:
        return redirect("conversion:case_detail", case.pk)
    return _action_page(request, case, form, "民主评议结论", review=review)


@write_required
def observation_add(request, pk: int):
    case = _get_case_for_user(request.user, pk)
    form = forms.ObservationForm(request.POST or None)
    observation = run_form(
        request,
        form,
        lambda data: observation_record(case=case, recorded_by=request.user, **data),
        success="跟踪记录已保存。",
    )
    if observation is not None:
        return redirect("conversion:case_detail", case.pk)
    return _action_page(request, case, form, "过渡期跟踪记录")


@write_required
def discipline_referral_add(request, pk: int):
    case = _get_case_for_user(request.user, pk)
    form = forms.DisciplineReferralForm(request.POST or None, case=case)
    referral = run_form(
        request,
        form,
        lambda data: discipline_referral_record(case=case, recorded_by=request.user, **data),
        success=lambda referral: f"已将{case.member.name}移交{referral.referred_to}。",
    )
    if referral is not None:
        return redirect("conversion:case_detail", case.pk)
    return _action_page(
        request, case, form, "移交镇组织办、镇纪委", confirm="移交后由镇组织办、镇纪委处理，确定移交吗？"
    )


@write_required
def case_close_view(request, pk: int):
    case = _get_case_for_user(request.user, pk)
    form = forms.CloseForm(request.POST or None)
    closed = run_form(
        request,
        form,
        lambda data: case_close(case=case, closed_by=request.user, **data),
        success=f"{case.member.name}的转化案件已结案，案件不再变动。",
    )
    if closed is not None:
        return redirect("conversion:case_detail", case.pk)
    return _action_page(request, case, form, "过渡期届满结案", confirm="结案后案件不再变动，确定结案吗？")
